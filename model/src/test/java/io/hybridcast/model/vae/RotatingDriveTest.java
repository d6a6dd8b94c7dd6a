package io.hybridcast.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.kernel.KernelUnsupportedException;
import io.hybridcast.model.kernel.ServingKernel;
import io.hybridcast.model.physics.Constants;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * The rotating drive: its front-end reads a known drive's frequency and phase from one window, the closed-form
 * rotation solves c'' = −W² c with a gradient autograd gets right, a forced pendulum window decodes near its noise
 * with the front-end's drive where the physics alone does not, a new model's drive starts at the front-end's reading,
 * its reading of the forcing's f and A comes from the drive's states, and the serving kernel refuses it.
 */
class RotatingDriveTest {

    private static final double DT = 0.05;
    private static final int T = 50;

    private static ModelSpec pendulum(boolean drive) {
        return LeanDecoderTest.spec("PENDULUM", true, true, "rk4").toBuilder().optDrive(drive).build();
    }

    @Test
    void theFrontEndReadsAKnownDrivesRateAndPhase() {
        double hz = 4.3;
        double amplitude = 0.08;
        double phase = 0.9;
        Random noise = new Random(7);
        float[] row = new float[T];
        for (int k = 0; k < T; k++) {
            double t = k * DT;
            row[k] = (float) (0.5 * Math.cos(1.7 * t) + 0.05 * t + amplitude * Math.cos(2 * Math.PI * hz * t + phase)
                    + 0.01 * noise.nextGaussian());
        }
        float[] f = RotatingDrive.estimate(row, T, 1, DT);
        assertThat((double) f[0]).as("W₀").isCloseTo(2 * Math.PI * hz, offset(0.005 * 2 * Math.PI * hz));
        // A cos(Wt + φ) = A cos φ cos Wt − A sin φ sin Wt
        assertThat((double) f[1]).as("a").isCloseTo(amplitude * Math.cos(phase), offset(0.01));
        assertThat((double) f[2]).as("b").isCloseTo(-amplitude * Math.sin(phase), offset(0.01));
    }

