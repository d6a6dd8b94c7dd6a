package io.hybridcast.streams.topology;

import java.util.List;

/**
 * The neural latents' recent and long-run posteriors from a sensor's windows of one model version: per latent, the
 * mean of the newest windows and the forgetting-weighted mean, variance and effective count of the windows before
 * them. {@link UnmodelledCheck} compares the two.
 */
final class LatentShift {

    private LatentShift() {
    }

    /**
     * @param same the windows' latents, newest first
     * @return {recentMean[], longRunMean[], longRunVariance[], {effectiveLongRunWindows}}; null when there are fewer
     *         than {@code recent + minLongRun} windows or no latents
     */
    static double[][] of(List<double[]> same, int recent, int minLongRun, double forgetting) {
        if (same.size() < recent + minLongRun || same.get(0).length == 0) {
            return null;
        }
        int latents = same.get(0).length;
        double[] recentMean = new double[latents];
        for (int i = 0; i < recent; i++) {
            for (int k = 0; k < latents; k++) {
                recentMean[k] += same.get(i)[k] / recent;
            }
        }
        double[] sum = new double[latents];
        double[] sumSquares = new double[latents];
        double weights = 0;
        double weights2 = 0;
        double weight = 1;
        for (int i = recent; i < same.size(); i++, weight *= forgetting) {
            for (int k = 0; k < latents; k++) {
                double v = same.get(i)[k];
                sum[k] += weight * v;
                sumSquares[k] += weight * v * v;
            }
            weights += weight;
            weights2 += weight * weight;
        }
        double[] mean = new double[latents];
        double[] variance = new double[latents];
        for (int k = 0; k < latents; k++) {
            mean[k] = sum[k] / weights;
            variance[k] = Math.max(0, sumSquares[k] / weights - mean[k] * mean[k]);
        }
        return new double[][]{recentMean, mean, variance, {weights * weights / weights2}};
    }
}
