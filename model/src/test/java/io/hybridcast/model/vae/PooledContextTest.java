package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The contract the streams app relies on: a running sum and count of {@code embedContext} per sensor gives the
 * same inference as handing over the whole context set, in any order; and the context does change the result
 * (otherwise the test could not tell the two paths apart).
 */
class PooledContextTest {

    private static final ModelSpec META = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(20).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(16).setEmbedding(8).optMeta(true).build();

    private static double[][][] windows(int b, long seed, double damping) {
        Random r = new Random(seed);
        double[][][] w = new double[b][20][1];
        for (double[][] win : w) {
            double phase = r.nextDouble() * 6;
            double omega = 1 + 2 * r.nextDouble();
            for (int t = 0; t < 20; t++) {
                win[t][0] = Math.exp(-damping * t) * Math.sin(phase + omega * 0.05 * t);
            }
        }
        return w;
    }

    @Test
    void runningSumAndCountEqualTheWholeContextSetInAnyOrder() {
        try (NDManager root = NDManager.newBaseManager(); HybridVae model = new HybridVae(META, root, 11)) {
            int b = 3;
            int k = 4;
            double[][][] queries = windows(b, 1, 0);
            double[][][][] contexts = new double[b][][][];
            double[][][][] reversed = new double[b][k][][];
            double[][] sums = new double[b][];
            int[] counts = new int[b];
            for (int i = 0; i < b; i++) {
                contexts[i] = windows(k, 100 + i, 0.05 * (i + 1));
                for (int j = 0; j < k; j++) {
                    reversed[i][k - 1 - j] = contexts[i][j];
                }
                // incrementally, one window per hop, as a stream does
                for (double[][] window : contexts[i]) {
                    double[] e = model.embedContext(new double[][][] {window})[0];
                    if (sums[i] == null) {
                        sums[i] = new double[e.length];
                    }
                    for (int d = 0; d < e.length; d++) {
                        sums[i][d] += e[d];
                    }
                    counts[i]++;
                }
            }
            Inference whole = model.infer(queries, contexts, 5);
            Inference shuffled = model.infer(queries, reversed, 5);
            Inference pooled = model.inferWithPooledContext(queries, sums, counts, 5);
            Inference none = model.inferWithPooledContext(queries, null, null, 5);
            for (int i = 0; i < b; i++) {
                for (int n = 0; n < META.neuralLatents(); n++) {
                    assertThat(pooled.neuralMean()[i][n]).isCloseTo(whole.neuralMean()[i][n], within(1e-4));
                    assertThat(shuffled.neuralMean()[i][n]).isCloseTo(whole.neuralMean()[i][n], within(1e-4));
                }
                assertThat(pooled.physicsMean()[i][0]).isCloseTo(whole.physicsMean()[i][0], within(1e-4));
                for (int t = 0; t < 20; t++) {
                    assertThat(pooled.reconstruction()[i][t][0])
                            .isCloseTo(whole.reconstruction()[i][t][0], within(1e-4));
                }
            }
            double change = 0;
            for (int i = 0; i < b; i++) {
                for (int n = 0; n < META.neuralLatents(); n++) {
                    change += Math.abs(none.neuralMean()[i][n] - whole.neuralMean()[i][n]);
                }
            }
            assertThat(change).as("how much the context moves z_n").isGreaterThan(1e-3);
        }
    }
}
