package io.hybridcast.model.fusion;

/**
 * How much a window reveals a slow physics parameter against a fast drive: the standard deviation of the
 * least-squares cubic in time through one channel of the window. For the forced pendulum, whose own motion is
 * slow (ω ≤ 3.5 rad/s: a period of 1.8 s or more, a smooth curve over a 2.5 s window) and whose forcing is fast
 * (3-6 Hz: many cycles per window, nearly orthogonal to a cubic), this is the amplitude of the free swing, the
 * part of the motion that carries ω; in forced steady state the motion is the forcing's, whose size confounds ω
 * with the unknown amplitude A (A ω²), and the cubic holds only the noise (about 0.25 of its std for 50 samples).
 *
 * <p>Measured on 100 simulated pendulums run as the live simulator runs them (docs/decisions.md): windows with a
 * swing of at least 0.05 rad read ω within 7-9 %, windows under 0.01 rad within 24-28 %, whatever the model's
 * own posterior std said.
 */
public final class FreeSwing {

    private FreeSwing() {
    }

    /** The swing of channel {@code channel} of {@code window} ([time][channel], at least 4 samples). */
    public static double of(double[][] window, int channel) {
        int n = window.length;
        if (n < 4) {
            throw new IllegalArgumentException("a free swing needs at least 4 samples, got " + n);
        }
        // normal equations of the cubic in u in [-1, 1], solved by Gaussian elimination (well conditioned there)
        double[][] m = new double[4][5];
        for (int t = 0; t < n; t++) {
            double u = 2.0 * t / (n - 1) - 1;
            double[] basis = {1, u, u * u, u * u * u};
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    m[i][j] += basis[i] * basis[j];
                }
                m[i][4] += basis[i] * window[t][channel];
            }
        }
        for (int i = 0; i < 4; i++) {
            for (int k = i + 1; k < 4; k++) {
                double f = m[k][i] / m[i][i];
                for (int j = i; j < 5; j++) {
                    m[k][j] -= f * m[i][j];
                }
            }
        }
        double[] c = new double[4];
        for (int i = 3; i >= 0; i--) {
            double v = m[i][4];
            for (int j = i + 1; j < 4; j++) {
                v -= m[i][j] * c[j];
            }
            c[i] = v / m[i][i];
        }
        double sum = 0;
        double squares = 0;
        for (int t = 0; t < n; t++) {
            double u = 2.0 * t / (n - 1) - 1;
            double y = c[0] + u * (c[1] + u * (c[2] + u * c[3]));
            sum += y;
            squares += y * y;
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, squares / n - mean * mean));
    }

    /**
     * The phase-free amplitude of the free swing in channel {@code channel} of {@code window}: the size sqrt(a² + b²)
     * of the least-squares sinusoid a cos ωt + b sin ωt at the swing's own angular frequency {@code omega} (rad/s),
     * with t from the window's centre and {@code dt} s between samples; NaN for a non-positive or non-finite ω.
     *
     * <p>Why beside {@link #of}: a slow pendulum's window holds half a period or less, so the cubic's std depends on
     * the phase the window catches (at a turning point half what it is across a zero crossing), and a decaying swing
     * reads as if it stopped decaying. The sinusoid's size does not depend on the phase; a forcing of 3-6 Hz is
     * nearly orthogonal to it, as to the cubic.
     */
    public static double amplitude(double[][] window, int channel, double omega, double dt) {
        if (!(omega > 0) || !Double.isFinite(omega)) {
            return Double.NaN;
        }
        int n = window.length;
        double centre = (n - 1) / 2.0;
        double cc = 0;
        double cs = 0;
        double ss = 0;
        double cy = 0;
        double sy = 0;
        for (int t = 0; t < n; t++) {
            double phase = omega * (t - centre) * dt;
            double cos = Math.cos(phase);
            double sin = Math.sin(phase);
            double y = window[t][channel];
            cc += cos * cos;
            cs += cos * sin;
            ss += sin * sin;
            cy += cos * y;
            sy += sin * y;
        }
        double det = cc * ss - cs * cs;
        if (!(det > 1e-12 * cc * ss)) {
            return Double.NaN;
        }
        double a = (ss * cy - cs * sy) / det;
        double b = (cc * sy - cs * cy) / det;
        return Math.hypot(a, b);
    }
}
