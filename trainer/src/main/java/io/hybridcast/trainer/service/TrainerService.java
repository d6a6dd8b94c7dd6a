package io.hybridcast.trainer.service;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.bundle.InvalidBundleException;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The continuous re-meta-training loop for one system: on a schedule (every interval, or after N new
 * readings), read a bounded snapshot of {@code sensor-readings}, cut windows per sensor (a sensor is a
 * task), train warm-started from the version in service (from scratch when there is none), score the
 * candidate and the served version on the same held-out recent windows, and publish the candidate to
 * {@code model-versions} only when it passes the promotion rule: better prediction MSE and a z_p spread no
 * worse than {@code spreadTolerance} times the served one. One training at a time; a version is published
 * in one Kafka transaction, so a crash mid-run publishes nothing a reader would see.
 */
public final class TrainerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    /** A candidate with more of its z_p estimates on a prior bound than this (and than the served one) is refused. */
    static final double MAX_AT_BOUND = 0.5;
    /** Physics warm-up steps of a first model (the experiment's default, where it lowered the MSE of omega). */
    static final int BOOTSTRAP_PHYSICS_WARMUP_STEPS = 300;
    /** Fewer training windows than this and a run is skipped rather than fit to noise. */
    static final int MIN_TRAINING_WINDOWS = 16;

    /** What one run did. */
    public record Outcome(Kind kind, long version, String reason, CandidateScore candidate,
                          CandidateScore served) {
        /** Kinds of outcome. */
        public enum Kind { PUBLISHED, REJECTED, SKIPPED }
    }

    private final TrainerSettings settings;
    private final MeterRegistry meters;
    private final AtomicLong publishedVersion = new AtomicLong();
    private final AtomicLong trainingProgressPermille = new AtomicLong();
    private final NDManager root = NDManager.newBaseManager();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread loop;
    private long runs;

    public TrainerService(TrainerSettings settings) {
        this(settings, new SimpleMeterRegistry());
    }

    /** A trainer that reports its runs, training time, progress and published version to {@code meters}. */
    public TrainerService(TrainerSettings settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
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
                "outcome", outcome.kind().name().toLowerCase(java.util.Locale.ROOT)));
        if (outcome.kind() == Outcome.Kind.PUBLISHED) {
            publishedVersion.set(outcome.version());
        }
        return outcome;
    }

    /** One training run, now, on the calling thread. */
    public synchronized Outcome runOnce() {
        long started = System.nanoTime();
        SystemKind system = settings.system();
        ServedVersion.Lookup lookup = ServedVersion.lookup(settings.bootstrapServers(), system, settings.hmacKey(),
                KAFKA_TIMEOUT);
        ReadingsSnapshot snapshot = ReadingsSnapshot.read(settings.bootstrapServers(), system,
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
        Optional<GroundTruth> truth = GroundTruth.read(settings.bootstrapServers(), system, KAFKA_TIMEOUT);
        try (NDManager runManager = root.newSubManager()) {
            Optional<HybridVae> served = lookup.newest().map(v -> instantiate(v, runManager));
            HybridVae candidate = train(served, split.train(), seed, runManager);
            CandidateScore candidateScore = CandidateScore.of(candidate, split.heldOut(), split.train(),
                    settings.windowLength(), settings.horizon(), settings.contextSize(), truth);
            CandidateScore servedScore = served.map(m -> CandidateScore.of(m, split.heldOut(), split.train(),
                    settings.windowLength(), settings.horizon(), settings.contextSize(), truth)).orElse(null);
            String rejection = promotionRejection(candidateScore, servedScore);
            long version = lookup.highestVersion() + 1;
            if (rejection != null) {
                LOG.info("Candidate for {} not published: {}", system, rejection);
                return new Outcome(Outcome.Kind.REJECTED, 0, rejection, candidateScore, servedScore);
            }
            publish(candidate, version, lookup.newest().map(ServedVersion::version).orElse(null), candidateScore,
                    snapshot, seed, (System.nanoTime() - started) / 1e9);
            return new Outcome(Outcome.Kind.PUBLISHED, version, "", candidateScore, servedScore);
        }
    }

    /** Null when the candidate may be published, else why not. */
    String promotionRejection(CandidateScore candidate, CandidateScore served) {
        if (!Double.isFinite(candidate.msePred())) {
            return "candidate prediction MSE is " + candidate.msePred();
        }
        if (served == null || settings.promotion() == TrainerSettings.Promotion.ALWAYS) {
            return null;
        }
        if (candidate.msePred() >= served.msePred()) {
            return String.format("prediction MSE %.5g is not better than the served version's %.5g",
                    candidate.msePred(), served.msePred());
        }
        if (!(candidate.zpRelativeSpread() <= served.zpRelativeSpread() * settings.spreadTolerance() + 1e-12)) {
            return String.format("physics consistency worse: z_p spread within sensors relative to the fleet "
                            + "%.4g > %.2f x served %.4g", candidate.zpRelativeSpread(), settings.spreadTolerance(),
                    served.zpRelativeSpread());
        }
        if (candidate.zpAtBound() > Math.max(MAX_AT_BOUND, served.zpAtBound())) {
            return String.format("physics head stuck at its bounds: %.0f %% of the z_p estimates sit on a bound "
                    + "of the prior range (served: %.0f %%)", 100 * candidate.zpAtBound(), 100 * served.zpAtBound());
        }
        return null;
    }

    private HybridVae instantiate(ServedVersion version, NDManager manager) {
        try {
            return ModelBundle.read(version.payload(), settings.system().name()).instantiate(manager);
        } catch (InvalidBundleException e) {
            throw new IllegalStateException("Served model version " + version.version() + " cannot be loaded: "
                    + e.getMessage(), e);
        }
    }

    private HybridVae train(Optional<HybridVae> served, TaskWindows train, long seed, NDManager manager) {
        int epochs = served.isPresent() ? settings.epochs() : settings.bootstrapEpochs();
        TrainingConfig config = TrainingConfig.defaults(settings.system().name(), epochs, seed)
                .withSchedule(epochs, Math.min(64, train.size()));
        if (served.isEmpty()) {
            // a first model learns to read z_p from simulated physics-only windows before the joint fit: no
            // data is needed for it, it costs a few seconds, and it keeps the physics head from starting where
            // the neural part can explain everything (docs/model.md, "physics warm-up")
            config = config.withKlAndWarmup(config.klWeight(), BOOTSTRAP_PHYSICS_WARMUP_STEPS);
        }
        TrainingListener log = new LogProgress(settings.system());
        TrainingListener progress = (step, total, epoch, loss, elapsed) -> {
            trainingProgressPermille.set(1000L * step / total);
            log.onStep(step, total, epoch, loss, elapsed);
        };
        if (served.isPresent()) {
            // warm start: a fresh copy of the served model, trained further; the served one stays as it was
            HybridVae candidate = new HybridVae(served.get().spec(), manager, seed);
            copyParameters(served.get(), candidate);
            HybridVaeTrainer.continueTraining(candidate, config, train.windows(), train.taskIds(), progress);
            return candidate;
        }
        return HybridVaeTrainer.train(newSpec(), config, train.windows(), train.taskIds(), manager, progress);
    }

    private static void copyParameters(HybridVae from, HybridVae to) {
        var source = from.allParameters();
        to.allParameters().forEach((id, p) -> p.getArray().set(source.get(id).getArray().toFloatArray()));
    }

    /** The spec of a first model of this trainer's system. */
    ModelSpec newSpec() {
        SensorSystems.Spec s = SensorSystems.of(settings.system());
        PriorRange prior = PriorRange.forSystem(settings.system().name());
        int neural = Math.max(1, s.unmodelledParameters().size());
        return new ModelSpec(settings.system().name(), settings.algorithm(), settings.windowLength(), s.channels(),
                s.dtSeconds(), settings.horizon(), s.physicsParameters().get(0), prior.min(), prior.max(), neural, 64, 32,
                1, "rk4", -9, true, true, "meta-hybrid-vae".equals(settings.algorithm()));
    }

    private void publish(HybridVae candidate, long version, Long parent, CandidateScore score,
                         ReadingsSnapshot snapshot, long seed, double seconds) {
        String trainingJson = String.format(java.util.Locale.ROOT,
                "{\"epochs\":%d,\"seed\":%d,\"hop\":%d,\"contextSize\":%d,\"heldOutFraction\":%s,\"seconds\":%.1f}",
                parent == null ? settings.bootstrapEpochs() : settings.epochs(), seed, settings.hop(),
                settings.contextSize(), settings.heldOutFraction(), seconds);
        byte[] bundle = ModelBundle.write(candidate, score.asMetrics(), trainingJson);
        ModelVersion header = ModelVersion.newBuilder()
                .setSystem(settings.system()).setVersion(version).setParentVersion(parent)
                .setAlgorithm(candidate.spec().algorithm()).setSettingsJson(trainingJson)
                .setTrainingData(Topics.SENSOR_READINGS.name() + " offsets " + snapshot.range())
                .setMetrics(score.asMetrics()).setCreatedAt(Instant.now())
                .setPayload(java.nio.ByteBuffer.allocate(0)).setSha256("").build();
        List<ModelVersion> chunks = ModelPayloads.chunks(header, bundle, ModelPayloads.DEFAULT_CHUNK_BYTES,
                settings.hmacKey());
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "hybridcast-trainer-" + settings.system());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_VERSION_MAX_MESSAGE_BYTES);
        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(config,
                Topics.MODEL_VERSIONS.keySerde().serializer(), Topics.MODEL_VERSIONS.valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ModelVersion chunk : chunks) {
                producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS.name(), Topics.modelVersionKey(chunk), chunk));
            }
            producer.commitTransaction();
        }
        LOG.info("Published {} model version {} (parent {}, {} bytes in {} chunk(s)): mse_pred {}, z_p spread {} "
                        + "(relative to the fleet {}, on a bound {}), "
                        + "trained on {} windows in {} s", settings.system(), version, parent, bundle.length,
                chunks.size(), String.format("%.5g", score.msePred()), String.format("%.4g", score.zpSpread()),
                String.format("%.3g", score.zpRelativeSpread()), String.format("%.2f", score.zpAtBound()),
                snapshot.readings(), String.format("%.1f", seconds));
    }

    /** Starts the schedule on a background thread. */
    public synchronized void start() {
        if (running.getAndSet(true)) {
            return;
        }
        loop = new Thread(this::schedule, "trainer-" + settings.system());
        loop.setDaemon(true);
        loop.start();
    }

    private void schedule() {
        long lastRun = 0;
        long readingsAtLastRun = -1;
        long anomaliesAtLastRun = -1;
        while (running.get()) {
            try {
                long readings = endOffsetsSum(Topics.SENSOR_READINGS.name());
                long anomalies = endOffsetsSum(Topics.ANOMALIES.name());
                boolean intervalDue = System.nanoTime() - lastRun >= settings.interval().toNanos() || lastRun == 0;
                boolean readingsDue = settings.minNewReadings() > 0 && readingsAtLastRun >= 0
                        && readings - readingsAtLastRun >= settings.minNewReadings();
                // many anomalies since the last run: the world changed, the model should follow
                boolean anomaliesDue = settings.minNewAnomalies() > 0 && anomaliesAtLastRun >= 0
                        && anomalies - anomaliesAtLastRun >= settings.minNewAnomalies();
                if (intervalDue || readingsDue || anomaliesDue) {
                    if (anomaliesDue) {
                        LOG.info("{} anomalies since the last run of {}: retraining now", anomalies - anomaliesAtLastRun,
                                settings.system());
                    }
                    Outcome outcome = countedRun();
                    if (outcome.kind() != Outcome.Kind.SKIPPED) {
                        lastRun = System.nanoTime();
                        readingsAtLastRun = readings;
                        anomaliesAtLastRun = anomalies;
                    } else {
                        // retry soon: the first model matters most
                        lastRun = System.nanoTime() - settings.interval().toNanos() + TimeUnit.SECONDS.toNanos(10);
                    }
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a failed run publishes nothing; the next one starts from a clean snapshot
                LOG.error("Training run for {} failed; nothing was published", settings.system(), e);
                lastRun = System.nanoTime();
            }
        }
    }

    private long endOffsetsSum(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()),
                    OffsetSpec.latest()));
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(i -> i.offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading the end offsets of " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the end offsets of " + topic, e);
        }
    }

    @Override
    public void close() {
        running.set(false);
        Thread t = loop;
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            root.close();
        }
    }

    /** Logs training progress about every 10 % with loss and ETA. */
    private record LogProgress(SystemKind system) implements TrainingListener {
        @Override
        public void onStep(int step, int totalSteps, int epoch, double loss, long elapsedNanos) {
            int every = Math.max(1, totalSteps / 10);
            if (step % every == 0 || step == totalSteps) {
                double eta = elapsedNanos / 1e9 / step * (totalSteps - step);
                LOG.info("Training {}: step {}/{} (epoch {}), loss {}, ETA {} s", system, step, totalSteps, epoch,
                        String.format("%.4f", loss), String.format("%.0f", eta));
            }
        }
    }
}
