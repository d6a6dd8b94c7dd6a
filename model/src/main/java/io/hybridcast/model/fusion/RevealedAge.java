package io.hybridcast.model.fusion;

import java.util.Deque;
import java.util.Iterator;

/**
 * How far a sensor's revealed parameter may have moved since the windows that revealed it, and how far a driven
 * pendulum's forced amplitude says it did: the update, in log space, of a random walk by one measurement.
 *
 * <p>Between revealing windows the parameter is a random walk: its log moves by δ ~ N(0, V_walk), V_walk growing
 * with the age of the newest revealing window. A forced pendulum's forced amplitude X ≈ A ω² / W² moves with ω²
 * while the forcing stays ({@link ForcedSwing}), so ½ log(X_now / X_ref) measures δ with
 * a variance V_x from the amplitudes' scatter; X_ref is fused over the revealing windows with the same forgetting as
 * their ω, X_now over the newest windows (forgetting {@link #NOW_FORGETTING}). The posterior is δ = k·δ̂, V = k·V_x,
 * k = V_walk / (V_walk + V_x): where the forcing is strong the amplitude follows ω, where it is weak or absent the
 * walk widens the interval, and with no walk (V_walk 0) nothing moves.
 */
public final class RevealedAge {

    /** Forgetting per window of the current forced amplitude: a memory of about 5 windows (12 s at 20 Hz). */
    public static final double NOW_FORGETTING = 0.8;

    private RevealedAge() {
    }

    /**
     * {δ, V}: the log shift of the revealed estimate and its variance, given the random walk's variance
     * {@code walkVariance} since the newest revealing window.
     */
    public static double[] shift(Deque<? extends WindowPosterior> revealing, Deque<? extends WindowPosterior> windows,
                          double forgetting, double walkVariance) {
        double[] ref = forced(revealing, forgetting);
        double[] now = forced(windows, NOW_FORGETTING);
        if (walkVariance <= 0 || ref == null || now == null) {
            return new double[]{0, walkVariance};
        }
        double measured = 0.5 * Math.log(now[0] / ref[0]);
        double variance = 0.25 * (now[1] + ref[1]);
        double gain = walkVariance / (walkVariance + variance);
        return new double[]{gain * measured, gain * variance};
    }

    /**
     * The forgetting-weighted mean forced amplitude of the windows that measured one (newest weighted 1) and the
     * relative variance of that mean: the larger of what the windows' own standard errors and their scatter say.
     * Null with fewer than two such windows or a mean not above zero.
     */
    public static double[] forced(Deque<? extends WindowPosterior> windows, double forgetting) {
        double sw = 0;
        double sw2 = 0;
        double swx = 0;
        double sw2s2 = 0;
        int n = 0;
        double weight = 1;
        Iterator<? extends WindowPosterior> it = windows.descendingIterator();
        while (it.hasNext()) {
            WindowPosterior w = it.next();
            if (!(w.forced() >= 0) || !(w.forcedStd() > 0)) {
                continue;
            }
            sw += weight;
            sw2 += weight * weight;
            swx += weight * w.forced();
            sw2s2 += weight * weight * w.forcedStd() * w.forcedStd();
            n++;
            weight *= forgetting;
            if (weight < 1e-4) {
                break;
            }
        }
        if (n < 2) {
            return null;
        }
        double mean = swx / sw;
        if (!(mean > 0)) {
            return null;
        }
        double scatter = 0;
        weight = 1;
        it = windows.descendingIterator();
        int seen = 0;
        while (it.hasNext() && seen < n) {
            WindowPosterior w = it.next();
            if (!(w.forced() >= 0) || !(w.forcedStd() > 0)) {
                continue;
            }
            double d = w.forced() - mean;
            scatter += weight * weight * d * d;
            weight *= forgetting;
            seen++;
        }
        double fromErrors = sw2s2 / (sw * sw);
        double fromScatter = scatter / (sw * sw) * n / (n - 1.0);
        return new double[]{mean, Math.max(fromErrors, fromScatter) / (mean * mean)};
    }
}
