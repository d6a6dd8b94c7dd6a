package io.hybridcast.model.fusion;

/**
 * The free oscillation of a pendulum in one window: the amplitude of the sinusoid at its own ω, fitted by least
 * squares beside an offset, a slope and (when it is driven) the forcing's sinusoid. Why not {@link FreeSwing}'s
 * cubic: a free swing of 1.2 cycles per window (ω 3.1 rad/s over 2.5 s) is mostly not a cubic, and the cubic also
 * catches some forcing, so its size has a floor well above the noise; fitted at ω the swing's amplitude has a
 * standard error of about noise·sqrt(2/n) (0.002 rad at the simulator's 0.01 over 50 samples), so the decay of a
 * free swing after an event can be followed window by window down to a few hundredths of a radian
 * (docs/decisions.md, "An unmodelled damping change: the free swing decays faster").
 */
public final class FreeOscillation {

    private FreeOscillation() {
    }

    /**
     * {amplitude, its standard error} of channel {@code channel} of {@code window} ([time][channel], samples
     * {@code dt} s apart) at {@code omega} rad/s, with the forcing at {@code forcingHz} fitted beside it (NaN: no
     * forcing term). {NaN, NaN} when the window is too short for the fit or the fit is degenerate.
     */
    public static double[] amplitude(double[][] window, int channel, double dt, double omega, double forcingHz) {
        boolean forced = Double.isFinite(forcingHz) && forcingHz > 0;
        int p = forced ? 6 : 4;
        int n = window.length;
        if (n <= p + 2 || !(omega > 0)) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double[][] m = new double[p][2 * p + 1]; // [X'X | X'y | I], reduced in place
        double[] row = new double[p];
        double mid = (n - 1) / 2.0;
        for (int t = 0; t < n; t++) {
            fill(row, (t - mid) * dt, omega, forcingHz, forced);
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    m[i][j] += row[i] * row[j];
                }
                m[i][p] += row[i] * window[t][channel];
            }
        }
        for (int i = 0; i < p; i++) {
            m[i][p + 1 + i] = 1;
        }
        if (!gaussJordan(m, p)) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double rss = 0;
        for (int t = 0; t < n; t++) {
            fill(row, (t - mid) * dt, omega, forcingHz, forced);
            double fit = 0;
            for (int i = 0; i < p; i++) {
                fit += row[i] * m[i][p];
            }
            double e = window[t][channel] - fit;
            rss += e * e;
        }
        double s2 = rss / (n - p);
        double a = m[2][p];
        double b = m[3][p];
        // the inverse's diagonal for the two free-swing columns, averaged: the amplitude's error in any phase
        double var = s2 * (m[2][p + 1 + 2] + m[3][p + 1 + 3]) / 2;
        return new double[]{Math.hypot(a, b), Math.sqrt(Math.max(0, var))};
    }

    private static void fill(double[] row, double u, double omega, double forcingHz, boolean forced) {
        row[0] = 1;
        row[1] = u;
        row[2] = Math.cos(omega * u);
        row[3] = Math.sin(omega * u);
        if (forced) {
            double w = 2 * Math.PI * forcingHz;
            row[4] = Math.cos(w * u);
            row[5] = Math.sin(w * u);
        }
    }

    /** Reduces [A | b | I] to [I | A⁻¹b | A⁻¹] with partial pivoting; false when A is singular. */
    private static boolean gaussJordan(double[][] m, int p) {
        for (int c = 0; c < p; c++) {
            int pivot = c;
            for (int r = c + 1; r < p; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
                    pivot = r;
                }
            }
            if (!(Math.abs(m[pivot][c]) > 1e-12)) {
                return false;
            }
            double[] tmp = m[c];
            m[c] = m[pivot];
            m[pivot] = tmp;
            double d = m[c][c];
            for (int j = 0; j < m[c].length; j++) {
                m[c][j] /= d;
            }
            for (int r = 0; r < p; r++) {
                if (r != c && m[r][c] != 0) {
                    double f = m[r][c];
                    for (int j = 0; j < m[r].length; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        return true;
    }
}
