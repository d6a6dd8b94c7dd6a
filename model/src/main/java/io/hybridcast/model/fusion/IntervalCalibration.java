package io.hybridcast.model.fusion;

import io.hybridcast.model.physics.PriorRange;

import java.util.LinkedHashMap;
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
 * <p>Two tiers, with a reveal gate g ({@value #METRIC_GATE}, 0 = one tier): a sensor whose fused windows include
 * some with a {@link FreeSwing} of at least g (and a posterior std within {@value #REVEAL_MAX_REL_STD} of its
 * mean) is fused from those windows only and gets b; a sensor none of whose
 * windows revealed the parameter (a forced pendulum that settled before its first forecast) is fused from all
 * its windows and gets b_unrevealed ({@value #METRIC_UNREVEALED}), fitted on such sensors alone, so its interval
 * says how little steady state tells instead of borrowing the revealed sensors' width.
 *
 * @param systematic           b, relative std of a sensor's systematic error (>= 0)
 * @param range                prior range of z_p the interval is clipped to; null: not clipped
 * @param systematicUnrevealed b of sensors without revealing windows (>= 0; equal to b with one tier)
 * @param revealGate           free swing a window needs to count as revealing; 0: every window does
 */
public record IntervalCalibration(double systematic, PriorRange range, double systematicUnrevealed,
                                  double revealGate) {

    /** No calibration and no clipping: the random-effects interval as it is. */
    public static final IntervalCalibration NONE = new IntervalCalibration(0, null);

    /** Bundle metric holding b. */
    public static final String METRIC = "zp_interval_systematic_rel";
    /** Bundle metric holding b of sensors without revealing windows. */
    public static final String METRIC_UNREVEALED = "zp_interval_systematic_rel_unrevealed";
    /** Bundle metric holding the reveal gate (free swing, in the first channel's unit). */
    public static final String METRIC_GATE = "zp_fusion_reveal_gate";

    public IntervalCalibration {
        if (!(systematic >= 0) || Double.isInfinite(systematic)) {
            throw new IllegalArgumentException(METRIC + " must be finite and >= 0, got " + systematic);
        }
        if (!(systematicUnrevealed >= 0) || Double.isInfinite(systematicUnrevealed)) {
            throw new IllegalArgumentException(METRIC_UNREVEALED + " must be finite and >= 0, got "
                    + systematicUnrevealed);
        }
        if (!(revealGate >= 0) || Double.isInfinite(revealGate)) {
            throw new IllegalArgumentException(METRIC_GATE + " must be finite and >= 0, got " + revealGate);
        }
    }

    /** One tier: every window counts, one b. */
    public IntervalCalibration(double systematic, PriorRange range) {
        this(systematic, range, systematic, 0);
    }

    /**
     * The calibration a bundle's metrics carry, in {@code range}; b = 0 (the random-effects interval as it is,
     * clipped) for a bundle without one, e.g. one published before calibrations existed; one tier for a bundle
     * without a reveal gate.
     */
    public static IntervalCalibration fromMetrics(Map<String, Double> metrics, PriorRange range) {
        double b = valid(metrics, METRIC, 0);
        double gate = valid(metrics, METRIC_GATE, 0);
        return new IntervalCalibration(b, range, gate > 0 ? valid(metrics, METRIC_UNREVEALED, b) : b, gate);
    }

    private static double valid(Map<String, Double> metrics, String name, double otherwise) {
        Double v = metrics == null ? null : metrics.get(name);
        return v == null || !Double.isFinite(v) || v < 0 ? otherwise : v;
    }

    /** As bundle metrics (one tier: b alone, as before). */
    public Map<String, Double> asMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(METRIC, systematic);
        if (revealGate > 0) {
            m.put(METRIC_UNREVEALED, systematicUnrevealed);
            m.put(METRIC_GATE, revealGate);
        }
        return m;
    }

    /**
     * Largest posterior std, relative to its mean, of a window that counts as revealing. A free swing is necessary
     * but a sensor fault also swings: in a live run a 20-fold noise burst passed the gate with windows the model
     * read at 2.4 ± 0.58 and 2.7 ± 0.78 (ω 1.4). Offline the bound costs nothing: on 100 live-started pendulums
     * the revealed share (0.66) and error (9.0 %) are those of the swing alone (docs/decisions.md).
     */
    public static final double REVEAL_MAX_REL_STD = 0.2;

    /** Whether a window of this free swing counts as revealing (every window with no gate). */
    public boolean reveals(double swing) {
        return revealGate <= 0 || swing >= revealGate;
    }

    /** Whether a window of this free swing and posterior {@code mean} ± {@code std} counts as revealing. */
    public boolean reveals(double swing, double mean, double std) {
        return reveals(revealGate, swing, mean, std);
    }

    /** The reveal rule under {@code gate}: every window when it is 0. */
    public static boolean reveals(double gate, double swing, double mean, double std) {
        return gate <= 0 || swing >= gate && std <= REVEAL_MAX_REL_STD * Math.abs(mean);
    }

    /** The fused estimate of a sensor with revealing windows, widened by b and clipped to the range. */
    public RandomEffects.Estimate apply(RandomEffects.Estimate e) {
        return apply(e, true);
    }

    /**
     * The fused estimate with its std widened by the systematic term of its tier ({@code revealed}: fused from
     * revealing windows) and its interval clipped to the range.
     */
    public RandomEffects.Estimate apply(RandomEffects.Estimate e, boolean revealed) {
        return apply(e, revealed, 0);
    }

    /**
     * As {@link #apply(RandomEffects.Estimate, boolean)}, with a further relative variance {@code agedRelVariance}
     * (the parameter's random walk since the newest window behind the estimate) added to the systematic one.
     */
    public RandomEffects.Estimate apply(RandomEffects.Estimate e, boolean revealed, double agedRelVariance) {
        if (!(agedRelVariance >= 0) || Double.isInfinite(agedRelVariance)) {
            throw new IllegalArgumentException("aged relative variance must be finite and >= 0, got " + agedRelVariance);
        }
        double quantile = RandomEffects.quantile975(e.effectiveWindows() - 1);
        double mean = clip(e.mean());
        double b = revealed ? systematic : systematicUnrevealed;
        double relVariance = b * b + agedRelVariance;
        double std = Math.sqrt(e.std() * e.std() + relVariance * mean * mean);
        return new RandomEffects.Estimate(mean, std, clip(mean - quantile * std), clip(mean + quantile * std),
                e.effectiveWindows(), e.tau());
    }

    private double clip(double v) {
        return range == null ? v : Math.max(range.min(), Math.min(range.max(), v));
    }
}
