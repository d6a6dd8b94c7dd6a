package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile fit recovers a pendulum's ω from its window through the decoder alone, in and far out of the range a
 * model was trained on: a physics-only model (the decoder is the pendulum ODE) whose encoder is untrained, so
 * every bit of the estimate comes from the fit, none from the amortised guess.
 */
class PhysicsProfileFitTest {

    private static final double DT = 0.05;
    private static final int T = 50;

    /** θ of an undamped pendulum, RK4 at 20 substeps per sample. */
    static double[][] swing(double omega, double theta0, double velocity0) {
        double[][] out = new double[T][1];
        double th = theta0;
        double v = velocity0;
        double h = DT / 20;
        for (int k = 0; k < T; k++) {
            out[k][0] = th;
            for (int s = 0; s < 20; s++) {
                double w2 = omega * omega;
                double k1t = v;
                double k1v = -w2 * Math.sin(th);
                double k2t = v + h / 2 * k1v;
                double k2v = -w2 * Math.sin(th + h / 2 * k1t);
                double k3t = v + h / 2 * k2v;
                double k3v = -w2 * Math.sin(th + h / 2 * k2t);
                double k4t = v + h * k3v;
                double k4v = -w2 * Math.sin(th + h * k3t);
                th += h / 6 * (k1t + 2 * k2t + 2 * k3t + k4t);
                v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
            }
        }
        return out;
    }

    @Test
    void recoversOmegaInsideAndOutsideTheTrainingRange() {
        ModelSpec spec = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("phys-vae").setWindowLength(T)
                .setChannels(1).setDt(DT).optMaxHorizon(10).setPhysicsName("omega").setPhysicsRange(0.3, 10)
                .setNeuralLatents(3).setHidden(16).setEmbedding(8).optUseNeural(false).build();
        Random random = new Random(5);
        double[] truth = {0.9, 1.7, 2.6, 3.4, 5.0};
        double[][][] windows = new double[truth.length][][];
        for (int i = 0; i < truth.length; i++) {
            windows[i] = swing(truth[i], 0.3 + 0.5 * random.nextDouble(), 0.5 * random.nextGaussian());
        }
        try (NDManager manager = NDManager.newBaseManager(); HybridVae model = new HybridVae(spec, manager, 3)) {
            PhysicsProfileFit.Result fit = PhysicsProfileFit.fit(model, windows, null);
            for (int i = 0; i < truth.length; i++) {
                assertThat(Math.abs(fit.mean()[i] / truth[i] - 1)).as("ω %s fitted as %s", truth[i], fit.mean()[i])
                        .isLessThan(0.02);
                assertThat(fit.std()[i]).isPositive().isLessThan(0.2 * truth[i]);
            }
        }
    }

    /**
     * Windows the hybrid decoder itself writes at a z_n far from the untrained encoder's: held at the encoder's z_n
     * the fit bends ω to absorb what z_n's in-ODE net adds; refining z_n too (under its N(0, I) prior) recovers it.
     */
    @Test
    void refiningTheLatentsRecoversOmegaThatAWrongLatentBends() {
        ModelSpec spec = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("phys-vae").setWindowLength(T)
                .setChannels(1).setDt(DT).optMaxHorizon(10).setPhysicsName("omega").setPhysicsRange(0.3, 10)
                .setNeuralLatents(2).setHidden(16).setEmbedding(8).build();
        double[] truth = {1.2, 2.0, 2.8};
        try (NDManager manager = NDManager.newBaseManager(); HybridVae model = new HybridVae(spec, manager, 3)) {
            Random random = new Random(11);
            for (var p : model.allParameters().values()) {
                float[] values = p.getArray().toType(DataType.FLOAT32, false).toFloatArray();
                for (int k = 0; k < values.length; k++) {
                    values[k] = (float) (0.2 * random.nextGaussian());
                }
                p.getArray().set(values);
            }
            double[][][] windows = new double[truth.length][T][1];
            try (NDManager m = manager.newSubManager()) {
                float[] zp = new float[truth.length];
                float[] zn = new float[truth.length * 2];
                float[] s0 = new float[truth.length * 2];
                for (int i = 0; i < truth.length; i++) {
                    zp[i] = (float) truth[i];
                    zn[2 * i] = 0.8f;
                    zn[2 * i + 1] = -0.8f;
                    s0[2 * i] = 0.5f;
                }
                NDArray x = model.decode(m.create(zp, new Shape(truth.length, 1)),
                        m.create(zn, new Shape(truth.length, 2)), m.create(s0, new Shape(truth.length, 2)), T, false)
                        .xPAB();
                float[] flat = x.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < truth.length; i++) {
                    for (int k = 0; k < T; k++) {
                        windows[i][k][0] = flat[i * T + k];
                    }
                }
            }
            double[] held = PhysicsProfileFit.fit(model, windows, null, false).mean();
            double[] refined = PhysicsProfileFit.fit(model, windows, null, true).mean();
            double heldError = 0;
            double refinedError = 0;
            for (int i = 0; i < truth.length; i++) {
                heldError += Math.abs(held[i] / truth[i] - 1) / truth.length;
                refinedError += Math.abs(refined[i] / truth[i] - 1) / truth.length;
            }
            assertThat(refinedError).as("held %s, refined %s", java.util.Arrays.toString(held),
                    java.util.Arrays.toString(refined)).isLessThan(0.5 * heldError);
        }
    }
}