    @Test
    void theClosedFormRotationSolvesItsOdeWithTheRightGradient() {
        double c0 = 3.0;
        double s0 = -1.5;
        double w = 27.0;
        try (NDManager m = NDManager.newBaseManager()) {
            Constants c = new Constants(m);
            double h = 1e-3;
            for (double t : new double[] {0.0, 0.4, 1.725}) {
                double before = RotatingDrive.force(columns(m, c0, s0, w), t - h, c).getFloat(0, 0);
                double at = RotatingDrive.force(columns(m, c0, s0, w), t, c).getFloat(0, 0);
                double after = RotatingDrive.force(columns(m, c0, s0, w), t + h, c).getFloat(0, 0);
                // c(t)² + s(t)² stays c₀² + s₀², with s = −c' / W
                double s = -(after - before) / (2 * h) / w;
                assertThat(at * at + s * s).as("c² + s² at t = " + t).isCloseTo(c0 * c0 + s0 * s0, offset(0.02));
                assertThat((after - 2 * at + before) / (h * h)).as("c'' at t = " + t)
                        .isCloseTo(-w * w * at, offset(0.01 * w * w * Math.hypot(c0, s0)));
            }
            assertThat((double) RotatingDrive.force(columns(m, c0, s0, w), 0, c).getFloat(0, 0)).isEqualTo(c0);
            // autograd against central differences in double precision, for each of c₀, s₀, W
            double t = 1.3;
            NDArray x = columns(m, c0, s0, w);
            x.setRequiresGradient(true);
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                g.backward(RotatingDrive.force(x, t, c).sum());
            }
            float[] gradient = x.getGradient().toFloatArray();
            double[] expected = {Math.cos(w * t), -Math.sin(w * t), -t * (c0 * Math.sin(w * t) + s0 * Math.cos(w * t))};
            for (int i = 0; i < 3; i++) {
                assertThat((double) gradient[i]).as("∂c/∂column " + i).isCloseTo(expected[i],
                        offset(2e-3 * Math.max(1, Math.abs(expected[i]))));
            }
        }
    }

    @Test
    void aForcedWindowDecodesNearItsNoiseWithTheFrontEndsDrive() {
        double omega = 2.2;
        double force = 30.0 * omega * omega;
        double hz = 4.1;
        double[] window = forcedPendulum(omega, force, hz, 0.6, new Random(11));
        float[] row = new float[T];
        for (int k = 0; k < T; k++) {
            row[k] = (float) window[k];
        }
        float[] f = RotatingDrive.estimate(row, T, 1, DT);
        double k = omega * omega - f[0] * f[0];
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(pendulum(true), m, 4);
             NDManager step = m.newSubManager()) {
            Networks.zeroLastLayer(model.odeNet);
            Networks.zeroLastLayer(model.residualNet);
            // the initial velocity is the encoder's to read: each form gets its best on a grid over ±3 rad/s (measured:
            // 5.5e-4 with the drive, 1.9e-3 with the sign of s₀ flipped, 0.042 for the physics alone)
            int grid = 121;
            float[] states = new float[5 * grid];
            for (int g = 0; g < grid; g++) {
                states[5 * g] = row[0];
                states[5 * g + 1] = (float) (-3 + 6.0 * g / (grid - 1));
                states[5 * g + 2] = (float) (k * f[1]);
                states[5 * g + 3] = (float) (-k * f[2]);
                states[5 * g + 4] = f[0];
            }
            NDArray zp = step.full(new Shape(grid, 1), (float) omega);
            NDArray zn = step.zeros(new Shape(grid, 3));
            HybridVae.Decoded decoded = model.decode(zp, zn, step.create(states, new Shape(grid, 5)), T, false);
            NDArray x = step.create(row, new Shape(1, T, 1));
            double driven = decoded.xPA().sub(x).square().mean(new int[] {1}).min().getFloat();
            double physicsAlone = decoded.xP().sub(x).square().mean(new int[] {1}).min().getFloat();
            assertThat(driven).as("window MSE with the drive").isLessThan(1e-3);
            assertThat(physicsAlone).as("window MSE of the physics alone").isGreaterThan(10 * driven);
        }
    }

    @Test
    void aNewModelsDriveIsTheFrontEndsReadingAndTheKernelRefusesIt() {
        double[][][] windows = new double[2][][];
        float[] rows = new float[2 * T];
        Random noise = new Random(5);
        for (int i = 0; i < 2; i++) {
            double[] w = forcedPendulum(1.4 + i, 25.0 * (1.4 + i) * (1.4 + i), 3.6 + 1.5 * i, -0.3, noise);
            windows[i] = new double[T][1];
            for (int k = 0; k < T; k++) {
                windows[i][k][0] = w[k];
                rows[i * T + k] = (float) w[k];
            }
        }
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(pendulum(true), m, 3);
             NDManager step = m.newSubManager()) {
            HybridVae.Posterior q = model.posterior(step, windows, null, null);
            assertThat(q.initialState().getShape()).isEqualTo(new Shape(2, 5));
            float[] s0 = q.initialState().toType(DataType.FLOAT32, false).toFloatArray();
            float[] mu = q.physicsMean().toFloatArray();
            for (int i = 0; i < 2; i++) {
                float[] f = RotatingDrive.estimate(java.util.Arrays.copyOfRange(rows, i * T, (i + 1) * T), T, 1, DT);
                double k = mu[i] * mu[i] - f[0] * f[0];
                assertThat((double) s0[5 * i + 4]).as("W").isCloseTo(f[0], offset(1e-4 * f[0]));
                assertThat((double) s0[5 * i + 2]).as("c₀").isCloseTo(k * f[1], offset(1e-3 * Math.abs(k * f[1]) + 1e-3));
                assertThat((double) s0[5 * i + 3]).as("s₀").isCloseTo(-k * f[2], offset(1e-3 * Math.abs(k * f[2]) + 1e-3));
            }
            // the model's reading of the forcing: f = W / 2π and A = |c₀ + i s₀| / ω̂², from the same posterior
            double[][] reading = DriveReading.of(model, windows, null);
            for (int i = 0; i < 2; i++) {
                assertThat(reading[i][0]).as("f").isCloseTo(s0[5 * i + 4] / (2 * Math.PI), offset(1e-5));
                double force = Math.hypot(s0[5 * i + 2], s0[5 * i + 3]);
                assertThat(reading[i][1]).as("A").isCloseTo(force / (mu[i] * mu[i]), offset(1e-4 * force + 1e-6));
            }
            double[][] forecast = model.infer(windows, null, 20).forecastMean()[0];
            assertThat(forecast).hasNumberOfRows(20);
            assertThat(Double.isFinite(forecast[19][0])).isTrue();
            assertThat(model.allParameters().keySet()).anyMatch(id -> id.startsWith("driveNet"));
        }
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(pendulum(false), m, 3)) {
            assertThat(model.allParameters().keySet()).noneMatch(id -> id.startsWith("driveNet"));
            assertThat(DriveReading.of(model, windows, null)).isNull();
        }
        assertThatThrownBy(() -> ServingKernel.of(pendulum(true), new byte[0], ServingKernel.Backend.SCALAR))
                .isInstanceOf(KernelUnsupportedException.class).hasMessageContaining("drive");
    }

    private static NDArray columns(NDManager m, double c0, double s0, double w) {
        return m.create(new float[] {(float) c0, (float) s0, (float) w}, new Shape(1, 3));
    }

    /** θ'' = −ω² sin θ + F cos(2πf t) from rest at θ₀, fine RK4, sampled every DT with noise 0.01. */
    private static double[] forcedPendulum(double omega, double force, double hz, double theta0, Random noise) {
        int fine = 200;
        double h = DT / fine;
        double[] y = {theta0, 0};
        double[] out = new double[T];
        for (int k = 0; k < T; k++) {
            out[k] = y[0] + 0.01 * noise.nextGaussian();
            for (int j = 0; j < fine; j++) {
                double t = (k * fine + j) * h;
                double[] k1 = field(y, t, omega, force, hz);
                double[] k2 = field(new double[] {y[0] + h / 2 * k1[0], y[1] + h / 2 * k1[1]}, t + h / 2, omega, force, hz);
                double[] k3 = field(new double[] {y[0] + h / 2 * k2[0], y[1] + h / 2 * k2[1]}, t + h / 2, omega, force, hz);
                double[] k4 = field(new double[] {y[0] + h * k3[0], y[1] + h * k3[1]}, t + h, omega, force, hz);
                y[0] += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
                y[1] += h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
            }
        }
        return out;
    }

    private static double[] field(double[] y, double t, double omega, double force, double hz) {
        return new double[] {y[1], -omega * omega * Math.sin(y[0]) + force * Math.cos(2 * Math.PI * hz * t)};
    }
}
