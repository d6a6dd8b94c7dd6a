package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pooling the windows that share ω: a physics-only model (untrained encoder, the decoder is the pendulum ODE), slow
 * pendulums seen through short noisy windows. One window holds under half a period and a per-window fit scatters;
 * the fit of the group with one shared ω is tighter, and each group keeps its own ω.
 */
class PooledProfileFitTest {

    private static final double DT = 0.05;
    private static final int T = 50;

    private static double[][] noisy(double omega, Random random, double noise) {
        double[][] clean = PhysicsProfileFitTest.swing(omega, 0.2 + 0.6 * random.nextDouble(),
                0.4 * random.nextGaussian());
        for (double[] sample : clean) {
            sample[0] += noise * random.nextGaussian();
        }
        return clean;
    }

    @Test
    void theGroupReadsOmegaCloserThanItsWindowsAlone() {
        ModelSpec spec = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("phys-vae").setWindowLength(T)
                .setChannels(1).setDt(DT).optMaxHorizon(10).setPhysicsName("omega").setPhysicsRange(0.3, 10)
                .setNeuralLatents(3).setHidden(16).setEmbedding(8).optUseNeural(false).build();
        Random random = new Random(11);
        double[] omegas = {0.85, 1.0, 2.4};
        int per = 6;
        double[][][] windows = new double[omegas.length * per][][];
        double[] truth = new double[windows.length];
        int[][] groups = new int[windows.length][];
        for (int g = 0; g < omegas.length; g++) {
            int[] members = new int[per];
            for (int k = 0; k < per; k++) {
                members[k] = g * per + k;
                windows[g * per + k] = noisy(omegas[g], random, 0.08);
                truth[g * per + k] = omegas[g];
            }
            for (int k = 0; k < per; k++) {
                // the query first, then its mates, as the experiment lists them
                int[] group = new int[per];
                group[0] = g * per + k;
                int m = 1;
                for (int other : members) {
                    if (other != g * per + k) {
                        group[m++] = other;
                    }
                }
                groups[g * per + k] = group;
            }
        }
        try (NDManager manager = NDManager.newBaseManager(); HybridVae model = new HybridVae(spec, manager, 3)) {
            PhysicsProfileFit.Result alone = PhysicsProfileFit.fit(model, windows, null);
            PhysicsProfileFit.Result pooled = PooledProfileFit.fit(model, windows, null, groups);
            double aloneErr = 0;
            double pooledErr = 0;
            for (int i = 0; i < windows.length; i++) {
                aloneErr += Math.abs(alone.mean()[i] / truth[i] - 1) / windows.length;
                pooledErr += Math.abs(pooled.mean()[i] / truth[i] - 1) / windows.length;
                // one ω per group: every query of a group gets the same fit
                assertThat(pooled.mean()[i]).isEqualTo(pooled.mean()[groups[i][1] / per * per]);
                assertThat(pooled.std()[i]).isPositive();
            }
            for (int g = 0; g < omegas.length; g++) {
                assertThat(Math.abs(pooled.mean()[g * per] / omegas[g] - 1)).as("group at ω %s: %s", omegas[g],
                        pooled.mean()[g * per]).isLessThan(0.03);
            }
            assertThat(pooledErr).as("pooled %s vs alone %s", pooledErr, aloneErr).isLessThan(0.5 * aloneErr);
        }
    }
}
