package io.hybridcast.streams.topology;

import java.util.List;

/**
 * The neural latents' recent and long-run posteriors from a sensor's windows of one model version: per latent, the
 * mean of the newest windows and the forgetting-weighted mean, variance and effective count of the windows before
 * them, and the long run's forgetting-weighted straight line carried forward to the newest windows with the
 * variance of that extrapolation. {@link UnmodelledCheck} compares the recent mean with both: a shift is a change
 * only if neither the long run's level nor its trend explains it (the latents of a sensor whose free swing still
 * settles slowly drift for minutes).
 */
final class LatentShift {

    /** Rows of {@link #of}'s result. */
    static final int RECENT = 0;
    static final int LONG_RUN_MEAN = 1;
    static final int LONG_RUN_VARIANCE = 2;
    static final int EFFECTIVE = 3;
    static final int TREND_AT_RECENT = 4;
    static final int TREND_RESIDUAL_VARIANCE = 5;
    /** {variance of the line's value at the recent windows, in units of the residual variance}. */
    static final int TREND_VARIANCE_FACTOR = 6;

    private LatentShift() {
    }

    /**
     * @param same the windows' latents, newest first
     * @return the rows named by this class's constants, one value per latent ({@link #EFFECTIVE} and
     *         {@link #TREND_VARIANCE_FACTOR}: one value); null when there are fewer than {@code recent} plus
     *         {@code minLongRun} (at least 3, for a line) windows or no latents
     */
    static double[][] of(List<double[]> same, int recent, int minLongRun, double forgetting) {
        if (same.size() < recent + Math.max(3, minLongRun) || same.get(0).length == 0) {
            return null;
        }
        int latents = same.get(0).length;
        double[] recentMean = new double[latents];
        for (int i = 0; i < recent; i++) {
            for (int k = 0; k < latents; k++) {
                recentMean[k] += same.get(i)[k] / recent;
            }
        }
        // ages in windows: the recent windows sit at 0 .. recent - 1, the long run from `recent` on
        double recentAge = (recent - 1) / 2.0;
        double weights = 0;
        double weights2 = 0;
        double ageSum = 0;
        double weight = 1;
        for (int i = recent; i < same.size(); i++, weight *= forgetting) {
            weights += weight;
            weights2 += weight * weight;
            ageSum += weight * i;
        }
        double meanAge = ageSum / weights;
        double sxx = 0;
        double w2x = 0;
        double w2xx = 0;
        weight = 1;
        for (int i = recent; i < same.size(); i++, weight *= forgetting) {
            double dx = i - meanAge;
            sxx += weight * dx * dx;
            w2x += weight * weight * dx;
            w2xx += weight * weight * dx * dx;
        }
        double[] mean = new double[latents];
        double[] variance = new double[latents];
        double[] trend = new double[latents];
        double[] residual = new double[latents];
        for (int k = 0; k < latents; k++) {
            double sum = 0;
            double sumSquares = 0;
            double sxy = 0;
            weight = 1;
            for (int i = recent; i < same.size(); i++, weight *= forgetting) {
                double v = same.get(i)[k];
                sum += weight * v;
                sumSquares += weight * v * v;
            }
            mean[k] = sum / weights;
            variance[k] = Math.max(0, sumSquares / weights - mean[k] * mean[k]);
            weight = 1;
            for (int i = recent; i < same.size(); i++, weight *= forgetting) {
                sxy += weight * (i - meanAge) * (same.get(i)[k] - mean[k]);
            }
            double slope = sxy / sxx;
            trend[k] = mean[k] + slope * (recentAge - meanAge);
            double squares = 0;
            weight = 1;
            for (int i = recent; i < same.size(); i++, weight *= forgetting) {
                double r = same.get(i)[k] - mean[k] - slope * (i - meanAge);
                squares += weight * r * r;
            }
            residual[k] = squares / weights;
        }
        // Var(mean + slope (x0 - x̄)) for the weighted fit with residual variance 1: the weights are forgetting, not
        // inverse variances, so the mean and slope are correlated unless the weights are equal
        double dx0 = recentAge - meanAge;
        double factor = weights2 / (weights * weights) + 2 * dx0 * w2x / (weights * sxx) + dx0 * dx0 * w2xx / (sxx * sxx);
        return new double[][]{recentMean, mean, variance, {weights * weights / weights2}, trend, residual, {factor}};
    }
}
