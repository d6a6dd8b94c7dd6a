package io.hybridcast.model.line;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The line's forecast from the dynamics one window identifies, against persistence, on lines that advect as the
 * simulator's do ({@code u_t = D u_xx + c u_x}, central differences, Dirichlet 0, noise 1e-3): the skill the live
 * line lacked (about -0.2 with the encoder's decoded forecast).
 */
class LineDynamicsTest {

    private static final double DT = 0.02;
    private static final double DX = 0.1;
    private static final int POINTS = 20;
    private static final int WINDOW = 50;
    private static final int HORIZON = 20;

    /** The simulator's equations, finely stepped: the truth. */
    static double[] truthStep(double[] u, double d, double c) {
        int sub = 40;
        double h = DT / sub;
        double[] x = u.clone();
        for (int s = 0; s < sub; s++) {
            double[] k1 = rhs(x, d, c);
            double[] k2 = rhs(add(x, k1, h / 2), d, c);
            double[] k3 = rhs(add(x, k2, h / 2), d, c);
            double[] k4 = rhs(add(x, k3, h), d, c);
            for (int i = 0; i < POINTS; i++) {
                x[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }
        return x;
    }

    private static double[] rhs(double[] u, double d, double c) {
        double[] du = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            double left = i == 0 ? 0 : u[i - 1];
            double right = i == POINTS - 1 ? 0 : u[i + 1];
            du[i] = d / (DX * DX) * (right - 2 * u[i] + left) + c / (2 * DX) * (right - left);
        }
        return du;
    }

    private static double[] add(double[] u, double[] du, double h) {
        double[] out = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            out[i] = u[i] + h * du[i];
        }
        return out;
    }

    /**
     * Skill (1 - MSE / MSE of persistence) over every step of the horizon, against the noisy actuals, of
     * forecasts from 40 disjoint windows of one line; {@code withRemainder} false: the physics alone (D only).
     */
    private static double skill(double d, double c, boolean withRemainder, long seed) {
        Random rng = new Random(seed);
        RemainderOperator shipped = RemainderOperator.shipped();
        DiffusionWindowFit fit = new DiffusionWindowFit(withRemainder ? shipped : null, DT, DX);
        double[] u = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            u[i] = 1.2 * Math.sin(Math.PI * (i + 1) / 21.0);
        }
        double model = 0;
        double persistence = 0;
        for (int w = 0; w < 40; w++) {
            double[][] window = new double[WINDOW][];
            for (int k = 0; k < WINDOW; k++) {
                u = truthStep(u, d, c);
                window[k] = noisy(u, rng);
            }
            DiffusionWindowFit.Estimate e = fit.fit(window).orElseThrow();
            double[] newest = window[WINDOW - 1];
            double[][] ahead = new LineDynamics(Math.max(0.005, e.mean()), e.remainder(), shipped, DX,
                    LineDynamics.MODES).forecast(newest, HORIZON, DT);
            assertThat(ahead).as("forecast of window %d", w).isNotNull();
            double[] future = u;
            for (int h = 0; h < HORIZON; h++) {
                future = truthStep(future, d, c);
                double[] actual = noisy(future, rng);
                for (int i = 0; i < POINTS; i++) {
                    model += Math.pow(ahead[h][i] - actual[i], 2);
                    persistence += Math.pow(newest[i] - actual[i], 2);
                }
            }
        }
        return 1 - model / persistence;
    }

    private static double[] noisy(double[] u, Random rng) {
        double[] out = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            out[i] = u[i] + 1e-3 * rng.nextGaussian();
        }
        return out;
    }

    @Test
    void theIdentifiedDynamicsBeatPersistenceWhereverTheLineMoves() {
        // over the simulator's ranges: D 0.01-0.1, c 0.01-0.1
        double[][] lines = {{0.015, 0.05}, {0.01, 0.1}, {0.05, 0.02}, {0.1, 0.08}};
        for (int l = 0; l < lines.length; l++) {
            double s = skill(lines[l][0], lines[l][1], true, 7 + l);
            assertThat(s).as("skill at D %s, c %s", lines[l][0], lines[l][1]).isGreaterThan(0.5);
        }
    }

    @Test
    void withoutTheRemainderTheAdvectingLineIsForecastWorse() {
        assertThat(skill(0.015, 0.1, false, 3)).isLessThan(skill(0.015, 0.1, true, 3) - 0.2);
    }

    @Test
    void dynamicsThatAreNoPhysicsGiveNoForecast() {
        double[] start = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            start[i] = Math.sin(Math.PI * (i + 1) / 21.0) + 0.2 * Math.sin(Math.PI * 5 * (i + 1) / 21.0);
        }
        // D far below 0 is backward diffusion: the fifth mode grows at 0.5 · 4 sin²(5π/42) / dx² = 27/s
        assertThat(new LineDynamics(-0.5, 0, RemainderOperator.shipped(), DX, 5).forecast(start, HORIZON, DT))
                .isNull();
        double[][] decaying = new LineDynamics(0.02, 0, RemainderOperator.shipped(), DX, 5)
                .forecast(start, HORIZON, DT);
        assertThat(decaying).isNotNull();
        assertThat(decaying.length).isEqualTo(HORIZON);
        assertThat(Math.abs(decaying[HORIZON - 1][10])).isLessThan(Math.abs(start[10]));
    }
}
