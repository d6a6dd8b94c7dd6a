package io.hybridcast.trainer.service;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.bundle.InvalidBundleException;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.schemas.Topics;
import io.hybridcast.trainer.basemodel.BaseModels;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The continuous re-meta-training loop for one system. Each run reads what is served and a bounded snapshot
 * of {@code sensor-readings}, cuts windows per sensor (a sensor is a task), trains a candidate
 * ({@link CandidateTraining}), scores candidate and served version on the same held-out recent windows
 * ({@link CandidateScore}), and publishes the candidate ({@link VersionPublisher}) only when the
 * {@link PromotionRule} lets it. When runs happen is the {@link TrainingSchedule}'s business.
 */
public final class TrainerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    /** Fewer training windows than this and a run is skipped rather than fit to noise. */
    static final int MIN_TRAINING_WINDOWS = 16;
    /** Version metric: the published candidate's sensor-level z_p error on the guard population. */
    static final String GUARD_METRIC = "guard_zp_rel_err_sensor";

    /** What one run did. */
    public record Outcome(Kind kind, long version, String reason, CandidateScore candidate,
                          CandidateScore served) {
        /** Kinds of outcome. */
        public enum Kind { PUBLISHED, REJECTED, SKIPPED }
    }

    private final TrainerSettings settings;
    private final ContinuationSettings continuation;
    private final MeterRegistry meters;
    private final AtomicLong publishedVersion = new AtomicLong();
    private final AtomicLong trainingProgressPermille = new AtomicLong();
    private final NDManager root = NDManager.newBaseManager();
    private final PromotionRule promotion;
    private final CandidateTraining training;
    private final VersionPublisher publisher;
    /** Null without a guard ({@link ContinuationSettings#guardSensors()} 0). */
    private final PopulationGuard guard;
    // volatile, not guarded by the monitor: runOnce holds the monitor for a whole run, and stop() must not wait for it
    private volatile TrainingSchedule schedule;
    private volatile Thread loop;
    private long runs;

    /** A trainer without base model and replay ({@link ContinuationSettings#OFF}). */
    public TrainerService(TrainerSettings settings) {
        this(settings, new SimpleMeterRegistry());
    }

    /** A trainer without base model and replay that reports to {@code meters}. */
    public TrainerService(TrainerSettings settings, MeterRegistry meters) {
        this(settings, ContinuationSettings.OFF, meters);
    }

    /**
     * A trainer that starts from the shipped base model and continues it as {@code continuation} says, and
     * reports its runs, training time, progress and published version to {@code meters}.
     */
    public TrainerService(TrainerSettings settings, ContinuationSettings continuation, MeterRegistry meters) {
        this.settings = settings;
        this.continuation = continuation;
        this.meters = meters;
        this.promotion = new PromotionRule(settings);
        this.training = new CandidateTraining(settings, continuation, trainingProgressPermille::set);
        this.publisher = new VersionPublisher(settings);
        this.guard = continuation.guardSensors() > 0 ? new PopulationGuard(settings, continuation.guardSensors())
                : null;
        Gauge.builder("hybridcast.trainer.published.version", publishedVersion, AtomicLong::get)
                .description("Last model version this trainer published").tag("system", settings.system().name())
                .register(meters);
        Gauge.builder("hybridcast.trainer.training.progress", trainingProgressPermille, v -> v.get() / 1000.0)
                .description("Progress of the training under way, 0..1").tag("system", settings.system().name())
                .register(meters);
    }

    /** Runs one training and counts its outcome. */
    private Outcome countedRun() {
        Timer.Sample sample = Timer.start(meters);
        Outcome outcome = runOnce();
        sample.stop(meters.timer("hybridcast.trainer.run", "system", settings.system().name(),
                "outcome", outcome.kind().name().toLowerCase(Locale.ROOT)));
        if (outcome.kind() == Outcome.Kind.PUBLISHED) {
            publishedVersion.set(outcome.version());
        }
        return outcome;
    }

    /** One training run, now, on the calling thread. */
    public synchronized Outcome runOnce() {
        long started = System.nanoTime();
        SystemKind system = settings.system();
        ServedVersion.Lookup lookup = ServedVersion.lookup(settings, meters, KAFKA_TIMEOUT);
        ReadingsSnapshot snapshot = ReadingsSnapshot.read(settings.bootstrapServers(), settings.kafkaConfig(), system,
                settings.maxReadingsPerPartition(), KAFKA_TIMEOUT);
        TaskWindows.Split split = TaskWindows.cut(snapshot, settings.windowLength(),
                settings.windowLength() + settings.horizon(), settings.hop(), settings.heldOutFraction());
        if (split.train().size() < MIN_TRAINING_WINDOWS || split.heldOut().size() == 0) {
            String reason = "not enough data yet: " + split.train().size() + " training and " + split.heldOut().size()
                    + " held-out windows from " + snapshot.readings() + " readings of " + snapshot.series().size()
                    + " sensors";
            LOG.info("Training run skipped for {}: {}", system, reason);
            return new Outcome(Outcome.Kind.SKIPPED, 0, reason, null, null);
        }
        long seed = settings.seed() + runs++;
        Optional<GroundTruth> truth = GroundTruth.read(settings.bootstrapServers(), settings.kafkaConfig(), system,
                KAFKA_TIMEOUT);
        try (NDManager runManager = root.newSubManager()) {
            Optional<HybridVae> served = lookup.newest().map(v -> instantiate(v, runManager));
            HybridVae candidate = training.train(served, split.train(), seed, runManager);
            if (Thread.currentThread().isInterrupted()) {
                // close() cut the run short: a partly trained candidate is neither scored nor published
                LOG.info("Training run for {} stopped: the trainer is closing", system);
                return new Outcome(Outcome.Kind.SKIPPED, 0, "the trainer is closing", null, null);
            }
            CandidateScore candidateScore = CandidateScore.of(candidate, split.heldOut(), split.train(),
                    settings.windowLength(), settings.horizon(), settings.contextSize(), truth);
            CandidateScore servedScore = served.map(m -> CandidateScore.of(m, split.heldOut(), split.train(),
                    settings.windowLength(), settings.horizon(), settings.contextSize(), truth)).orElse(null);
            String rejection = promotion.rejection(candidateScore, servedScore);
            Map<String, Double> guardMetrics = new LinkedHashMap<>();
            if (rejection == null && guard != null && served.isPresent()
                    && settings.promotion() == TrainerSettings.Promotion.BETTER) {
                // the candidate inherits the served version's calibration, so both are judged as published under it
                IntervalCalibration calibration = IntervalCalibration.fromMetrics(
                        lookup.newest().map(this::inheritedCalibration).orElse(Map.of()),
                        PriorRange.forSystem(system.name()));
                double candidateError = guard.error(candidate, calibration);
                double servedError = guard.error(served.get(), calibration);
                guardMetrics.put(GUARD_METRIC, candidateError);
                guardMetrics.put(GUARD_METRIC + "_served", servedError);
                LOG.info("Promotion guard for {}: sensor-level z_p error on the held-out simulated population "
                        + "{} % (candidate) against {} % (served)", system, String.format("%.2f", 100 * candidateError),
                        String.format("%.2f", 100 * servedError));
                rejection = promotion.populationRejection(candidateError, servedError);
            }
            long version = lookup.highestVersion() + 1;
            if (rejection != null) {
                LOG.info("Candidate for {} not published: {}", system, rejection);
                return new Outcome(Outcome.Kind.REJECTED, 0, rejection, candidateScore, servedScore);
            }
            Map<String, Double> metrics = new LinkedHashMap<>(candidateScore.asMetrics());
            metrics.putAll(guardMetrics);
            lookup.newest().ifPresent(v -> metrics.putAll(inheritedCalibration(v)));
            publish(candidate, version, lookup.newest().map(ServedVersion::version).orElse(null), candidateScore,
                    metrics, snapshot, seed, (System.nanoTime() - started) / 1e9);
            return new Outcome(Outcome.Kind.PUBLISHED, version, "", candidateScore, servedScore);
        }
    }

    /**
     * Publishes the shipped base model of this system ({@code trainer base-models}) as the first version when
     * nothing is served yet, signed like every version; does nothing when a version is served, when none is
     * shipped, or when the shipped one does not fit this trainer's window length, horizon or algorithm.
     */
    public synchronized Outcome publishBaseModel() {
        SystemKind system = settings.system();
        ServedVersion.Lookup lookup = ServedVersion.lookup(settings, meters, KAFKA_TIMEOUT);
        if (lookup.newest().isPresent()) {
            return new Outcome(Outcome.Kind.SKIPPED, 0, "version " + lookup.newest().get().version()
                    + " is served already", null, null);
        }
        Optional<byte[]> shipped = BaseModels.shipped(system);
        if (shipped.isEmpty()) {
            return new Outcome(Outcome.Kind.SKIPPED, 0, "no base model shipped for " + system, null, null);
        }
        ModelBundle bundle;
        try {
            bundle = ModelBundle.read(shipped.get(), system.name());
        } catch (InvalidBundleException e) {
            throw new IllegalStateException("The shipped base model of " + system + " cannot be read: "
                    + e.getMessage(), e);
        }
        String misfit = bundle.spec().windowLength() != settings.windowLength()
                ? "window length " + bundle.spec().windowLength() + " != --window-length " + settings.windowLength()
                : bundle.spec().maxHorizon() < settings.horizon()
                ? "horizon " + bundle.spec().maxHorizon() + " < --horizon " + settings.horizon()
                : !bundle.spec().algorithm().equals(settings.algorithm())
                ? "algorithm " + bundle.spec().algorithm() + " != --algorithm " + settings.algorithm() : null;
        if (misfit != null) {
            LOG.warn("Shipped base model of {} not published: {}", system, misfit);
            return new Outcome(Outcome.Kind.REJECTED, 0, "base model does not fit: " + misfit, null, null);
        }
        long version = lookup.highestVersion() + 1;
        publisher.publish(shipped.get(), new VersionPublisher.Version(version, null, bundle.spec().algorithm(),
                bundle.trainingJson(), "base model: simulated population (trainer base-models), sha256 "
                + BaseModels.sha256(shipped.get()), bundle.metrics()));
        publishedVersion.set(version);
        LOG.info("Published the shipped base model of {} as version {} ({} bytes): {}", system, version,
                shipped.get().length, bundle.metrics());
        return new Outcome(Outcome.Kind.PUBLISHED, version, "base model", null, null);
    }

    private HybridVae instantiate(ServedVersion version, NDManager manager) {
        try {
            return ModelBundle.read(version.payload(), settings.system().name()).instantiate(manager);
        } catch (InvalidBundleException e) {
            throw new IllegalStateException("Served model version " + version.version() + " cannot be loaded: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The served version's sensor-level interval calibration ({@link IntervalCalibration#METRIC}, its unrevealed
     * tier and reveal gate), which a
     * warm-started candidate carries on: it was fitted on the digital twin's sensors for the parent, and a few
     * hundred steps of continuation with the population replayed do not refit it (docs/trainer.md).
     */
    private Map<String, Double> inheritedCalibration(ServedVersion served) {
        try {
            Map<String, Double> parent = ModelBundle.read(served.payload(), settings.system().name()).metrics();
            Map<String, Double> inherited = new LinkedHashMap<>();
            for (String name : List.of(IntervalCalibration.METRIC, IntervalCalibration.METRIC_UNREVEALED,
                    IntervalCalibration.METRIC_GATE)) {
                if (parent.get(name) != null) {
                    inherited.put(name, parent.get(name));
                }
            }
            return inherited;
        } catch (InvalidBundleException e) {
            return Map.of();
        }
    }

    private void publish(HybridVae candidate, long version, Long parent, CandidateScore score,
                         Map<String, Double> metrics, ReadingsSnapshot snapshot, long seed, double seconds) {
        String trainingJson = String.format(Locale.ROOT,
                "{\"epochs\":%d,\"seed\":%d,\"hop\":%d,\"contextSize\":%d,\"heldOutFraction\":%s,\"seconds\":%.1f}",
                parent == null ? settings.bootstrapEpochs() : settings.epochs(), seed, settings.hop(),
                settings.contextSize(), settings.heldOutFraction(), seconds);
        byte[] bundle = ModelBundle.write(candidate, metrics, trainingJson);
        int chunks = publisher.publish(bundle, new VersionPublisher.Version(version, parent,
                candidate.spec().algorithm(), trainingJson,
                Topics.SENSOR_READINGS.name() + " offsets " + snapshot.range(), metrics));
        LOG.info("Published {} model version {} (parent {}, {} bytes in {} chunk(s)): mse_pred {}, z_p spread {} "
                        + "(relative to the fleet {}, on a bound {}), "
                        + "trained on {} windows in {} s", settings.system(), version, parent, bundle.length,
                chunks, String.format("%.5g", score.msePred()), String.format("%.4g", score.zpSpread()),
                String.format("%.3g", score.zpRelativeSpread()), String.format("%.2f", score.zpAtBound()),
                snapshot.readings(), String.format("%.1f", seconds));
    }

    /** Starts the schedule on a background thread. */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        schedule = new TrainingSchedule(settings, this::countedRun,
                continuation.publishBaseModel() ? this::publishBaseModel : null);
        loop = new Thread(schedule, "trainer-" + settings.system());
        loop.setDaemon(true);
        loop.start();
    }

    /**
     * Asks the service to stop without waiting: no new run starts and the run in progress ends at its next step.
     * Stopping every service first and then closing each lets several trainers wind down together.
     */
    public void stop() {
        training.stop();
        TrainingSchedule s = schedule;
        if (s != null) {
            s.stop();
        }
        Thread t = loop;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        Thread t = loop;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                // its native arrays must not be freed under it; the process's exit frees them
                LOG.warn("{} trainer still busy 30 s after stop; closing without freeing its model memory",
                        settings.system());
                return;
            }
        }
        synchronized (this) {
            root.close();
        }
    }
}
