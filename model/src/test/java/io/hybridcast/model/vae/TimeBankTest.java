package io.hybridcast.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.kernel.KernelUnsupportedException;
import io.hybridcast.model.kernel.ServingKernel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * The in-ODE time bank: its drive is the ν² / 2K-scaled weighted basis on the unmodelled components only, a new model's
 * bank is silent (it decodes exactly as the same model without one), gradients reach the bank's network, and the
 * serving kernel refuses it.
 */
class TimeBankTest {

    private static final int FREQUENCIES = 64;

    private static ModelSpec pendulum(int bank) {
        return LeanDecoderTest.spec("PENDULUM", true, true, "rk4").toBuilder().optTimeBank(bank).build();
    }

    @Test
    void theDriveIsTheScaledBasisOnTheMaskedComponentsOnly() {
        ModelSpec spec = pendulum(FREQUENCIES);
        TimeBank bank = new TimeBank(spec);
        double[] nu = bank.frequencies();
        assertThat(nu[FREQUENCIES - 1]).isCloseTo(Math.PI / spec.dt(), offset(1e-9));
        int width = 2 * FREQUENCIES;
        float[] raw = new float[2 * width]; // [component][cos k..., sin k...]
        raw[9] = 0.5f;                       // θ: cos at ν_9, masked out (the pendulum's net acts on θ' alone)
        raw[width + 9] = 0.5f;               // θ': cos at ν_9
        raw[width + FREQUENCIES + 20] = -0.25f; // θ': sin at ν_20
        try (NDManager m = NDManager.newBaseManager()) {
            TimeBank.Drive drive = bank.drive(m.create(raw, new Shape(1, raw.length)), new float[] {0, 1});
            for (double t : new double[] {0, 0.025, 0.7, 2.45}) {
                float[] at = drive.at(t).toFloatArray();
                double expected = (0.5 * nu[9] * nu[9] * Math.cos(nu[9] * t)
                        - 0.25 * nu[20] * nu[20] * Math.sin(nu[20] * t)) / width;
                assertThat(at).hasSize(4);
                assertThat(at[0]).as("s_P, θ").isEqualTo(0f);
                assertThat(at[1]).as("s_P, θ'").isEqualTo(0f);
                assertThat(at[2]).as("s_PA, θ (masked)").isEqualTo(0f);
                assertThat((double) at[3]).as("s_PA, θ' at t = " + t).isCloseTo(expected,
                        offset(1e-4 * Math.abs(expected) + 1e-3));
            }
        }
    }

    @Test
    void aNewModelsBankIsSilentAndItsNetworkGetsAGradient() {
        try (NDManager m = NDManager.newBaseManager();
             HybridVae with = new HybridVae(pendulum(FREQUENCIES), m, 5);
             HybridVae without = new HybridVae(pendulum(0), m, 5);
             NDManager step = m.newSubManager()) {
            NDArray zp = step.create(new float[] {1.2f, 2.5f}, new Shape(2, 1));
            NDArray zn = step.create(new float[] {0.3f, -0.4f, 0.1f, 1.0f, 0.2f, -0.7f}, new Shape(2, 3));
            NDArray s0 = step.create(new float[] {0.5f, 0f, -1f, 0.3f}, new Shape(2, 2));
            int length = 30;
            float[] plain = without.decode(zp, zn, s0, length, false).xPAB().toFloatArray();
            float[] banked;
            Linear last = lastLinear(with);
            NDArray weight = last.getParameters().get("weight").getArray();
            weight.setRequiresGradient(true);
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                NDArray out = with.decode(zp, zn, s0, length, true).xPAB();
                banked = out.toFloatArray();
                g.backward(out.sum());
            }
            assertThat(banked).containsExactly(plain);
            float[] gradient = weight.getGradient().toFloatArray();
            double norm = 0;
            for (float v : gradient) {
                norm += v * v;
            }
            assertThat(Math.sqrt(norm)).as("gradient of the bank's last layer").isGreaterThan(1e-6);
            assertThat(with.allParameters().keySet()).anyMatch(id -> id.startsWith("timeBankNet"));
            assertThat(without.allParameters().keySet()).noneMatch(id -> id.startsWith("timeBankNet"));
        }
    }

    @Test
    void inferenceDecodesTheBankAndTheKernelRefusesIt() {
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(pendulum(FREQUENCIES), m, 3)) {
            double[][][] windows = new double[2][50][1];
            for (int k = 0; k < 50; k++) {
                windows[0][k][0] = 0.4 * Math.cos(2.0 * k * 0.05);
                windows[1][k][0] = -0.2 * Math.cos(3.0 * k * 0.05);
            }
            double silent = model.infer(windows, null, 20).forecastMean()[0][19][0];
            NDArray weight = lastLinear(model).getParameters().get("weight").getArray();
            float[] values = new float[(int) weight.size()];
            java.util.Arrays.fill(values, 0.05f);
            weight.set(values);
            double driven = model.infer(windows, null, 20).forecastMean()[0][19][0];
            assertThat(Math.abs(driven - silent)).as("the bank moves the forecast").isGreaterThan(1e-3);
        }
        assertThatThrownBy(() -> ServingKernel.of(pendulum(FREQUENCIES), new byte[0], ServingKernel.Backend.SCALAR))
                .isInstanceOf(KernelUnsupportedException.class).hasMessageContaining("time bank");
    }

    private static Linear lastLinear(HybridVae model) {
        Linear last = null;
        for (var child : model.timeBankNet.getChildren()) {
            if (child.getValue() instanceof Linear linear) {
                last = linear;
            }
        }
        return last;
    }
}
