package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Short real trainings on a small pendulum set (CI speed): a model that is broken — wrong physics sign,
 * gradients not flowing, latents ignored — fails these bars.
 */
class HybridVaeTrainingTest {

    static EpisodicDataset train;
    static EpisodicDataset test;

    @BeforeAll
    static void data() {
        train = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, 40, 8), 1);
        test = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, 20, 8), 2);
    }

    static ModelSpec spec(boolean meta, boolean neural, boolean physics) {
        return ModelSpec.builder().setSystem("PENDULUM").setAlgorithm(meta ? "meta-hybrid-vae" : "phys-vae")
                .setWindowLength(50).setChannels(1).setDt(0.05).optMaxHorizon(20).setPhysicsName("omega")
                .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(64).setEmbedding(32).optUseNeural(neural)
                .optUsePhysics(physics).optMeta(meta).build();
    }

    static double pearson(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i] / a.length;
            mb += b[i] / b.length;
        }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    static double[][][] contextsOf(EpisodicDataset d, int i, int k) {
        double[][][] ctx = new double[k][][];
        int found = 0;
        for (int j = 0; j < d.size() && found < k; j++) {
            if (j != i && d.taskIds()[j] == d.taskIds()[i]) {
                ctx[found++] = d.observations()[j];
            }
        }
        return java.util.Arrays.copyOf(ctx, found);
    }

    record Score(double omegaCorrelation, double omegaRmse, double reconstructionMse, int onBound) {
    }

    static Score score(HybridVae model, EpisodicDataset d) {
        double[][][][] contexts = new double[d.size()][][][];
        for (int i = 0; i < d.size(); i++) {
            contexts[i] = contextsOf(d, i, 5);
        }
        Inference inf = model.infer(d.observations(), contexts, 0);
        double[] est = new double[d.size()];
        double[] truth = new double[d.size()];
        double se = 0, rec = 0;
        int onBound = 0;
        double tol = 1e-4 * (3.53 - 0.392);
        for (int i = 0; i < d.size(); i++) {
            est[i] = inf.physicsMean()[i][0];
            if (est[i] <= 0.392 + tol || est[i] >= 3.53 - tol) {
                onBound++;
            }
            truth[i] = d.physics()[i][0];
            se += (est[i] - truth[i]) * (est[i] - truth[i]);
            for (int t = 0; t < 50; t++) {
                double diff = inf.reconstruction()[i][t][0] - d.observations()[i][t][0];
                rec += diff * diff / (50.0 * d.size());
            }
        }
        return new Score(pearson(est, truth), Math.sqrt(se / d.size()), rec, onBound);
    }

    /** 300 steps of batch 64: about 30 s per model on one core. */
    static TrainingConfig fastConfig() {
        return TrainingConfig.defaults("PENDULUM", 60, 7).toBuilder().setBatchSize(64).setLearningRate(3e-3).build();
    }

    @Test
    void physicsOnlyBeatsAConstantPredictor() {
        try (NDManager m = NDManager.newBaseManager();
             HybridVae model = HybridVaeTrainer.train(spec(false, false, true).withVariant("physics-only", false,
                     true, false), fastConfig().withSchedule(20, 64), train.observations(), train.taskIds(), m,
                     (s, total, e, loss, el) -> { })) {
            Score s = score(model, test);
            double constant = 0;
            for (double[][] w : test.observations()) {
                double mean = 0;
                for (double[] x : w) {
                    mean += x[0] / w.length;
                }
                for (double[] x : w) {
                    constant += (x[0] - mean) * (x[0] - mean) / (w.length * (double) test.size());
                }
            }
            assertThat(s.reconstructionMse()).as("physics-only reconstruction vs window-mean predictor")
                    .isLessThan(0.5 * constant);
        }
    }

    @Test
    void physVaeAndMetaHybridVaeLearnOmega() {
        for (boolean meta : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager()) {
                long start = System.nanoTime();
                TrainingConfig cfg = fastConfig();
                try (HybridVae model = HybridVaeTrainer.train(spec(meta, true, true), cfg, train.observations(),
                        train.taskIds(), m, (s, total, e, loss, el) -> { })) {
                    Score s = score(model, test);
                    System.err.printf("meta=%s corr=%.3f rmse=%.3f rec=%.5f on a bound %d in %.1f s%n", meta,
                            s.omegaCorrelation(), s.omegaRmse(), s.reconstructionMse(), s.onBound(),
                            (System.nanoTime() - start) / 1e9);
                    // untrained: about 0; measured after this schedule: 0.79 (Phys-VAE), 0.85 (Meta)
                    assertThat(s.omegaCorrelation()).as("corr(learned omega, true omega), meta=" + meta)
                            .isGreaterThan(0.7);
                    // no held-out window's omega may sit on an end of the prior range: a head stuck there has no
                    // gradient (the clamp's trap, docs/model.md)
                    assertThat(s.onBound()).as("held-out windows with omega on a bound, meta=" + meta).isZero();
                }
            }
        }
    }
}
