package io.hybridcast.streams.topology;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A driven pendulum's ω drift, read from the signal that moves with it: its forced amplitude X ≈ A ω² / W²
 * ({@link io.hybridcast.model.fusion.ForcedSwing}), while its window z_p reads A ω² as ω and does not follow a slow
 * drift. A two-sample generalised likelihood ratio test for a change of the mean amplitude at an unknown window
 * ({@link ShiftSplit}) over the sensor's fused windows since the reference start (the last drift alarm), with a
 * reference of at least {@value #MIN_BEFORE} windows and a newest part of at least {@value #MIN_AFTER}. Under no
 * change, with windows of independent Gaussian error, its maximum over an hour of windows (1440 looks, a
 * 97-window memory) exceeded 5 in 1 % of 200 simulated hours (4.5: 8 %; 4: 33 %): a threshold of 5 is
 * about 0.01 false alarms per sensor-hour (docs/decisions.md).
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
        double[] x = new double[n];
        double[] sd = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = used.get(i).forced();
            sd[i] = used.get(i).forcedStd();
        }
        ShiftSplit.Result r = ShiftSplit.test(x, sd, MIN_BEFORE, MIN_AFTER,
                (m1, m2) -> m1 > 0 && Math.abs(Math.sqrt(m2 / m1) - 1) >= minRelative ? 1 : 0);
        if (r == null) {
            return null;
        }
        return r.split() < 0 ? new Result(0, -1, Double.NaN, Double.NaN)
                : new Result(r.z(), used.get(r.split()).sequence(), r.before(), r.after());
    }
}
