package io.hybridcast.streams.topology;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A driven pendulum's ω drift, read from the signal that moves with it: its forced amplitude X ≈ A ω² / W²
 * ({@link io.hybridcast.model.fusion.ForcedSwing}), while its window z_p reads A ω² as ω and does not follow a slow
 * drift. A two-sample generalised likelihood ratio test for a change of the mean amplitude at an unknown window:
 * over the sensor's fused windows since the reference start (the last drift alarm), for every split into a
 * reference (at least {@value #MIN_BEFORE} windows) and a newest part (at least {@value #MIN_AFTER}), the
 * precision-weighted means of the two parts are compared by z = |m₁ − m₂| / sqrt(φ (1/W₁ + 1/W₂)), W the sums of
 * the windows' weights 1/σ², φ ≥ 1 the windows' scatter about their part's mean in units of their own σ (so a
 * scatter beyond their residual-based errors widens the yardstick, never narrows it). The largest z over the splits
 * is the statistic. Under no change, with windows of independent Gaussian error, its maximum over an hour of
 * windows (1440 looks, a 97-window memory) exceeded 5 in 1 % of 200 simulated hours (4.5: 8 %; 4: 33 %): a
 * threshold of 5 is about 0.01 false alarms per sensor-hour (docs/decisions.md).
 *
 * <p>A change of the drive's amplitude A reads the same (steady state shows the product A ω²): the alarm says so.
 */
final class ForcedDrift {

    /** Reference windows (2.5 s each for the pendulum) a split needs before the change. */
    static final int MIN_BEFORE = 6;
    /** Newest windows a split needs after the change: one window alone could be an outlier. */
    static final int MIN_AFTER = 2;

    private ForcedDrift() {
    }

    /**
     * The test's outcome: its statistic {@code z}, the first sequence after the split, the mean forced amplitudes
     * before and after it, and their ratio's square root, the implied ω ratio.
     */
    record Result(double z, long splitSequence, double before, double after) {
        double omegaRatio() {
            return Math.sqrt(after / before);
        }
    }

    /**
     * The test over the windows after {@code fromSequence} with a measured forced amplitude, not under a
     * sensor-fault flag; splits whose implied ω ratio moved less than {@code minRelative} are not counted. Null
     * with too few windows.
     */
    static Result test(Deque<SensorPhysics.WindowEstimate> windows, long fromSequence, double minRelative) {
        List<SensorPhysics.WindowEstimate> used = new ArrayList<>();
        for (SensorPhysics.WindowEstimate w : windows) {
            if (w.sequence() > fromSequence && !w.faulty() && w.forced() > 0 && w.forcedStd() > 0
                    && Double.isFinite(w.forced()) && Double.isFinite(w.forcedStd())) {
                used.add(w);
            }
        }
        int n = used.size();
        if (n < MIN_BEFORE + MIN_AFTER) {
            return null;
        }
        // prefix sums of weight, weight·x, weight·x²
        double[] sw = new double[n + 1];
        double[] swx = new double[n + 1];
        double[] swx2 = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double x = used.get(i).forced();
            double w = 1 / (used.get(i).forcedStd() * used.get(i).forcedStd());
            sw[i + 1] = sw[i] + w;
            swx[i + 1] = swx[i] + w * x;
            swx2[i + 1] = swx2[i] + w * x * x;
        }
        Result best = null;
        for (int t = MIN_BEFORE; t <= n - MIN_AFTER; t++) {
            double w1 = sw[t];
            double w2 = sw[n] - sw[t];
            double m1 = swx[t] / w1;
            double m2 = (swx[n] - swx[t]) / w2;
            if (!(m1 > 0) || Math.abs(Math.sqrt(m2 / m1) - 1) < minRelative) {
                continue;
            }
            // weighted residual sum of squares about each part's mean: chi-square with n - 2 degrees of freedom
            double chi2 = (swx2[t] - w1 * m1 * m1) + (swx2[n] - swx2[t] - w2 * m2 * m2);
            double phi = Math.max(1, chi2 / (n - 2));
            double z = Math.abs(m1 - m2) / Math.sqrt(phi * (1 / w1 + 1 / w2));
            if (best == null || z > best.z()) {
                best = new Result(z, used.get(t).sequence(), m1, m2);
            }
        }
        return best == null ? new Result(0, -1, Double.NaN, Double.NaN) : best;
    }
}
