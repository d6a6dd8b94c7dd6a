package io.hybridcast.streams.topology;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A changed damping of a pendulum, read from how its free swing ({@link io.hybridcast.model.fusion.FreeSwing})
 * decays: after a start-up or re-excitation the free swing dies out as exp(−γ t / 2), a straight line in log swing
 * against time, whatever the drive does (the forcing is orthogonal to the cubic the swing is measured by). The
 * windows since the newest operating event whose swing stands clear of the noise fit that
 * line; the newest {@value #NEWEST} windows are compared with its prediction (their swing floored at the
 * noise floor, so a swing that collapsed into the noise counts as the drop it is), in units of the fit's own
 * residual scatter and its prediction error (Student t with the fit's degrees of freedom). Only while a free swing
 * is there to watch: in forced steady state a damping change shows in nothing the sensor measures.
 *
 * <p>Why not the latents alone: the example's damping change came 45 s after its start-up, while the latents were
 * still settling with the decaying swing (score 2.8 against 4), and the settling itself raised two false latent
 * alarms on the random run; the decay is the physics of that settling, so its change is judged directly.
 */
final class FreeDecay {

    /**
     * A window's noise floor of the swing is about 0.245 of its noise std (a cubic fitted to n = 50 samples of noise
     * keeps sqrt(3 / n) of it); a swing 4 floors up is clearly a free swing. The noise std is the forced amplitude's
     * residual one (its standard error is s sqrt(2 / n)); without a forcing, the floor is {@value #FLOOR} rad.
     */
    static final double FLOOR_PER_NOISE = 0.245;
    static final double CLEAR_FLOORS = 4;
    static final double FLOOR = 0.005;
    /** Windows of the line's fit. */
    static final int MIN_FIT = 5;
    /** Newest windows compared with the line's prediction. */
    static final int NEWEST = 2;

    private FreeDecay() {
    }

    /**
     * The test's outcome: {@code z} the newest windows' mean log deviation from the line as a normal deviate (negative:
     * the swing died faster, more damping), that deviation, the line's log slope per window, the windows fitted.
     */
    record Result(double z, double deviation, double slopePerWindow, int fitted) {
    }

    /**
     * The test on the windows after {@code eventSequence} (a window must start after it), null when the windows
     * after the event do not give a line of {@value #MIN_FIT} clear swings before the newest, or the line predicts
     * the newest in the noise.
     */
    static Result test(Deque<SensorPhysics.WindowEstimate> windows, long eventSequence, int windowLength) {
        List<SensorPhysics.WindowEstimate> used = new ArrayList<>();
        for (SensorPhysics.WindowEstimate w : windows) {
            if (w.sequence() - windowLength + 1 > eventSequence && !w.faulty() && Double.isFinite(w.swing())) {
                used.add(w);
            }
        }
        int n = used.size();
        if (n < MIN_FIT + NEWEST) {
            return null;
        }
        // the line through the clear swings before the newest
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int m = 0;
        for (int i = 0; i < n - NEWEST; i++) {
            SensorPhysics.WindowEstimate w = used.get(i);
            if (w.swing() < CLEAR_FLOORS * floor(w, windowLength)) {
                continue;
            }
            double x = (double) (w.sequence() - used.get(0).sequence()) / windowLength;
            double y = Math.log(w.swing());
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            m++;
        }
        if (m < MIN_FIT) {
            return null;
        }
        double meanX = sx / m;
        double varX = sxx - m * meanX * meanX;
        if (!(varX > 0)) {
            return null;
        }
        double slope = (sxy - m * meanX * (sy / m)) / varX;
        double intercept = sy / m - slope * meanX;
        double rss = 0;
        for (int i = 0; i < n - NEWEST; i++) {
            SensorPhysics.WindowEstimate w = used.get(i);
            if (w.swing() < CLEAR_FLOORS * floor(w, windowLength)) {
                continue;
            }
            double x = (double) (w.sequence() - used.get(0).sequence()) / windowLength;
            double e = Math.log(w.swing()) - intercept - slope * x;
            rss += e * e;
        }
        // a residual scatter of at least 0.05 in log (5 %): a nearly perfect line must not make a tiny yardstick
        double s2 = Math.max(0.05 * 0.05, rss / (m - 2));
        double deviation = 0;
        double predictionVariance = 0;
        for (int i = n - NEWEST; i < n; i++) {
            SensorPhysics.WindowEstimate w = used.get(i);
            double x = (double) (w.sequence() - used.get(0).sequence()) / windowLength;
            double predicted = intercept + slope * x;
            double floor = floor(w, windowLength);
            if (predicted < Math.log(CLEAR_FLOORS * floor)) {
                return null; // the line says the swing is gone: nothing left to watch
            }
            deviation += (Math.log(Math.max(floor, w.swing())) - predicted) / NEWEST;
            predictionVariance += (1.0 / m + (x - meanX) * (x - meanX) / varX) / NEWEST;
        }
        // the mean of NEWEST residuals: each window's own scatter averaged, the line's error shared by them
        double t = deviation / Math.sqrt(s2 * (1.0 / NEWEST + predictionVariance));
        return new Result(normal(t, m - 2), deviation, slope, m);
    }

    /** The swing's noise floor in window {@code w} (rad). */
    static double floor(SensorPhysics.WindowEstimate w, int windowLength) {
        double noise = w.forcedStd() * Math.sqrt(windowLength / 2.0);
        return noise > 0 && Double.isFinite(noise) ? Math.max(0.001, FLOOR_PER_NOISE * noise) : FLOOR;
    }

    /**
     * A Student t with {@code dof} degrees of freedom as the standard normal deviate of the same tail (Wallace's
     * approximation), so a fit of few windows needs a larger t: with 3 degrees of freedom t 22 is z 3.6.
     */
    static double normal(double t, int dof) {
        double z = Math.sqrt(dof * Math.log1p(t * t / dof)) * (8.0 * dof + 1) / (8.0 * dof + 3);
        return Math.copySign(z, t);
    }
}
