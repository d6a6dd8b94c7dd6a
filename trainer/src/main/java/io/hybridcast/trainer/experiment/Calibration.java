package io.hybridcast.trainer.experiment;

/**
 * Coverage of the Gaussian posterior intervals of z_p and their post-hoc calibration on a validation split.
 *
 * <p>The calibration is variance scaling (the maximum-likelihood Gaussian scale, as in Levi et al. 2022,
 * "Evaluating and calibrating uncertainty prediction in regression tasks"): on validation windows with known z_p,
 * s² = mean(((ẑ − z)/σ)²), and the calibrated standard deviation is s·σ. A model without a posterior (σ ≡ 0,
 * APHYNITY's point estimate) gets the constant σ = validation RMSE instead, the maximum-likelihood homoscedastic
 * Gaussian. One number per model fitted on data the test set never sees, so it cannot be tuned to the test.
 *
 * @param scale    s, the factor on σ (NaN when the constant is used)
 * @param constant σ of a point-estimate model (NaN when the scale is used)
 */
public record Calibration(double scale, double constant) {

    /** Nominal coverages of the calibration curve. */
    public static final double[] LEVELS = {0.50, 0.80, 0.95};
    /** Two-sided standard normal quantiles of {@link #LEVELS}. */
    static final double[] Z = {0.6744897501960817, 1.2815515655446004, 1.959963984540054};

    /** No calibration: σ as the model gives it. */
    public static final Calibration NONE = new Calibration(1, Double.NaN);

    /** Fits the calibration on validation estimates {@code mean} ± {@code std} of {@code truth}. */
    public static Calibration fit(double[] mean, double[] std, double[] truth) {
        double ratio = 0;
        double squared = 0;
        boolean hasStd = false;
        for (int i = 0; i < mean.length; i++) {
            double r = mean[i] - truth[i];
            squared += r * r;
            if (std[i] > 0) {
                hasStd = true;
                ratio += r * r / (std[i] * std[i]);
            }
        }
        if (!hasStd) {
            return new Calibration(Double.NaN, Math.sqrt(squared / mean.length));
        }
        return new Calibration(Math.sqrt(ratio / mean.length), Double.NaN);
    }

    /** The calibrated standard deviation of an estimate whose model gives {@code std}. */
    public double apply(double std) {
        return Double.isNaN(constant) ? scale * std : constant;
    }

    /**
     * Observed coverage of the central intervals at {@link #LEVELS}: the share of windows whose true z_p lies
     * within z_level · σ_calibrated of the estimate.
     */
    public double[] coverage(double[] mean, double[] std, double[] truth) {
        double[] out = new double[LEVELS.length];
        for (int k = 0; k < LEVELS.length; k++) {
            int inside = 0;
            for (int i = 0; i < mean.length; i++) {
                if (Math.abs(mean[i] - truth[i]) <= Z[k] * apply(std[i])) {
                    inside++;
                }
            }
            out[k] = (double) inside / mean.length;
        }
        return out;
    }
}
