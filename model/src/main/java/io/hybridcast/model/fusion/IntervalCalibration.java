package io.hybridcast.model.fusion;

import io.hybridcast.model.physics.PriorRange;

import java.util.Map;

/**
 * The calibration of a model version's sensor-level z_p intervals: a systematic relative error per sensor that no
 * number of windows averages away, fitted on the digital twin's simulated sensors (trainer base-models) and
 * stored in the version's bundle metrics ({@value #METRIC}), and the prior range the interval is clipped to.
 *
 * <p>Why a systematic term: {@link RandomEffects} treats a sensor's window posteriors as scattered around its
 * true value, so its interval shrinks as the windows agree. But successive windows of one sensor share its
 * regime, its unmodelled factors and their context windows: the model reads a given sensor, say, 8 % high in
 * every window, and no amount of agreement reveals it. Live at 0915af0 that gave a 95 % interval coverage of the
 * truth of 0.14 (docs/trainer.md). The interval here is {@code mean ± t·sqrt(std² + (b·mean)²)}, with b the
 * smallest relative std for which 95 % of the twin's held-back sensor-level intervals (cut and fused as live,
 * after each sensor's first minute) hold the truth, then clipped to the prior range (the parameter cannot lie
 * outside it, and the physics head never reads outside it).
 *
 * @param systematic b, relative std of a sensor's systematic error (>= 0)
 * @param range      prior range of z_p the interval is clipped to; null: not clipped (a model without one)
 */
public record IntervalCalibration(double systematic, PriorRange range) {

    /** No calibration and no clipping: the random-effects interval as it is. */
    public static final IntervalCalibration NONE = new IntervalCalibration(0, null);

    /** Bundle metric holding b. */
    public static final String METRIC = "zp_interval_systematic_rel";

    public IntervalCalibration {
        if (!(systematic >= 0) || Double.isInfinite(systematic)) {
            throw new IllegalArgumentException(METRIC + " must be finite and >= 0, got " + systematic);
        }
    }

    /**
     * The calibration a bundle's metrics carry, in {@code range}; b = 0 (the random-effects interval as it is,
     * clipped) for a bundle without one, e.g. one published before calibrations existed.
     */
    public static IntervalCalibration fromMetrics(Map<String, Double> metrics, PriorRange range) {
        Double b = metrics == null ? null : metrics.get(METRIC);
        return new IntervalCalibration(b == null || !Double.isFinite(b) || b < 0 ? 0 : b, range);
    }

    /** The fused estimate with its std widened by the systematic term and its interval clipped to the range. */
    public RandomEffects.Estimate apply(RandomEffects.Estimate e) {
        double quantile = RandomEffects.quantile975(e.effectiveWindows() - 1);
        double mean = clip(e.mean());
        double systematicStd = systematic * Math.abs(mean);
        double std = Math.sqrt(e.std() * e.std() + systematicStd * systematicStd);
        return new RandomEffects.Estimate(mean, std, clip(mean - quantile * std), clip(mean + quantile * std),
                e.effectiveWindows(), e.tau());
    }

    private double clip(double v) {
        return range == null ? v : Math.max(range.min(), Math.min(range.max(), v));
    }
}
