package io.hybridcast.model.aphynity;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** APHYNITY: its initialisation, its settings checks and a short real training on the pendulum (CI speed). */
class AphynityTest {

    static ModelSpec spec() {
        return Aphynity.specFrom(ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("phys-vae")
                .setWindowLength(50).setChannels(1).setDt(0.05).optMaxHorizon(20).setPhysicsName("omega")
                .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(64).setEmbedding(32).build());
    }

    @Test
    void orthogonalInitGivesOrthonormalColumnsOrRowsTimesTheGain() {
        Random random = new Random(3);
        for (int[] shape : new int[][] {{64, 2}, {2, 64}, {16, 16}}) {
            double[][] m = OrthogonalInit.matrix(shape[0], shape[1], random);
            boolean tall = shape[0] >= shape[1];
            int k = Math.min(shape[0], shape[1]);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    double dot = 0;
                    for (int i = 0; i < Math.max(shape[0], shape[1]); i++) {
                        dot += tall ? m[i][a] * m[i][b] : m[a][i] * m[b][i];
                    }
                    assertThat(dot).as("Gram entry (%d,%d) of %dx%d", a, b, shape[0], shape[1])
                            .isCloseTo(a == b ? 1 : 0, within(1e-9));
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            var w = m.zeros(new ai.djl.ndarray.types.Shape(8, 8));
            OrthogonalInit.fill(w, 0.2, random);
            // an orthogonal 8x8 matrix times 0.2 has Frobenius norm 0.2·sqrt(8)
            assertThat(Math.sqrt(w.square().sum().getFloat())).isCloseTo(0.2 * Math.sqrt(8), within(1e-4));
        }
    }

    @Test
    void rejectsASpecWithNeuralLatentsAndBadSettings() {
        ModelSpec withLatents = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("aphynity").setWindowLength(50)
                .setChannels(1).setDt(0.05).optMaxHorizon(20).setPhysicsName("omega").setPhysicsRange(0.392, 3.53)
                .setNeuralLatents(3).setHidden(64).setEmbedding(32).build();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> new Aphynity(withLatents, m, 1)).hasMessageContaining("neuralLatents");
        }
        assertThatThrownBy(() -> AphynityConfig.defaults("PENDULUM", 0, 1)).hasMessageContaining("epochs");
    }

    /**
     * 40 tasks × 8 sequences, 300 steps of batch 64 with lr 3e-3 (the VAE tests' schedule). An untrained encoder
     * gives corr ≈ 0; a broken physics sign, a disconnected encoder or F_a absorbing everything fails the bar.
     */
    @Test
    void learnsOmegaAndForecastsBetterThanAConstant() {
        EpisodicDataset train = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, 40, 8), 1);
        EpisodicDataset test = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, 20, 8), 2);
        AphynityConfig config = AphynityConfig.defaults("PENDULUM", 60, 7).withSchedule(60, 64)
                .withLearningRate(3e-3);
        long start = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager();
             Aphynity model = Aphynity.train(spec(), config, train.observations(), m, (s, total, e, l, el) -> { })) {
            Inference inf = model.infer(test.observations(), null, 0);
            double[] est = new double[test.size()];
            double[] truth = new double[test.size()];
            double rec = 0;
            double constant = 0;
            for (int i = 0; i < test.size(); i++) {
                est[i] = inf.physicsMean()[i][0];
                truth[i] = test.physics()[i][0];
                double[][] w = test.observations()[i];
                double mean = 0;
                for (double[] x : w) {
                    mean += x[0] / w.length;
                }
                for (int t = 0; t < w.length; t++) {
                    rec += Math.pow(inf.reconstruction()[i][t][0] - w[t][0], 2) / (w.length * (double) test.size());
                    constant += Math.pow(w[t][0] - mean, 2) / (w.length * (double) test.size());
                }
            }
            double corr = Correlation.pearson(est, truth);
            System.err.printf("aphynity corr=%.3f rec=%.5f constant=%.5f lambda=%.2f in %.1f s%n", corr, rec,
                    constant, model.lambda(), (System.nanoTime() - start) / 1e9);
            assertThat(corr).as("corr(learned omega, true omega)").isGreaterThan(0.6);
            assertThat(rec).as("reconstruction MSE vs window-mean predictor").isLessThan(0.5 * constant);
            assertThat(model.lambda()).as("λ grows by τ2·MSE after each batch").isGreaterThan(config.lambda0());
            assertThat(inf.neuralMean()[0]).isEmpty();
        }
    }
}
