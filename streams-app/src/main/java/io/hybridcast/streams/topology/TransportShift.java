package io.hybridcast.streams.topology;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A change of the line's unmodelled advection, read from the signal that carries it: each window's transport velocity
 * beyond diffusion ({@link io.hybridcast.model.line.TransportFit}), while the line's one neural latent never moves
 * and its D does not see c. A two-sample test for a changed mean velocity at an unknown window ({@link ShiftSplit})
 * over the sensor's fused windows since the reference start (the last transport alarm), not under a sensor-fault
 * flag, with a velocity measured (a window with a jump has none), with a reference of at least
 * {@value #MIN_BEFORE} windows and a newest part of at least {@value #MIN_AFTER}. Only a change of at least a
 * fraction of the reference's velocity counts: a step of D moves the velocity read at D 0.1 against D 0.01 by up to
 * 4 % on simulated lines, and that is physics drift's to flag.
 */
final class TransportShift {

    /** Reference windows (1 s each for the line) a split needs before the change. */
    static final int MIN_BEFORE = 6;
    /** Newest windows a split needs after the change: one window alone could be an outlier. */
    static final int MIN_AFTER = 2;

    private TransportShift() {
    }

    /** The statistic {@code z}, the first sequence after the split and the mean velocities before and after it. */
    record Result(double z, long splitSequence, double before, double after) {
    }

    /**
     * The test over the windows after {@code fromSequence} with a transport measured, not under a sensor-fault flag;
     * splits whose velocity moved less than {@code minRelative} of the reference's are not counted. Null with too
     * few windows.
     */
    static Result test(Deque<SensorPhysics.WindowEstimate> windows, long fromSequence, double minRelative) {
        List<SensorPhysics.WindowEstimate> used = new ArrayList<>();
        for (SensorPhysics.WindowEstimate w : windows) {
            if (w.sequence() > fromSequence && !w.faulty() && Double.isFinite(w.transport())
                    && w.transportStd() > 0 && Double.isFinite(w.transportStd())) {
                used.add(w);
            }
        }
        int n = used.size();
        double[] x = new double[n];
        double[] sd = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = used.get(i).transport();
            sd[i] = used.get(i).transportStd();
        }
        ShiftSplit.Result r = ShiftSplit.test(x, sd, MIN_BEFORE, MIN_AFTER,
                (m1, m2) -> Math.abs(m2 - m1) >= minRelative * Math.abs(m1) ? 1 : 0);
        if (r == null) {
            return null;
        }
        return r.split() < 0 ? new Result(0, -1, Double.NaN, Double.NaN)
                : new Result(r.z(), used.get(r.split()).sequence(), r.before(), r.after());
    }
}
