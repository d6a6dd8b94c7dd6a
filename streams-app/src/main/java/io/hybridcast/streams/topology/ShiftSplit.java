package io.hybridcast.streams.topology;

import java.util.function.DoubleBinaryOperator;

/**
 * A two-sample generalised likelihood ratio test for a changed mean at an unknown place in a sequence of window
 * estimates with their own standard errors. For every split into an older part (at least {@code minBefore}) and a
 * newer one (at least {@code minAfter}), the precision-weighted means are compared by
 * z = |m₁ − m₂| / sqrt(φ (1/W₁ + 1/W₂)), W the sums of the weights 1/σ², φ = max(1, χ²/(n − 2)) the scatter about
 * the two means in units of the windows' own σ (a scatter beyond their errors widens the yardstick, never narrows
 * it). The largest z over the splits that {@code counts} accepts is the statistic. Why a split test and not a CUSUM
 * against a fixed reference: the reference is itself estimated from a handful of windows, and its error is a bias
 * every later window shares, which the split test pays for in its yardstick.
 */
final class ShiftSplit {

    /** The statistic, the index of the first window after the split (-1: none counted) and the two means. */
    record Result(double z, int split, double before, double after) {
    }

    private ShiftSplit() {
    }

    /**
     * The test over {@code x} with standard errors {@code sd} (both oldest first, every sd positive); {@code counts}
     * says whether a change from m₁ to m₂ is large enough to count (returns non-zero). Null with fewer than
     * {@code minBefore + minAfter} windows.
     */
    static Result test(double[] x, double[] sd, int minBefore, int minAfter, DoubleBinaryOperator counts) {
        int n = x.length;
        if (n < minBefore + minAfter) {
            return null;
        }
        // prefix sums of weight, weight·x, weight·x²
        double[] sw = new double[n + 1];
        double[] swx = new double[n + 1];
        double[] swx2 = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double w = 1 / (sd[i] * sd[i]);
            sw[i + 1] = sw[i] + w;
            swx[i + 1] = swx[i] + w * x[i];
            swx2[i + 1] = swx2[i] + w * x[i] * x[i];
        }
        Result best = new Result(0, -1, Double.NaN, Double.NaN);
        for (int t = minBefore; t <= n - minAfter; t++) {
            double w1 = sw[t];
            double w2 = sw[n] - sw[t];
            double m1 = swx[t] / w1;
            double m2 = (swx[n] - swx[t]) / w2;
            if (counts.applyAsDouble(m1, m2) == 0) {
                continue;
            }
            // weighted residual sum of squares about each part's mean: chi-square with n - 2 degrees of freedom
            double chi2 = (swx2[t] - w1 * m1 * m1) + (swx2[n] - swx2[t] - w2 * m2 * m2);
            double phi = Math.max(1, chi2 / (n - 2));
            double z = Math.abs(m1 - m2) / Math.sqrt(phi * (1 / w1 + 1 / w2));
            if (z > best.z()) {
                best = new Result(z, t, m1, m2);
            }
        }
        return best;
    }
}
