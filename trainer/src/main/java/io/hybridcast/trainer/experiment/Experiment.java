package io.hybridcast.trainer.experiment;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.model.metrics.Errors;
import io.hybridcast.model.metrics.Mcc;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.DriveReading;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.model.vae.OracleLatents;
import io.hybridcast.model.vae.PhysicsProfileFit;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One experiment on a physical system (SCIENCE.md section 4): task-structured data from the simulator, every
 * model variant trained with several seeds, scored on held-out tasks in distribution and out of
 * distribution (z_p above the training range).
 */
public final class Experiment {

    /** Metrics of one trained model. */
    public record Score(double mseZp, double relErrZpPct, double mccZn, double mseRec, double msePred,
                        double[] msePredPerStep, double mseZpOod, double msePredOod, double[] learnedZp,
                        double[] trueZp, double[] firstLatent, double trainSeconds, double[][] learnedZn,
                        double[][] trueZn, double zpAtBoundPct, double[] coverageRaw, double[] coverageCalibrated,
                        double[] coverageConformal,
                        Calibration calibration, double corrZpOod, double relErrZpOodPct, double mseZpOodEdge,
                        double relErrZpOodEdgePct, int bestStep, int stepsDone, ProfileScore profile,
                        ZpBins zpByTrue, SensorPooling.Score sensor, SensorPooling.Score sensorOod,
                        double[][] driveLatents) {
    }

    /**
     * What the report says about the system: the names of z_p and z_n, the training and out-of-distribution
     * ranges of z_p and the model's prior range.
     */
    public record Labels(String dataset, String physicsName, List<String> unmodelledNames, double dt, int channels,
                         double[] trainRange, double[] oodRange, double[] priorRange) {
    }

    static final int WINDOW = 50;

    private final ExperimentSettings settings;
    private final EpisodicDataset train;
    private final EpisodicDataset validation;
    private final EpisodicDataset test;
    private final EpisodicDataset ood;
    /** Test sequences of 1 + K windows each, in range and out of it, for {@link SensorPooling}; null: not scored. */
    private final EpisodicDataset sensorTest;
    private final EpisodicDataset sensorOod;

    public Experiment(ExperimentSettings settings) {
        this.settings = settings;
        SystemKind system = settings.system();
        DatasetSpec base = DatasetSpec.defaults(system, settings.trainTasks(), settings.perTask());
        train = EpisodicDatasets.generate(base, 1000);
        // the validation split: tasks of the training distribution the training never sees (early stopping on its
        // forecast error; the calibration of the z_p posterior on its simulated z_p)
        validation = EpisodicDatasets.generate(DatasetSpec.defaults(system, settings.testTasks(),
                settings.perTask()).withSteps(WINDOW + settings.horizon()), 1500);
        test = EpisodicDatasets.generate(DatasetSpec.defaults(system, settings.testTasks(),
                settings.perTask()).withSteps(WINDOW + settings.horizon()), 2000);
        double[] oodRange = oodRange(system);
        ood = EpisodicDatasets.generate(DatasetSpec.defaults(system, settings.testTasks(),
                settings.perTask()).withSteps(WINDOW + settings.horizon()).withPhysicsRange(oodRange[0], oodRange[1]),
                3000);
        // the line's test-time fit is the weak form of one window, not the decoder's: nothing to pool
        boolean sensors = system != SystemKind.ADVECTION_DIFFUSION && settings.sensorPooling();
        int sensorSteps = WINDOW * (settings.contextSize() + 1);
        sensorTest = sensors ? EpisodicDatasets.generate(DatasetSpec.defaults(system, settings.testTasks(),
                settings.perTask()).withSteps(sensorSteps), 2500) : null;
        sensorOod = sensors ? EpisodicDatasets.generate(DatasetSpec.defaults(system, settings.testTasks(),
                settings.perTask()).withSteps(sensorSteps).withPhysicsRange(oodRange[0], oodRange[1]), 3500) : null;
    }

    /** Whether the runs are also scored on whole test sequences ({@link SensorPooling}). */
    boolean scoresSensors() {
        return sensorTest != null;
    }

    /** Dataset name of a system in docs/experiments/ and results.json. */
    public static String datasetName(SystemKind system) {
        return switch (system) {
            case PENDULUM -> "pendulum";
            case ADVECTION_DIFFUSION -> "advection-diffusion";
            case DOUBLE_PENDULUM -> "double-pendulum";
        };
    }

    /** Prior range of z_p, as {min, max}: {@link PriorRange}, the same as the trainer service's. */
    static double[] priorRange(SystemKind system) {
        PriorRange prior = PriorRange.forSystem(system.name());
        return new double[] {prior.min(), prior.max()};
    }

