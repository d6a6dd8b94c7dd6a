package io.hybridcast.streams.topology;

/**
 * Whether a pendulum's free swing still decays as it did: after an event the swing at ω decays as exp(−γ t / 2), a
 * straight line in log amplitude. The line is fitted (weighted by each window's amplitude over its standard error)
 * to the oldest {@value #REFERENCE} of {@value #WINDOWS} consecutive windows and the newest {@value #NEWEST} are
 * compared with its extrapolation: z per window = (observed − predicted) / sqrt(its error² + the prediction's
 * error²), the prediction's widened by the reference's scatter beyond the windows' own errors (φ ≥ 1). The statistic
 * is the larger of |z| of the newest window and |Σ z| / √2 of both. Windows are only judged where the swing is
 * measurable: every amplitude under {@value #MAX_AMPLITUDE} rad (a larger swing's sin θ slows it), the reference's
 * at least {@value #REFERENCE_SIGMAS} standard errors, the predicted ones at least {@value #NEWEST_SIGMAS} (a
 * swing decayed into the noise would read as a slower decay). A damping change shows as a kink: the example's
 * pendulum-2 (γ 0.13 → 0.7) read z −3.0 and −5.6, statistic 6.0, the second window after the change.
 */
final class FreeDecay {

    static final int WINDOWS = 6;
    static final int REFERENCE = 4;
    static final int NEWEST = WINDOWS - REFERENCE;
    static final double MAX_AMPLITUDE = 0.25;
    static final double REFERENCE_SIGMAS = 5;
    static final double NEWEST_SIGMAS = 3;

    private FreeDecay() {
    }

    /**
     * The test's outcome: the statistic, the newest window's z, and the damping rates γ (1/s) the reference's decay
     * and the newest two windows' ratio imply (NaN when the newest amplitude is 0).
     */
    record Result(double statistic, double zNewest, double gammaBefore, double gammaAfter) {
    }

    /**
     * The test on {@value #WINDOWS} windows at positions {@code x} (in windows, increasing), free-swing amplitudes
     * {@code amplitude} with standard errors {@code std}, each window {@code windowSeconds} long; null where the
     * swing is not measurable (above).
     */
    static Result test(double[] x, double[] amplitude, double[] std, double windowSeconds) {
        if (x.length != WINDOWS || amplitude.length != WINDOWS || std.length != WINDOWS) {
            throw new IllegalArgumentException("the decay test needs " + WINDOWS + " windows, got " + x.length);
        }
        for (int i = 0; i < WINDOWS; i++) {
            if (!(amplitude[i] <= MAX_AMPLITUDE) || !(std[i] > 0)
                    || (i < REFERENCE && amplitude[i] < REFERENCE_SIGMAS * std[i])) {
                return null;
            }
        }
        // weighted least squares of log amplitude on position over the reference (x centred on its first window)
        double sw = 0;
        double swx = 0;
        double swxx = 0;
        double swy = 0;
        double swxy = 0;
        for (int i = 0; i < REFERENCE; i++) {
            double w = Math.pow(amplitude[i] / std[i], 2);
            double xi = x[i] - x[0];
            double y = Math.log(amplitude[i]);
            sw += w;
            swx += w * xi;
            swxx += w * xi * xi;
            swy += w * y;
            swxy += w * xi * y;
        }
        double det = sw * swxx - swx * swx;
        if (!(det > 0)) {
            return null;
        }
        double slope = (sw * swxy - swx * swy) / det;
        double intercept = (swy - slope * swx) / sw;
        double chi2 = 0;
        for (int i = 0; i < REFERENCE; i++) {
            double r = Math.log(amplitude[i]) - intercept - slope * (x[i] - x[0]);
            chi2 += Math.pow(amplitude[i] / std[i], 2) * r * r;
        }
        double phi = Math.max(1, chi2 / (REFERENCE - 2));
        // covariance of (intercept, slope): phi · inverse of [[sw, swx], [swx, swxx]]
        double vi = phi * swxx / det;
        double vs = phi * sw / det;
        double cis = -phi * swx / det;
        double sum = 0;
        double zNewest = 0;
        for (int i = REFERENCE; i < WINDOWS; i++) {
            double xi = x[i] - x[0];
            double predicted = Math.exp(intercept + slope * xi);
            if (predicted < NEWEST_SIGMAS * std[i]) {
                return null;
            }
            double sePredicted = predicted * Math.sqrt(Math.max(0, vi + 2 * xi * cis + xi * xi * vs));
            zNewest = (amplitude[i] - predicted) / Math.sqrt(std[i] * std[i] + sePredicted * sePredicted);
            sum += zNewest;
        }
        double statistic = Math.max(Math.abs(zNewest), Math.abs(sum) / Math.sqrt(NEWEST));
        double gammaBefore = -2 * slope / windowSeconds;
        double last = amplitude[WINDOWS - 1];
        double gammaAfter = last > 0 ? -2 * Math.log(last / amplitude[WINDOWS - 2])
                / ((x[WINDOWS - 1] - x[WINDOWS - 2]) * windowSeconds) : Double.NaN;
        return new Result(statistic, zNewest, gammaBefore, gammaAfter);
    }
}
