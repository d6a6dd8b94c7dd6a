package io.hybridcast.trainer.service;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.PhysicsTargets;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.trainer.basemodel.LiveWindows;
import io.hybridcast.trainer.basemodel.TwinPopulation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * One training run of a candidate: warm-started from a copy of the served model ({@code --warm-steps} optimiser
 * steps, or {@code --epochs} over the live windows when that is 0) on the live windows together with a replay of
 * simulated population sensors ({@code --replay-tasks}, the base models' digital twin, their z_p known), or from
 * scratch for the first model when no base model is shipped ({@code --bootstrap-epochs}, after a physics warm-up
 * on simulated physics-only windows). Progress goes to the log (step, loss, ETA) and, in per mille, to
 * {@code progress}.
 */
final class CandidateTraining {

    private static final Logger LOG = LoggerFactory.getLogger(CandidateTraining.class);
    /** Physics warm-up steps of a first model (the experiment's default, where it lowered the MSE of omega). */
    static final int BOOTSTRAP_PHYSICS_WARMUP_STEPS = 300;

    /** Batch of a warm-started run with a step budget. */
    static final int WARM_BATCH = 64;
    /** Weight of the supervised z_p term on replayed population windows (as in the base models). */
    static final double REPLAY_TARGET_WEIGHT = 100;

    private final TrainerSettings settings;
    private final ContinuationSettings continuation;
    private final IntConsumer progressPermille;
    private volatile boolean stopping;
    private LiveWindows.Training replay;

    CandidateTraining(TrainerSettings settings, ContinuationSettings continuation, IntConsumer progressPermille) {
        this.settings = settings;
        this.continuation = continuation;
        this.progressPermille = progressPermille;
    }

    /**
     * Ends the run in progress at its next step, and every later run at its first: the service is closing. A flag
     * as well as the thread's interrupt, because code the run calls may clear an interrupt (a caught
     * {@link InterruptedException}), and the run went on for its whole budget after a shutdown.
     */
    void stop() {
        stopping = true;
    }

    /** The replayed population's windows, simulated once per service (the same sensors in every run). */
    synchronized LiveWindows.Training replay() {
        if (replay == null) {
            long start = System.nanoTime();
            List<TwinPopulation.Sensor> sensors = TwinPopulation.simulate(TwinPopulation.Spec.of(settings.system(),
                    continuation.replayTasks(), ContinuationSettings.REPLAY_SECONDS, 30), settings.seed() + 7_000_001L);
            replay = LiveWindows.training(sensors, settings.windowLength(), settings.hop(),
                    LiveWindows.readingBound(settings.system()));
            LOG.info("Replay of {} simulated {} sensors: {} windows (simulated in {} s)", continuation.replayTasks(),
                    settings.system(), replay.size(), String.format("%.1f", (System.nanoTime() - start) / 1e9));
        }
        return replay;
    }

    /** Trains a candidate on {@code train}, from {@code served} when there is one; the served model is not changed. */
    HybridVae train(Optional<HybridVae> served, TaskWindows train, long seed, NDManager manager) {
        int epochs = served.isPresent() ? settings.epochs() : settings.bootstrapEpochs();
        TrainingConfig config = TrainingConfig.defaults(settings.system().name(), epochs, seed)
                .withSchedule(epochs, Math.min(64, train.size()));
        if (served.isEmpty()) {
            // a first model learns to read z_p from simulated physics-only windows before the joint fit: no
            // data is needed for it, it costs a few seconds, and it keeps the physics head from starting where
            // the neural part can explain everything (docs/model.md, "physics warm-up")
            config = config.toBuilder().optPhysicsWarmupSteps(BOOTSTRAP_PHYSICS_WARMUP_STEPS).build();
        }
        TrainingListener log = new LogProgress(settings.system());
        TrainingListener progress = new TrainingListener() {
            @Override
            public void onStep(int step, int total, int epoch, double loss, long elapsed) {
                progressPermille.accept((int) (1000L * step / total));
                log.onStep(step, total, epoch, loss, elapsed);
            }

            @Override
            public boolean stopRequested() {
                // a shutdown must not wait for the rest of a run
                return stopping || Thread.currentThread().isInterrupted();
            }
        };
        if (served.isPresent()) {
            // warm start: a fresh copy of the served model, trained further; the served one stays as it was
            HybridVae candidate = copyOf(served.get(), manager, seed);
            Mix mix = continuation.replayTasks() > 0 ? Mix.of(train, replay()) : Mix.of(train, null);
            if (continuation.warmSteps() > 0) {
                int batches = (mix.windows().length + WARM_BATCH - 1) / WARM_BATCH;
                int warmEpochs = Math.max(1, (continuation.warmSteps() + batches - 1) / batches);
                config = config.withSchedule(warmEpochs, WARM_BATCH);
            }
            HybridVaeTrainer.continueTraining(candidate, config, mix.windows(), mix.taskIds(),
                    new PhysicsTargets(mix.targets(), continuation.replayTasks() > 0 ? REPLAY_TARGET_WEIGHT : 0),
                    budget(progress, continuation.warmSteps()));
            return candidate;
        }
        return HybridVaeTrainer.train(newSpec(), config, train.windows(), train.taskIds(), manager, progress);
    }

    /** Ends a run after {@code steps} steps when that is set (the trainer rounds its budget up to whole epochs). */
    private static TrainingListener budget(TrainingListener progress, int steps) {
        if (steps <= 0) {
            return progress;
        }
        return new TrainingListener() {
            private int done;

            @Override
            public void onStep(int step, int total, int epoch, double loss, long elapsedNanos) {
                done = step;
                progress.onStep(Math.min(step, steps), steps, epoch, loss, elapsedNanos);
            }

            @Override
            public boolean stopRequested() {
                return done >= steps || progress.stopRequested();
            }
        };
    }

    /**
     * Live windows (z_p unknown: NaN) followed by replayed population windows (z_p known), the population's
     * tasks numbered after the live sensors'.
     */
    record Mix(double[][][] windows, int[] taskIds, double[] targets) {
        static Mix of(TaskWindows live, LiveWindows.Training replay) {
            int n = live.size();
            int m = replay == null ? 0 : replay.size();
            double[][][] windows = new double[n + m][][];
            int[] tasks = new int[n + m];
            double[] targets = new double[n + m];
            int firstReplayTask = Arrays.stream(live.taskIds()).max().orElse(-1) + 1;
            for (int i = 0; i < n; i++) {
                windows[i] = live.windows()[i];
                tasks[i] = live.taskIds()[i];
                targets[i] = Double.NaN;
            }
            for (int i = 0; i < m; i++) {
                windows[n + i] = replay.windows()[i];
                tasks[n + i] = firstReplayTask + replay.taskIds()[i];
                targets[n + i] = replay.targets()[i];
            }
            return new Mix(windows, tasks, targets);
        }
    }

    /** A new model with the same spec and parameters as {@code from}. */
    static HybridVae copyOf(HybridVae from, NDManager manager, long seed) {
        HybridVae copy = new HybridVae(from.spec(), manager, seed);
        var source = from.allParameters();
        copy.allParameters().forEach((id, p) -> p.getArray().set(source.get(id).getArray().toFloatArray()));
        return copy;
    }

    /** The spec of a first model of this trainer's system. */
    ModelSpec newSpec() {
        SensorSystems.Spec s = SensorSystems.of(settings.system());
        PriorRange prior = PriorRange.forSystem(settings.system().name());
        int neural = Math.max(1, s.unmodelledParameters().size());
        return ModelSpec.builder().setSystem(settings.system().name()).setAlgorithm(settings.algorithm())
                .setWindowLength(settings.windowLength()).setChannels(s.channels()).setDt(s.dtSeconds())
                .optMaxHorizon(settings.horizon()).setPhysicsName(s.physicsParameters().get(0))
                .setPhysicsRange(prior.min(), prior.max()).setNeuralLatents(neural).setHidden(64).setEmbedding(32)
                .optMeta("meta-hybrid-vae".equals(settings.algorithm())).build();
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
