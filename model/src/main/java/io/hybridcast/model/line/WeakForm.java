package io.hybridcast.model.line;

/**
 * The weak form of one window of the line, u_t = A u on its 20 interior points: with the test function
 * φ(t) = sin(π t / T), which vanishes at both ends of the window, ∫ φ u_t dt = −∫ φ' u dt, so
 * {@code −∫ φ' u dt = A ∫ φ u dt} holds with no time derivative of the noisy readings (trapezoid rule over the
 * samples). One equation per grid point; both sides average the noise over every sample of the window.
 *
 * @param lhs      −∫ φ' u dt per grid point
 * @param integral ∫ φ u dt per grid point
 */
public record WeakForm(double[] lhs, double[] integral) {

    /**
     * A per-sample change of any grid point above this is a jump (a re-excitation or a spike adds at least 0.5 at
     * the peak), not diffusion or advection: on the smooth profiles the line carries, the operator moves a point by
     * about (D·λ₁ + c/dx)·|u|·dt per sample (λ₁ ≈ 2.2, the Laplacian's slowest mode), under 0.1 over its ranges
     * (D ≤ 0.2, c ≤ 0.1, a peak ≤ 3, dt 0.02 s), and the readings' noise (1e-3) adds about 0.005 at most.
     */
    public static final double JUMP = 0.25;

    /** The weak form of {@code window} ([time][point]) sampled every {@code dt} seconds. */
    public static WeakForm of(double[][] window, double dt) {
        int n = window.length;
        if (n < 3) {
            throw new IllegalArgumentException("a window of the line needs at least 3 samples, got " + n);
        }
        int points = window[0].length;
        double span = (n - 1) * dt;
        double[] lhs = new double[points];
        double[] integral = new double[points];
        for (int k = 0; k < n; k++) {
            double w = (k == 0 || k == n - 1) ? 0.5 * dt : dt;
            double phase = Math.PI * k / (n - 1);
            double phi = Math.sin(phase);
            double dphi = Math.PI / span * Math.cos(phase);
            for (int c = 0; c < points; c++) {
                lhs[c] -= w * dphi * window[k][c];
                integral[c] += w * phi * window[k][c];
            }
        }
        return new WeakForm(lhs, integral);
    }

    /** Whether some grid point changes by more than {@link #JUMP} between two successive samples. */
    public static boolean hasJump(double[][] window) {
        for (int k = 1; k < window.length; k++) {
            for (int c = 0; c < window[k].length; c++) {
                if (!(Math.abs(window[k][c] - window[k - 1][c]) <= JUMP)) {
                    return true; // also NaN
                }
            }
        }
        return false;
    }

    /** The discrete Laplacian of the line (Dirichlet 0 at both ends) applied to {@code v}, divided by dx². */
    public static double[] laplacian(double[] v, double dx) {
        double inv = 1.0 / (dx * dx);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double left = i > 0 ? v[i - 1] : 0;
            double right = i < v.length - 1 ? v[i + 1] : 0;
            out[i] = (left - 2 * v[i] + right) * inv;
        }
        return out;
    }
}
