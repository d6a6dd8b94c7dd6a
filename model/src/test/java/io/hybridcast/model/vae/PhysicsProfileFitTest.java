package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
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
}
