package io.hybridcast.model.line;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The line's per-window transport velocity on lines that advect as the simulator's do (LineDynamicsTest's
 * integrator, noise 1e-3): it reads c at every D, with intervals that hold it, where the twin-learnt remainder's
 * coefficient reads D as well.
 */
class TransportFitTest {

    private static final double DT = 0.02;
    private static final double DX = 0.1;

    /**
     * {@code n} disjoint noisy windows of a line released as a sine profile, after 1 s of its dynamics: the live line
     * is re-excited once its peak falls under 0.1, below which the noise in the Laplacian of the window's integral
     * biases both coefficients towards 0 (errors in the regressors).
     */
    private static double[][][] windows(double d, double c, int n, long seed) {
        Random rng = new Random(seed);
        double[] u = new double[20];
        for (int i = 0; i < 20; i++) {
            u[i] = Math.sin(Math.PI * (i + 1) / 21.0);
        }
        for (int k = 0; k < 50; k++) {
            u = LineDynamicsTest.truthStep(u, d, c);
        }
        double[][][] out = new double[n][50][20];
        for (int w = 0; w < n; w++) {
            for (int k = 0; k < 50; k++) {
                for (int i = 0; i < 20; i++) {
                    out[w][k][i] = u[i] + 1e-3 * rng.nextGaussian();
                }
                u = LineDynamicsTest.truthStep(u, d, c);
            }
        }
        return out;
    }

    @Test
    void itReadsTheAdvectionVelocityAtEveryDWithIntervalsThatHoldIt() {
        TransportFit fit = new TransportFit(20, DT, DX);
        for (double d : new double[]{0.01, 0.05, 0.1}) {
            for (double c : new double[]{0.01, 0.05, 0.1}) {
                double sum = 0;
                int held = 0;
                double[][][] ws = windows(d, c, 8, 3);
                for (double[][] w : ws) {
                    TransportFit.Transport t = fit.fit(w).orElseThrow();
                    sum += t.velocity();
                    // Student's t, 18 degrees of freedom
                    if (Math.abs(t.velocity() - c) <= 2.101 * t.std()) {
                        held++;
                    }
                }
                assertThat(sum / ws.length).as("mean velocity at D %s, c %s", d, c).isCloseTo(c,
                        org.assertj.core.data.Offset.offset(0.05 * c));
                assertThat(held).as("95 %% intervals holding c at D %s, c %s", d, c).isGreaterThanOrEqualTo(7);
            }
        }
    }

    @Test
    void theTwinRemaindersCoefficientReadsDiffusionTooWhichIsWhyItIsNotTheSignal() {
        DiffusionWindowFit remainder = new DiffusionWindowFit(RemainderOperator.shipped(), DT, DX);
        TransportFit transport = new TransportFit(20, DT, DX);
        double[] a = new double[2];
        double[] v = new double[2];
        double[] ds = {0.01, 0.1};
        for (int j = 0; j < 2; j++) {
            for (double[][] w : windows(ds[j], 0.05, 8, 4)) {
                a[j] += remainder.fit(w).orElseThrow().remainder() / 8;
                v[j] += transport.fit(w).orElseThrow().velocity() / 8;
            }
        }
        // the same c, D x10: the remainder's coefficient moves as much as a change of c would, the velocity does not
        assertThat(a[1] / a[0]).isGreaterThan(1.3);
        assertThat(v[1] / v[0]).isBetween(0.95, 1.05);
    }

    @Test
    void aWindowWithAJumpHasNoTransport() {
        double[][] w = windows(0.02, 0.05, 1, 5)[0];
        for (int k = 30; k < 50; k++) {
            for (int i = 0; i < 20; i++) {
                w[k][i] += 0.5 * Math.sin(Math.PI * (i + 1) / 21.0);
            }
        }
        assertThat(new TransportFit(20, DT, DX).fit(w)).isEmpty();
    }
}
