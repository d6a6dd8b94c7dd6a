package io.hybridcast.trainer.experiment;

import java.util.Arrays;

/**
 * Split-conformal intervals of z_p, fitted on the validation split: for each nominal level, the interval is the
 * estimate ± q·σ, with q the ⌈(n+1)·level⌉-th smallest standardised error |ẑ − z|/σ of the n validation windows
 * (|ẑ − z| itself for a point estimate, σ ≡ 0). One scale per level, so heavy-tailed errors cannot make the 50 %
 * interval as wide as the 95 % one, as one variance scale ({@link Calibration}) does; and with exchangeable windows
 * the coverage is at least the level on any held-out set (Vovk et al.; Angelopoulos and Bates 2021).
 *
 * @param quantiles q at each of {@link Calibration#LEVELS}
 * @param standardised whether q multiplies σ (false for a point estimate: q is a half-width)
 */
public record ConformalCalibration(double[] quantiles, boolean standardised) {

    /** Fits the quantiles on validation estimates {@code mean} ± {@code std} of {@code truth}. */
    public static ConformalCalibration fit(double[] mean, double[] std, double[] truth) {
        boolean standardised = Arrays.stream(std).allMatch(s -> s > 0);
        int n = mean.length;
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            double error = Math.abs(mean[i] - truth[i]);
            scores[i] = standardised ? error / std[i] : error;
        }
        Arrays.sort(scores);
        double[] quantiles = new double[Calibration.LEVELS.length];
        for (int k = 0; k < quantiles.length; k++) {
            int rank = (int) Math.ceil((n + 1) * Calibration.LEVELS[k]);
            quantiles[k] = scores[Math.min(n, rank) - 1];
        }
        return new ConformalCalibration(quantiles, standardised);
    }

    /** Observed coverage at each of {@link Calibration#LEVELS} on held-out estimates. */
    public double[] coverage(double[] mean, double[] std, double[] truth) {
        double[] out = new double[quantiles.length];
        for (int k = 0; k < quantiles.length; k++) {
            int inside = 0;
            for (int i = 0; i < mean.length; i++) {
                double halfWidth = standardised ? quantiles[k] * std[i] : quantiles[k];
                if (Math.abs(mean[i] - truth[i]) <= halfWidth) {
                    inside++;
                }
            }
            out[k] = (double) inside / mean.length;
        }
        return out;
    }
}
