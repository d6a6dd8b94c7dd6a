package io.hybridcast.trainer.basemodel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.training.EarlyStopping;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.PhysicsTargets;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.simulator.physics.ParameterRange;
import io.hybridcast.simulator.physics.PhysicalSystems;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Meta-trains a base Meta-Hybrid-VAE of one system on a simulated task population ({@link TwinPopulation}):
 * training sensors, validation sensors (early stopping: the best checkpoint by the validation error of z_p is
 * kept) and test sensors (the reported held-out error), three disjoint sets drawn from seeds derived from
 * {@code seed}. The physics head is supervised with the twin's known z_p ({@link PhysicsTargets}) on top of the
 * unsupervised objective. The same settings give the same model (one intra-op thread, seeded draws).
 */
public final class BaseModelTraining {

    /**
     * Everything that defines a base model.
     *
     * @param system            the system
     * @param tasks             training sensors
     * @param steps             optimiser steps of the joint fit (at most; early stopping may end sooner)
     * @param seed              seed of the population, the weights and the batches
     * @param seconds           seconds of operation per simulated sensor
     * @param meanEventGap      mean seconds between operating events
     * @param windowLength      samples per window (the streams app's {@code <system>.window.length})
     * @param hop               samples between live query windows ({@code <system>.hop})
     * @param trainHop          samples between training windows
     * @param contextSize       K ({@code <system>.context.windows})
     * @param horizon           forecast steps ({@code <system>.horizon})
     * @param batch             query windows per step
     * @param solver            rk4 or euler
     * @param targetWeight      weight of the supervised z_p term (0: unsupervised)
     * @param validationSensors sensors of the validation set
     * @param testSensors       sensors of the test set
     * @param validateEvery     steps between validations
     * @param patience          validations without a 1 % improvement before stopping (0: never stop early)
     * @param maxMinutes        wall-clock budget of the joint fit: at its end a last validation, then stop (0: none);
     *                          the model is then the best checkpoint, which {@code --steps <bestStep>} reproduces
     */
    public record Settings(SystemKind system, int tasks, int steps, long seed, double seconds, double meanEventGap,
                           int windowLength, int hop, int trainHop, int contextSize, int horizon, int batch,
                           String solver, double targetWeight, int validationSensors, int testSensors,
                           int validateEvery, int patience, double maxMinutes) {
    }

    /** One validation along the way. */
    public record Validation(int step, double loss, double windowRelErr, double sensorRelErr, double seconds) {
    }

    /** What training produced. */
    public record Result(HybridVae model, int stepsDone, int bestStep, List<Validation> validations,
                         PopulationScore test, PopulationScore untrained, double seconds, int trainingWindows) {
    }

    /** Physics warm-up steps before the joint fit (docs/model.md). */
    static final int PHYSICS_WARMUP = 300;
    /** Validation and test sensors use every this many hops' query (their windows overlap by 80 % anyway). */
    static final int EVAL_EVERY_HOP = 5;

    private BaseModelTraining() {
    }

    /** The spec of a base model (the live trainer's first-model architecture, with the chosen solver). */
    public static ModelSpec spec(Settings s) {
        SensorSystems.Spec sys = SensorSystems.of(s.system());
        PriorRange prior = PriorRange.forSystem(s.system().name());
        int neural = Math.max(1, sys.unmodelledParameters().size());
        return ModelSpec.builder().setSystem(s.system().name()).setAlgorithm("meta-hybrid-vae")
                .setWindowLength(s.windowLength()).setChannels(sys.channels()).setDt(sys.dtSeconds())
                .optMaxHorizon(s.horizon()).setPhysicsName(sys.physicsParameters().get(0))
                .setPhysicsRange(prior.min(), prior.max()).setNeuralLatents(neural).setHidden(64).setEmbedding(32)
                .optSolver(s.solver()).optMeta(true).build();
    }

    /** The simulator's range of z_p, from which the live fleet is drawn. */
    public static PriorRange liveRange(SystemKind system) {
        ParameterRange r = PhysicalSystems.of(system).physicsRange();
        return new PriorRange(r.min(), r.max());
    }

