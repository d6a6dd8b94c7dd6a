package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.kernel.KernelUnsupportedException;
import io.hybridcast.model.kernel.ServingKernel;
import io.hybridcast.model.physics.Constants;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The output residual's two forms: the sinusoid form computed on NDArrays (training, Monte-Carlo bands) and on
 * floats (sigma-point bands) agree, a single sinusoid is reproduced exactly, gradients reach the frequency, and
 * the serving kernel refuses the form it does not implement.
 */
class OutputResidualTest {

    private static ModelSpec sinusoidSpec() {
        return LeanDecoderTest.spec("DOUBLE_PENDULUM", true, true, "rk4").toBuilder()
                .optResidualForm(ModelSpec.RESIDUAL_SINUSOIDS).build();
    }

    @Test
    void arrayAndFloatFormsAgree() {
        ModelSpec spec = sinusoidSpec();
        int rows = 3;
        int length = spec.windowLength() + spec.maxHorizon();
        float[] raw = new float[rows * OutputResidual.outputs(spec)];
        Random random = new Random(7);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (float) random.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Constants c = new Constants(m);
            float[] fromArrays = OutputResidual.apply(spec, m.create(raw, new Shape(rows, raw.length / rows)), length,
                    c).toFloatArray();
            float[] fromFloats = OutputResidual.apply(spec, raw, rows, length);
            assertThat(fromArrays).hasSize(rows * length * spec.channels());
            for (int i = 0; i < fromFloats.length; i++) {
                assertThat(fromArrays[i]).isCloseTo(fromFloats[i], org.assertj.core.data.Offset.offset(2e-4f));
            }
            assertThat(fromFloats).satisfies(v -> assertThat(maxAbs(v)).isGreaterThan(0.1f));
        }
    }

    @Test
    void oneSinusoidIsReproducedAndItsFrequencyGetsAGradient() {
        ModelSpec spec = sinusoidSpec();
        int length = 20;
        float[] raw = new float[OutputResidual.outputs(spec)];
        // channel 0, sinusoid 5: a = 2, b = 0, u = 0, so ν = Nyquist · σ(logit(5.5 / 16)) = Nyquist · 5.5 / 16
        raw[5 * 3] = 2f;
        float[] out = OutputResidual.apply(spec, raw, 1, length);
        double nu = Math.PI / spec.dt() * 5.5 / OutputResidual.SINUSOIDS;
        double scale = 1 / Math.sqrt(OutputResidual.SINUSOIDS);
        for (int k = 0; k < length; k++) {
            assertThat((double) out[k * spec.channels()]).isCloseTo(2 * scale * Math.cos(nu * k * spec.dt()),
                    org.assertj.core.data.Offset.offset(1e-5));
            assertThat(out[k * spec.channels() + 1]).isEqualTo(0f);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Constants c = new Constants(m);
            NDArray x = m.create(raw, new Shape(1, raw.length));
            x.setRequiresGradient(true);
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                g.backward(OutputResidual.apply(spec, x, length, c).square().sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            assertThat(Math.abs(grad[5 * 3 + 2])).as("gradient of the frequency").isGreaterThan(1e-3f);
            assertThat(Math.abs(grad[5 * 3])).as("gradient of the amplitude").isGreaterThan(1e-3f);
        }
    }

    @Test
    void theKernelRefusesTheSinusoidForm() {
        assertThatThrownBy(() -> ServingKernel.of(sinusoidSpec(), new byte[0], ServingKernel.Backend.SCALAR))
                .isInstanceOf(KernelUnsupportedException.class).hasMessageContaining("sinusoids");
    }

    private static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