    /**
     * The physically plausible range of z_p, much wider than the training range, so that the physics head can
     * reach values the training never showed (issue 13, out of range): pendulum ω = √(g/l) for lengths from
     * 0.1 m to 100 m, [0.3, 10] rad/s; advection-diffusion D in [1e-3, 1]; double pendulum g/l in [0.5, 50].
     */
    static double[] plausibleRange(SystemKind system) {
        return switch (system) {
            case PENDULUM -> new double[] {0.3, 10.0};
            case ADVECTION_DIFFUSION -> new double[] {1e-3, 1.0};
            case DOUBLE_PENDULUM -> new double[] {0.5, 50.0};
        };
    }

    private double[] prior() {
        return settings.plausiblePrior() ? plausibleRange(settings.system()) : priorRange(settings.system());
    }

    /** z_p range of the out-of-distribution test set: above the training range, inside the prior range. */
    static double[] oodRange(SystemKind system) {
        return switch (system) {
            case PENDULUM -> new double[] {3.14, 3.5};
            case ADVECTION_DIFFUSION -> new double[] {0.1, 0.15};
            case DOUBLE_PENDULUM -> new double[] {10.0, 11.5};
        };
    }

    /** What the report says about this run's system. */
    public Labels labels() {
        SensorSystems.Spec s = SensorSystems.of(settings.system());
        DatasetSpec d = DatasetSpec.defaults(settings.system(), 1, 1);
        return new Labels(datasetName(settings.system()), s.physicsParameters().get(0), s.unmodelledParameters(),
                s.dtSeconds(), s.channels(), new double[] {d.physicsMin(), d.physicsMax()}, oodRange(settings.system()),
                prior());
    }

    /** Base spec every variant derives from. */
    ModelSpec baseSpec() {
        SensorSystems.Spec s = SensorSystems.of(settings.system());
        double[] prior = prior();
        return ModelSpec.builder().setSystem(settings.system().name()).setAlgorithm("meta-hybrid-vae")
                .setWindowLength(WINDOW).setChannels(s.channels()).setDt(s.dtSeconds())
                .optMaxHorizon(settings.horizon()).setPhysicsName(s.physicsParameters().get(0))
                .setPhysicsRange(prior[0], prior[1]).setNeuralLatents(Math.max(1, s.unmodelledParameters().size()))
                .setHidden(settings.hidden()).setEmbedding(32).optSolver(settings.solver()).optMeta(true)
                .optPhysicsHeadMap(settings.physicsHeadMap()).optResidualForm(settings.residualForm())
                .optTimeBank(settings.timeBank()).optEmbedSpectrum(settings.embedSpectrum())
                .optDrive(settings.drive()).build();
    }

    /** Trains and scores one variant with one seed. */
    public Score run(ModelVariant variant, long seed, TrainingListener listener) {
        return run(variant, seed, train, settings.epochs(), listener);
    }