    /**
     * Simulates the populations and trains. {@code progress} sees every step; {@code log} each validation
     * line.
     */
    public static Result train(Settings s, NDManager manager, TrainingListener progress, Consumer<String> log) {
        long start = System.nanoTime();
        // three disjoint populations from derived seeds: training, validation and test sensors never coincide
        List<TwinPopulation.Sensor> trainSensors = TwinPopulation.simulate(
                TwinPopulation.Spec.of(s.system(), s.tasks(), s.seconds(), s.meanEventGap()), s.seed());
        List<TwinPopulation.Sensor> validationSensors = TwinPopulation.simulate(
                TwinPopulation.Spec.of(s.system(), s.validationSensors(), s.seconds(), s.meanEventGap()),
                s.seed() + 1_000_003L);
        List<TwinPopulation.Sensor> testSensors = TwinPopulation.simulate(
                TwinPopulation.Spec.of(s.system(), s.testSensors(), s.seconds(), s.meanEventGap()),
                s.seed() + 2_000_006L);
        double bound = LiveWindows.readingBound(s.system());
        LiveWindows.Training train = LiveWindows.training(trainSensors, s.windowLength(), s.trainHop(), bound);
        LiveWindows validation = LiveWindows.cut(validationSensors, s.windowLength(), s.hop(), s.contextSize(),
                EVAL_EVERY_HOP, bound);
        LiveWindows test = LiveWindows.cut(testSensors, s.windowLength(), s.hop(), s.contextSize(), EVAL_EVERY_HOP,
                bound);
        log.accept(String.format(java.util.Locale.ROOT, "%s: %d training windows of %d sensors, %d validation "
                        + "windows of %d sensors, %d test windows of %d sensors (simulated in %.0f s)", s.system(),
                train.size(), s.tasks(), validation.size(), s.validationSensors(), test.size(), s.testSensors(),
                (System.nanoTime() - start) / 1e9));
        PriorRange live = liveRange(s.system());

        ModelSpec spec = spec(s);
        HybridVae model = new HybridVae(spec, manager, s.seed());
        model.zeroHorizonResidual();
        PopulationScore untrained = PopulationScore.of(model, test, live);
        log.accept("untrained: " + untrained.summary());
        int batches = (train.size() + s.batch() - 1) / s.batch();
        int epochs = Math.max(1, (s.steps() + batches - 1) / batches);
        TrainingConfig config = TrainingConfig.defaults(s.system().name(), epochs, s.seed()).toBuilder()
                .setBatchSize(s.batch()).optPhysicsWarmupSteps(PHYSICS_WARMUP).build();
        int totalSteps = PHYSICS_WARMUP + s.steps();
        Validator stopping = new Validator(model, validation, live, s, totalSteps, progress, log, start);
        HybridVaeTrainer.continueTraining(model, config, train.windows(), train.taskIds(),
                new PhysicsTargets(train.targets(), s.targetWeight()), stopping);
        stopping.restoreBest();
        PopulationScore score = PopulationScore.of(model, test, live);
        log.accept("test (best checkpoint, step " + stopping.bestStep() + "): " + score.summary());
        return new Result(model, stopping.stepsDone(), stopping.bestStep(), stopping.validations(), score, untrained,
                (System.nanoTime() - start) / 1e9, train.size());
    }

    /**
     * The validation of a base model on top of the shared {@link EarlyStopping} (which keeps the best checkpoint and
     * stops): the metric is the sensor-level error of z_p on the validation sensors, each validation is logged and
     * kept with its window-level error and loss for the bundle's manifest, and steps are counted from the end of the
     * physics warm-up, as {@code --steps} counts them.
     */
    private static final class Validator implements TrainingListener {
        private final HybridVae model;
        private final LiveWindows validation;
        private final PriorRange live;
        private final Settings settings;
        private final int totalSteps;
        private final Consumer<String> log;
        private final long start;
        private final EarlyStopping stopping;
        private final List<Validation> validations = new ArrayList<>();
        private int step;
        private double loss;
        private boolean stopLogged;

        Validator(HybridVae model, LiveWindows validation, PriorRange live, Settings settings, int totalSteps,
                  TrainingListener progress, Consumer<String> log, long start) {
            this.model = model;
            this.validation = validation;
            this.live = live;
            this.settings = settings;
            this.totalSteps = totalSteps;
            this.log = log;
            this.start = start;
            this.stopping = new EarlyStopping(model.allParameters(), this::validate,
                    new EarlyStopping.Schedule(settings.validateEvery(), settings.patience(), 0, PHYSICS_WARMUP,
                            settings.maxMinutes()), progress);
        }

        @Override
        public void onStep(int step, int total, int epoch, double loss, long elapsedNanos) {
            this.step = step;
            this.loss = loss;
            // the trainer's total rounds the budget up to whole epochs; the budget is the settings' steps
            stopping.onStep(Math.min(step, totalSteps), totalSteps, epoch, loss, elapsedNanos);
            if (stopping.stopRequested() && !stopLogged) {
                stopLogged = true;
                log.accept("training stopped: " + stopping.stopReason() + " (steps counted with the "
                        + PHYSICS_WARMUP + " warm-up steps)");
            }
        }

        private double validate() {
            PopulationScore v = PopulationScore.of(model, validation, live);
            int joint = step - PHYSICS_WARMUP;
            validations.add(new Validation(joint, loss, v.windowRelErr(), v.sensorRelErr(),
                    (System.nanoTime() - start) / 1e9));
            double best = Math.min(v.sensorRelErr(), stopping.bestMetric());
            int bestStep = v.sensorRelErr() < stopping.bestMetric() ? joint : bestStep();
            log.accept(String.format(java.util.Locale.ROOT, "step %d: loss %.4f, validation z_p rel. error per "
                            + "window %.1f %%, per sensor %.1f %% (best %.1f %% at step %d)", joint, loss,
                    100 * v.windowRelErr(), 100 * v.sensorRelErr(), 100 * best, bestStep));
            return v.sensorRelErr();
        }

        @Override
        public boolean stopRequested() {
            return stopping.stopRequested();
        }

        /** Joint-fit step of the best validation (0 before the first). */
        int bestStep() {
            return stopping.bestStep() == 0 ? 0 : stopping.bestStep() - PHYSICS_WARMUP;
        }

        int stepsDone() {
            return stopping.stepsDone();
        }

        List<Validation> validations() {
            return List.copyOf(validations);
        }

        void restoreBest() {
            stopping.restoreBest();
        }
    }
}
