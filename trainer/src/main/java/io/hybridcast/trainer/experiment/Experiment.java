package io.hybridcast.trainer.experiment;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.model.metrics.Errors;
import io.hybridcast.model.metrics.Mcc;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One experiment on the pendulum (SCIENCE.md section 4): task-structured data from the simulator, every
 * model variant trained with several seeds, scored on held-out tasks in distribution and out of
 * distribution (ω above the training range).
 */
public final class Experiment {

    /** Scale and schedule of a run. */
    public record Settings(int trainTasks, int perTask, int testTasks, int epochs, int batchSize, double learningRate,
                           List<Long> seeds, int horizon, int contextSize, List<ModelVariant> variants) {
    }

    /** Metrics of one trained model. */
    public record Score(double mseZp, double relErrZpPct, double mccZn, double mseRec, double msePred,
                        double[] msePredPerStep, double mseZpOod, double msePredOod, double[] learnedZp,
                        double[] trueZp, double[] firstLatent, double trainSeconds) {
    }

    private static final int WINDOW = 50;

    private final Settings settings;
    private final EpisodicDataset train;
    private final EpisodicDataset test;
    private final EpisodicDataset ood;

    public Experiment(Settings settings) {
        this.settings = settings;
        DatasetSpec base = DatasetSpec.defaults(SystemKind.PENDULUM, settings.trainTasks(), settings.perTask());
        train = EpisodicDatasets.generate(base, 1000);
        test = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, settings.testTasks(),
                settings.perTask()).withSteps(WINDOW + settings.horizon()), 2000);
        ood = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, settings.testTasks(),
                settings.perTask()).withSteps(WINDOW + settings.horizon()).withPhysicsRange(3.14, 3.5), 3000);
    }

    /** Base spec every variant derives from. */
    ModelSpec baseSpec() {
        return new ModelSpec("PENDULUM", "meta-hybrid-vae", WINDOW, 1, 0.05, settings.horizon(), "omega", 0.392, 3.53,
                3, 64, 32, 1, "rk4", -9, true, true, true);
    }

    /** Trains and scores one variant with one seed. */
    public Score run(ModelVariant variant, long seed, TrainingListener listener) {
        TrainingConfig paper = TrainingConfig.defaults("PENDULUM", settings.epochs(), seed);
        TrainingConfig config = variant.config(new TrainingConfig(settings.epochs(), settings.batchSize(),
                settings.learningRate(), seed, settings.contextSize(), paper.alpha(), paper.beta(), paper.gamma(),
                paper.gradientClip(), 0, true, true));
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
             HybridVae model = HybridVaeTrainer.train(variant.spec(baseSpec()), config, train.observations(),
                     train.taskIds(), manager, listener)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation in = evaluate(model, test);
            Evaluation out = evaluate(model, ood);
            double[] truth = column(test.physics(), 0);
            return new Score(Errors.mse(in.zp, truth), Errors.relativeErrorPercent(in.zp, truth),
                    Mcc.compute(in.zn, test.unmodelled(), Mcc.Method.PEARSON).mcc(), in.mseRec, in.msePred,
                    in.msePerStep, Errors.mse(out.zp, column(ood.physics(), 0)), out.msePred, in.zp, truth,
                    column(in.zn, 0), seconds);
        }
    }

    private record Evaluation(double[] zp, double[][] zn, double mseRec, double msePred, double[] msePerStep) {
    }

    private Evaluation evaluate(HybridVae model, EpisodicDataset data) {
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
        return new Evaluation(column(inf.physicsMean(), 0), inf.neuralMean(), Errors.mse(inf.reconstruction(), windows),
                Errors.mse(inf.forecastMean(), future), perStep);
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

    public Settings settings() {
        return settings;
    }
}
