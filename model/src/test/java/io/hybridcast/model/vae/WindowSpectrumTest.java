package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.kernel.KernelUnsupportedException;
import io.hybridcast.model.kernel.ServingKernel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The set encoder's spectrum: a sinusoid on a bin shows as its amplitude there and nothing elsewhere. */
class WindowSpectrumTest {

    private static ModelSpec doublePendulum() {
        return LeanDecoderTest.spec("DOUBLE_PENDULUM", true, true, "rk4").toBuilder().optEmbedSpectrum(true).build();
    }

    @Test
    void aSinusoidOnABinShowsItsAmplitudeThereOnly() {
        ModelSpec spec = doublePendulum();
        int t = spec.windowLength();
        int bins = t / 2 + 1;
        float[] windows = new float[t * 2];
        for (int k = 0; k < t; k++) {
            windows[k * 2] = (float) (0.7 * Math.cos(2 * Math.PI * 5 * k / t + 0.4));  // channel 0: bin 5
            windows[k * 2 + 1] = (float) (0.3 * Math.sin(2 * Math.PI * 11 * k / t)); // channel 1: bin 11
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] magnitudes = new WindowSpectrum(spec).magnitudes(m.create(windows, new Shape(1, t, 2)))
                    .toFloatArray();
            assertThat(magnitudes).hasSize(WindowSpectrum.width(spec));
            for (int k = 0; k < bins; k++) {
                assertThat((double) magnitudes[k]).as("channel 0, bin " + k).isCloseTo(k == 5 ? 0.7 : 0, offset(2e-3)); // the floor adds 1e-3
                assertThat((double) magnitudes[bins + k]).as("channel 1, bin " + k)
                        .isCloseTo(k == 11 ? 0.3 : 0, offset(2e-3));
            }
        }
    }

    @Test
    void aModelReadingTheSpectrumInfersAndTheKernelRefusesIt() {
        ModelSpec spec = doublePendulum();
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(spec, m, 2)) {
            double[][][] windows = new double[1][spec.windowLength()][2];
            double[][][][] contexts = {{new double[spec.windowLength()][2]}};
            assertThat(model.infer(windows, contexts, 5).physicsMean()[0][0]).isBetween(spec.physicsMin(),
                    spec.physicsMax());
        }
        assertThatThrownBy(() -> ServingKernel.of(spec, new byte[0], ServingKernel.Backend.SCALAR))
                .isInstanceOf(KernelUnsupportedException.class).hasMessageContaining("spectrum");
    }
}
