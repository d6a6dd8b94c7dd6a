package io.hybridcast.model.fusion;

/**
 * The forced swing of a driven pendulum: the frequency and amplitude of the sinusoid its readings carry on top of
 * the slow free motion (a cubic in time per window). Why: in forced steady state a window's z_p reads ω through
 * the forcing's A ω² and is confounded with the unknown A, but the forced amplitude X = A ω² / sqrt((W² − ω²)² +
 * γ² W²) ≈ A ω² / W² (W = 2π f ≫ ω) moves with ω² while A and f stay: sqrt(X / X_ref) is ω / ω_ref. On the example
 * scenario's readings it read pendulum-0's step (ω × 0.539) as 0.531-0.539 and pendulum-2's damping change as no
 * change (within 0.3 %) (docs/experiments/pendulum-drift).
 */
public final class ForcedSwing {

    /**
     * Lowest forcing frequency searched, Hz: above a free swing (ω ≤ 3.53 rad/s is ≤ 0.56 Hz) and its third
     * harmonic (a large swing's sin θ makes one; at 1.0 Hz the example's pendulum-3 with its drive off showed a
     * "forcing" at 0.98 Hz, 5.9 standard errors).
     */
    static final double MIN_HZ = 2.0;
    /** Coarse and fine grid steps of the frequency search, Hz. */
    static final double COARSE_HZ = 0.02;
    static final double FINE_HZ = 0.001;

    private ForcedSwing() {
    }

    /**
     * A forcing found over pooled windows: its frequency (Hz), amplitude and the amplitude's standard error.
     * {@link #clear()} when it stands out of the noise by {@value #CLEAR_SIGMAS} standard errors: the search looks at
     * a few hundred frequencies, and the largest of that many noise amplitudes is about 3.5 of them.
     */
    public record Forcing(double hz, double amplitude, double std) {
        /** Standard errors a forcing's amplitude must reach to be taken for one. */
        public static final double CLEAR_SIGMAS = 5;

        public boolean clear() {
            return Double.isFinite(hz) && amplitude >= CLEAR_SIGMAS * std;
        }
    }

    /**
     * The forcing frequency (Hz) of {@code windows} (each [time][channel], samples {@code dt} s apart, window k
     * starting {@code starts[k]} samples after some origin): the frequency whose sinusoid, fitted jointly over all
     * windows beside a cubic per window, has the largest amplitude, searched from {@value #MIN_HZ} Hz to 90 % of
     * Nyquist. Pooling windows matters: a weakly forced sensor's forcing is about half its noise per sample, and one
     * window's noise peaks are as high. NaN without windows.
     */
    public static double frequency(double[][][] windows, long[] starts, int channel, double dt) {
        return forcing(windows, starts, channel, dt).hz();
    }