    /**
     * Trains one variant with one seed on {@code data} (the training set, or fewer tasks) for {@code epochs}
     * and scores it.
     */
    Score run(ModelVariant variant, long seed, EpisodicDataset data, int epochs, TrainingListener listener) {
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
             VariantTrainer.Trained trained = trainer().train(variant, seed, data, epochs, settings.batchSize(), manager, listener)) {
            HybridModel model = trained.model();
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation in = evaluate(model, test, true);
            Evaluation out = evaluate(model, ood, true);
            Evaluation val = evaluate(model, validation, true);
            double[] truth = column(test.physics(), 0);
            double[] oodTruth = column(ood.physics(), 0);
            // post-hoc calibration of the z_p posterior, fitted on the validation split only
            Calibration calibration = Calibration.fit(val.zp, val.zpStd, column(validation.physics(), 0));
            // the nearest-edge baseline: every out-of-range window guesses the nearest end of the training range
            double[] edge = nearestEdge(oodTruth, labels().trainRange());
            // APHYNITY has no neural latent: its MCC is undefined (NaN, written as null in results.json)
            double mcc = in.zn[0].length == 0 ? Double.NaN
                    : Mcc.compute(in.zn, test.unmodelled(), Mcc.Method.PEARSON).mcc();
            return new Score(Errors.mse(in.zp, truth), Errors.relativeErrorPercent(in.zp, truth), mcc, in.mseRec,
                    in.msePred, in.msePerStep, Errors.mse(out.zp, oodTruth), out.msePred, in.zp,
                    truth, in.zn[0].length == 0 ? new double[0] : column(in.zn, 0), seconds, in.zn,
                    test.unmodelled(), atBoundPercent(in.zp, model.spec()),
                    Calibration.NONE.coverage(in.zp, in.zpStd, truth), calibration.coverage(in.zp, in.zpStd, truth),
                    ConformalCalibration.fit(val.zp, val.zpStd, column(validation.physics(), 0))
                            .coverage(in.zp, in.zpStd, truth),
                    calibration, Correlation.pearson(out.zp, oodTruth), Errors.relativeErrorPercent(out.zp, oodTruth),
                    Errors.mse(edge, oodTruth), Errors.relativeErrorPercent(edge, oodTruth), trained.bestStep(),
                    trained.stepsDone(), profileScore(in, out, val, truth, oodTruth), bins(in, truth),
                    sensor(model, sensorTest), sensor(model, sensorOod), in.drive);
        }
    }

    /** For each value, the nearest end of {@code range} ({min, max}): the guess of a model that cannot extrapolate. */
    static double[] nearestEdge(double[] values, double[] range) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.min(range[1], Math.max(range[0], values[i]));
        }
        return out;
    }

    private VariantTrainer trainer() {
        return new VariantTrainer(settings, baseSpec(), model -> evaluate(model, validation, false).msePred,
                settings.oracleZn() ? oracle() : null);
    }

    /** Offline oracle ablation: the true unmodelled parameters of every window of every split (docs/model.md). */
    private OracleLatents oracle() {
        List<double[][]> sequences = new ArrayList<>();
        List<double[]> truth = new ArrayList<>();
        for (EpisodicDataset d : List.of(train, validation, test, ood)) {
            sequences.addAll(Arrays.asList(d.observations()));
            truth.addAll(Arrays.asList(d.unmodelled()));
        }
        return OracleLatents.of(sequences.toArray(new double[0][][]), truth.toArray(new double[0][]), WINDOW);
    }

    /**
     * Median wall time of one training step at batch 200 for a variant (after one warm-up step; physics
     * warm-up steps are not counted), on its own set of {@code steps + 1} batches, so that the number does not
     * depend on the experiment's scale.
     */
    public double stepMillisAtBatch200(ModelVariant variant, int steps) {
        int tasks = (200 * (steps + 1) + settings.perTask() - 1) / settings.perTask();
        EpisodicDataset timing = EpisodicDatasets.generate(DatasetSpec.defaults(settings.system(), tasks,
                settings.perTask()), 4000);
        timing = DatasetSubsets.first(timing, 200 * (steps + 1));
        List<Long> times = new ArrayList<>();
        long[] last = {0};
        try (NDManager manager = NDManager.newBaseManager();
             VariantTrainer.Trained model = new VariantTrainer(settings, baseSpec(),
                     m -> evaluate(m, validation, false).msePred, null).train(variant, 1, timing, 1, 200, manager,
                     (step, total, epoch, loss, elapsed) -> {
                         // physics warm-up steps (epoch 0) are not training steps of the joint fit
                         if (epoch > 0) {
                             times.add(elapsed - last[0]);
                         }
                         last[0] = elapsed;
                     })) {
            List<Long> timed = new ArrayList<>(times.subList(1, times.size()));
            timed.sort(null);
            return timed.get(timed.size() / 2) / 1e6;
        }
    }

    /**
     * MCC of z_n (Pearson) against the number of training tasks (SCIENCE.md section 4): the variant retrained on
     * the first {@code tasks} tasks of the training set, for each count, for as many optimiser steps as the
     * main runs ({@link #epochsForSteps}).
     */
    public double[] mccVersusTasks(ModelVariant variant, long seed, int[] taskCounts, ProgressFactory progress) {
        double[] out = new double[taskCounts.length];
        for (int k = 0; k < taskCounts.length; k++) {
            int tasks = taskCounts[k];
            List<Integer> keep = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                if (train.taskIds()[i] < tasks) {
                    keep.add(i);
                }
            }
            int epochs = epochsForSteps(mainSteps(), keep.size(), settings.batchSize());
            out[k] = run(variant, seed, DatasetSubsets.of(train, keep), epochs, progress.forRun(variant, seed)).mccZn();
        }
        return out;
    }

    /** Optimiser steps of a main run: batches per epoch of the full training set times epochs. */
    int mainSteps() {
        return (train.size() + settings.batchSize() - 1) / settings.batchSize() * settings.epochs();
    }

    /**
     * Epochs that give about {@code steps} optimiser steps on {@code windows} windows (at least one): the
     * MCC-vs-tasks sweep trains every point for as many steps as the main runs, so that fewer tasks do not
     * also mean less training (which would confound the curve).
     */
    static int epochsForSteps(int steps, int windows, int batchSize) {
        int batches = (windows + batchSize - 1) / batchSize;
        return Math.max(1, (int) Math.round(steps / (double) batches));
    }

    private ProfileScore profileScore(Evaluation in, Evaluation out, Evaluation val, double[] truth,
                                      double[] oodTruth) {
        if (in.profile() == null) {
            return null;
        }
        return ProfileScore.of(in.profile(), out.profile(), val.profile(), truth, oodTruth,
                column(validation.physics(), 0));
    }

    private SensorPooling.Score sensor(HybridModel model, EpisodicDataset data) {
        return data == null ? null
                : SensorPooling.evaluate(model, data, WINDOW, settings.contextSize() + 1, settings.contextSize());
    }

    /** The test windows' z_p errors by bins of the true z_p (quarters of the training range), every read-out. */
    private ZpBins bins(Evaluation in, double[] truth) {
        Map<String, double[]> estimates = new LinkedHashMap<>();
        estimates.put("encoder", in.zp());
        estimates.put("profile", in.profile() == null ? null : in.profile().mean());
        return ZpBins.of(truth, ZpBins.edges(labels().trainRange(), 4), estimates);
    }

    /** {@code drive}: the drive's reading of f and A per window ({@link DriveReading}), null without one. */
    private record Evaluation(double[] zp, double[] zpStd, double[][] zn, double mseRec, double msePred,
                              double[] msePerStep, PhysicsProfileFit.Result profile, double[][] drive) {
    }

    /** Scores {@code model} on {@code data}; with {@code profile}, also fits z_p by the decoder where it can. */
    private Evaluation evaluate(HybridModel model, EpisodicDataset data, boolean profile) {
        int n = data.size();
        double[][][] windows = new double[n][][];
        double[][][] future = new double[n][][];
        double[][][][] contexts = new double[n][][][];
        for (int i = 0; i < n; i++) {
            windows[i] = Arrays.copyOf(data.observations()[i], WINDOW);
            future[i] = Arrays.copyOfRange(data.observations()[i], WINDOW, WINDOW + settings.horizon());
            List<double[][]> mates = new ArrayList<>();
            for (int j = 0; j < n && mates.size() < settings.contextSize(); j++) {
                if (j != i && data.taskIds()[j] == data.taskIds()[i]) {
                    mates.add(Arrays.copyOf(data.observations()[j], WINDOW));
                }
            }
            contexts[i] = mates.toArray(new double[0][][]);
        }
        Inference inf = model.infer(windows, contexts, settings.horizon());
        double[] perStep = Errors.msePerStep(inf.forecastMean(), future);
        PhysicsProfileFit.Result fitted = profile
                ? TestTimeFit.fit(data.system(), data.dt(), model, windows, contexts, inf,
                settings.profileRefinesLatents()) : null;
        return new Evaluation(column(inf.physicsMean(), 0), column(inf.physicsStd(), 0), inf.neuralMean(),
                Errors.mse(inf.reconstruction(), windows), Errors.mse(inf.forecastMean(), future), perStep, fitted,
                model instanceof HybridVae vae ? DriveReading.of(vae, windows, contexts) : null);
    }

    static double[] column(double[][] rows, int c) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][c];
        }
        return out;
    }

    /** Correlation of learned and true ω, for the report. */
    static double omegaCorrelation(Score s) {
        return Correlation.pearson(s.learnedZp(), s.trueZp());
    }

    /**
     * Percentage of windows whose z_p sits on a bound of the prior range (within 1e-4 of its width): a clamped
     * head whose gradient vanished there (docs/model.md).
     */
    static double atBoundPercent(double[] zp, ModelSpec spec) {
        double lo = spec.physicsMin();
        double hi = spec.physicsMax();
        double tol = 1e-4 * (hi - lo);
        long at = Arrays.stream(zp).filter(z -> z <= lo + tol || z >= hi - tol).count();
        return 100.0 * at / zp.length;
    }

    /** Runs every variant with every seed. */
    public Map<ModelVariant, List<Score>> runAll(ProgressFactory progress) {
        Map<ModelVariant, List<Score>> results = new LinkedHashMap<>();
        for (ModelVariant variant : settings.variants()) {
            for (long seed : settings.seeds()) {
                results.computeIfAbsent(variant, v -> new ArrayList<>())
                        .add(run(variant, seed, progress.forRun(variant, seed)));
            }
        }
        return results;
    }

    /** Makes a progress listener per run. */
    @FunctionalInterface
    public interface ProgressFactory {
        TrainingListener forRun(ModelVariant variant, long seed);
    }

    public ExperimentSettings settings() {
        return settings;
    }
}
