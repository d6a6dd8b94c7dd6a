package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The offline oracle ablation finds a window's standardised truth by its values and refuses a window it lacks. */
class OracleLatentsTest {

    @Test
    void theEncodersZnBecomesTheStandardisedTruth() {
        int t = 50;
        double[][][] sequences = new double[3][t + 20][1];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < t + 20; k++) {
                sequences[i][k][0] = Math.sin(0.1 * k + i);
            }
        }
        double[][] truth = {{0.1, 10, 3.5}, {0.3, 20, 4.5}, {0.5, 30, 5.5}};
        OracleLatents oracle = OracleLatents.of(sequences, truth, t);
        ModelSpec spec = LeanDecoderTest.spec("PENDULUM", true, true, "rk4");
        double[][][] windows = {java.util.Arrays.copyOf(sequences[2], t), java.util.Arrays.copyOf(sequences[0], t)};
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(spec, m, 2);
             NDManager step = m.newSubManager()) {
            model.setOracleLatents(oracle);
            HybridVae.Posterior q = model.posterior(step, windows, null, null);
            float[] zn = q.latentMean().toFloatArray();
            double s = Math.sqrt(2.0 / 3);
            for (int j = 0; j < 3; j++) {
                assertThat((double) zn[j]).as("window 0, latent " + j).isCloseTo(1 / s, offset(1e-5));
                assertThat((double) zn[3 + j]).as("window 1, latent " + j).isCloseTo(-1 / s, offset(1e-5));
            }
            assertThat(q.latentLogVar().toFloatArray()).containsOnly((float) OracleLatents.LOG_VARIANCE);
            double[][][] unknown = {new double[t][1]};
            assertThatThrownBy(() -> model.posterior(step, unknown, null, null))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("oracle");
            model.setOracleLatents(null);
            assertThat(model.posterior(step, windows, null, null).latentMean().getShape()).isEqualTo(new Shape(2, 3));
        }
    }
}