    /** The forcing of {@code windows} as {@link #frequency(double[][][], long[], int, double)} finds it. */
    public static Forcing forcing(double[][][] windows, long[] starts, int channel, double dt) {
        if (windows.length == 0) {
            return new Forcing(Double.NaN, 0, Double.POSITIVE_INFINITY);
        }
        double max = 0.45 / dt;
        double best = Double.NaN;
        double bestPower = -1;
        for (double f = MIN_HZ; f <= max; f += COARSE_HZ) {
            double p = pooledPower(windows, starts, channel, dt, f);
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        double centre = best;
        for (double f = centre - COARSE_HZ; f <= centre + COARSE_HZ; f += FINE_HZ) {
            double p = pooledPower(windows, starts, channel, dt, f);
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        // the amplitude's standard error from the pooled residuals: s · sqrt(2 / samples)
        double rss = 0;
        int samples = 0;
        for (double[][] w : windows) {
            double[] a = amplitude(w, channel, dt, best);
            double s = a[1] / Math.sqrt(2.0 / w.length);
            rss += s * s * Math.max(1, w.length - 6);
            samples += w.length;
        }
        double s = Math.sqrt(rss / Math.max(1, samples - 6 * windows.length));
        return new Forcing(best, Math.sqrt(bestPower), s * Math.sqrt(2.0 / samples));
    }

    /** Contiguous windows: window k starts k·length samples after the first. */
    public static double frequency(double[][][] windows, int channel, double dt) {
        long[] starts = new long[windows.length];
        for (int k = 1; k < starts.length; k++) {
            starts[k] = starts[k - 1] + windows[k - 1].length;
        }
        return frequency(windows, starts, channel, dt);
    }

    private static double pooledPower(double[][][] windows, long[] starts, int channel, double dt, double f) {
        // the sinusoid's phase runs on across the windows
        double[] sums = new double[5]; // cc, cs, ss, cy, sy of the cubic's residuals
        for (int k = 0; k < windows.length; k++) {
            double[][] w = windows[k];
            double[][] r = residuals(w, channel, dt, f, starts[k] - starts[0]);
            for (int t = 0; t < w.length; t++) {
                sums[0] += r[0][t] * r[0][t];
                sums[1] += r[0][t] * r[1][t];
                sums[2] += r[1][t] * r[1][t];
                sums[3] += r[0][t] * r[2][t];
                sums[4] += r[1][t] * r[2][t];
            }
        }
        double[] ab = solve2(sums);
        return ab[0] * ab[0] + ab[1] * ab[1];
    }

    /**
     * The forced amplitude of one window at {@code f} Hz and its standard error: {amplitude, std}. The std comes
     * from the residual variance, s·sqrt(2 / n) for a sinusoid spanning several periods.
     */
    public static double[] amplitude(double[][] window, int channel, double dt, double f) {
        double[][] r = residuals(window, channel, dt, f, 0);
        double[] ab = coefficients(r);
        double rss = 0;
        for (int t = 0; t < window.length; t++) {
            double e = r[2][t] - ab[0] * r[0][t] - ab[1] * r[1][t];
            rss += e * e;
        }
        int dof = Math.max(1, window.length - 6);
        double s = Math.sqrt(rss / dof);
        return new double[]{Math.hypot(ab[0], ab[1]), s * Math.sqrt(2.0 / window.length)};
    }

    /**
     * The sinusoid at {@code f} Hz in one window beside a cubic: {a, b} with the readings ≈ cubic + a·cos(2πf·t) +
     * b·sin(2πf·t), t in seconds from the window's first sample. Its phase is what a decoder that starts at the
     * window's first sample needs (the hybrid VAE's rotating drive states).
     */
    public static double[] coefficients(double[][] window, int channel, double dt, double f) {
        return coefficients(residuals(window, channel, dt, f, 0));
    }

    private static double[] coefficients(double[][] r) {
        double[] sums = new double[5];
        for (int t = 0; t < r[0].length; t++) {
            sums[0] += r[0][t] * r[0][t];
            sums[1] += r[0][t] * r[1][t];
            sums[2] += r[1][t] * r[1][t];
            sums[3] += r[0][t] * r[2][t];
            sums[4] += r[1][t] * r[2][t];
        }
        return solve2(sums);
    }

    /** cos, sin and the readings, each with its least-squares cubic in time removed: [3][n]. */
    private static double[][] residuals(double[][] w, int channel, double dt, double f, long offset) {
        int n = w.length;
        double[][] out = new double[3][n];
        double omega = 2 * Math.PI * f;
        for (int t = 0; t < n; t++) {
            double time = (offset + t) * dt;
            out[0][t] = Math.cos(omega * time);
            out[1][t] = Math.sin(omega * time);
            out[2][t] = w[t][channel];
        }
        double[][] basis = cubicBasis(n);

        for (double[] v : out) {
            for (double[] b : basis) {
                double dot = 0;
                for (int t = 0; t < n; t++) {
                    dot += b[t] * v[t];
                }
                for (int t = 0; t < n; t++) {
                    v[t] -= dot * b[t];
                }
            }
        }
        return out;
    }

    /** The basis of the last window length asked for (one window length per system): computed once. */
    private static volatile double[][] lastBasis = new double[4][0];

    /** An orthonormal basis of the cubics in time over {@code n} samples (Gram-Schmidt of 1, u, u², u³). */
    static double[][] cubicBasis(int n) {
        double[][] cached = lastBasis;
        if (cached[0].length == n) {
            return cached;
        }
        double[][] basis = computeBasis(n);
        lastBasis = basis;
        return basis;
    }

    private static double[][] computeBasis(int n) {
        double[][] basis = new double[4][n];
        for (int k = 0; k < 4; k++) {
            for (int t = 0; t < n; t++) {
                basis[k][t] = Math.pow(2.0 * t / Math.max(1, n - 1) - 1, k);
            }
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int t = 0; t < n; t++) {
                    dot += basis[j][t] * basis[k][t];
                }
                for (int t = 0; t < n; t++) {
                    basis[k][t] -= dot * basis[j][t];
                }
            }
            double norm = 0;
            for (int t = 0; t < n; t++) {
                norm += basis[k][t] * basis[k][t];
            }
            norm = Math.sqrt(norm);
            for (int t = 0; t < n; t++) {
                basis[k][t] = norm > 0 ? basis[k][t] / norm : 0;
            }
        }
        return basis;
    }

    /** Least squares of y on the two columns from their sums {cc, cs, ss, cy, sy}: {a, b}. */
    private static double[] solve2(double[] m) {
        double det = m[0] * m[2] - m[1] * m[1];
        if (!(Math.abs(det) > 1e-300)) {
            return new double[]{0, 0};
        }
        return new double[]{(m[2] * m[3] - m[1] * m[4]) / det, (m[0] * m[4] - m[1] * m[3]) / det};
    }
}
