package io.hybridcast.model.fusion;

import io.hybridcast.model.physics.PriorRange;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The sensor-level posterior a sensor publishes from its fused windows: which windows count, their fusion
 * ({@link RandomEffects}, forgetting per window), the two tiers of a reveal gate, the revealed estimate's ageing
 * ({@link RevealedAge}) and the calibration's widening ({@link IntervalCalibration}). One estimator with two users:
 * the streams app publishes it for every live sensor, and the trainer fits the calibration's b on it over simulated
 * sensors, so the b a bundle carries is the one for the interval the streams app publishes (a calibration fitted
 * on a simpler fusion, without the ageing, over-covered live: docs/decisions.md).
 *
 * <p>Two steps, because b is fitted on the result: {@link #of} does all that does not depend on b,
 * {@link Parts#publish} applies a calibration.
 */
public final class SensorLevelPosterior {

    private SensorLevelPosterior() {
    }

    /**
     * What a sensor's windows say before a calibration widens it, per parameter.
     *
     * @param all           every clean window fused (or, when none is clean, every window)
     * @param revealing     the revealing windows fused (unshifted), null when there are none or no gate
     * @param shift         {δ, V}: the revealed parameter's log shift since its newest revealing window, and the
     *                      shift's relative variance ({@link RevealedAge})
     * @param walkVariance  the random walk's relative variance since the newest revealing window (for the
     *                      parameters the forced amplitude does not measure)
     * @param gated         whether the calibration has a reveal gate (two tiers)
     */
    public record Parts(RandomEffects.Estimate[] all, RandomEffects.Estimate[] revealing, double[] shift,
                        double walkVariance, boolean gated) {

        /**
         * The published posterior under {@code calibration}: the aged revealed estimate where there is one and it
         * is still narrower than the unrevealed tier (the old evidence still says more than steady state does),
         * else every clean window in the unrevealed tier (one tier without a gate).
         */
        public Published publish(IntervalCalibration calibration) {
            RandomEffects.Estimate[] out = new RandomEffects.Estimate[all.length];
            boolean revealed = revealing != null;
            for (int j = 0; j < out.length; j++) {
                RandomEffects.Estimate wide = calibration.apply(all[j], !gated);
                RandomEffects.Estimate aged = null;
                if (revealing != null) {
                    RandomEffects.Estimate e = revealing[j];
                    double factor = j == 0 ? Math.exp(shift[0]) : 1;
                    aged = calibration.apply(new RandomEffects.Estimate(e.mean() * factor, e.std() * factor,
                            e.lower95() * factor, e.upper95() * factor, e.effectiveWindows(), e.tau() * factor), true,
                            j == 0 ? shift[1] : walkVariance);
                }
                boolean fresh = aged != null && aged.std() < wide.std();
                out[j] = fresh ? aged : wide;
                revealed &= fresh;
            }
            return new Published(out, revealed);
        }
    }

    /**
     * A published sensor-level posterior.
     *
     * @param estimates per parameter, never null
     * @param revealed  whether it was fused from revealing windows
     */
    public record Published(RandomEffects.Estimate[] estimates, boolean revealed) {
    }

    /**
     * The parts of the posterior of {@code parameters} parameters at {@code sequence} (the newest window's end).
     *
     * @param windows       the sensor's fused windows, oldest first, at least one
     * @param revealing     those that passed the reveal gate when added ({@link #reveals}), oldest first
     * @param range         the prior range of the first parameter (pinned windows are left out); null: none
     * @param gated         whether the serving calibration has a reveal gate
     * @param forgetting    weight per window, counted from the newest
     * @param walkPerSample the revealed parameter's random-walk relative variance per sample (0: never ages)
     * @param physicsFrom   the first window end of the physics as it is now (after a flagged change); -1: all
     */
    public static Parts of(Deque<? extends WindowPosterior> windows, Deque<? extends WindowPosterior> revealing,
                           int parameters, long sequence, PriorRange range, boolean gated, double forgetting,
                           double walkPerSample, long physicsFrom) {
        boolean anyRevealing = gated && !revealing.isEmpty();
        double age = anyRevealing ? Math.max(0, sequence - revealing.peekLast().sequence()) : 0;
        Deque<WindowPosterior> clean = new ArrayDeque<>(windows.size());
        for (WindowPosterior w : windows) {
            if (!w.faulty() && !pinned(w.mean(), range) && w.sequence() >= physicsFrom) {
                clean.addLast(w);
            }
        }
        double[] shift = anyRevealing ? RevealedAge.shift(revealing, clean, forgetting, walkPerSample * age)
                : new double[2];
        RandomEffects.Estimate[] all = new RandomEffects.Estimate[parameters];
        RandomEffects.Estimate[] revealed = anyRevealing ? new RandomEffects.Estimate[parameters] : null;
        for (int j = 0; j < parameters; j++) {
            RandomEffects.Estimate fused = fuse(clean, j, 0, forgetting);
            // every window so far under a fault or pinned at a bound: publish what they say, in the wide tier
            all[j] = fused != null ? fused : fuse(windows, j, 0, forgetting);
            if (anyRevealing) {
                revealed[j] = fuse(revealing, j, 0, forgetting);
            }
        }
        return new Parts(all, revealed, shift, walkPerSample * age, gated);
    }

    /**
     * Whether a window counts as revealing under {@code calibration}'s gate: not under a fault, not pinned at the
     * prior range's bound, and its free swing and posterior pass {@link IntervalCalibration#reveals}.
     */
    public static boolean reveals(WindowPosterior w, IntervalCalibration calibration) {
        return !w.faulty() && !pinned(w.mean(), calibration.range()) && calibration.revealGate() > 0
                && calibration.reveals(w.swing(), w.mean()[0], w.std()[0]);
    }

    /**
     * Whether a window's posterior mean sits at the prior range's bound ({@link PriorRange#atBound}): the encoder
     * saturated and claims a tiny std there, so such windows would pass the reveal gate while saying nothing
     * (docs/decisions.md, "The random run's pendulum error").
     */
    public static boolean pinned(double[] mean, PriorRange range) {
        return range != null && mean.length > 0 && range.atBound(mean[0]);
    }

    /**
     * Fuses parameter {@code j} over the windows before the newest {@code skipNewest}, with {@code forgetting}
     * per window counted from the newest of them; null when there are none.
     */
    public static RandomEffects.Estimate fuse(Deque<? extends WindowPosterior> windows, int j, int skipNewest,
                                              double forgetting) {
        int n = windows.size() - skipNewest;
        if (n <= 0) {
            return null;
        }
        double[] means = new double[n];
        double[] stds = new double[n];
        double[] weights = new double[n];
        Iterator<? extends WindowPosterior> it = windows.descendingIterator();
        for (int s = 0; s < skipNewest; s++) {
            it.next();
        }
        double weight = 1;
        for (int i = n - 1; i >= 0; i--) {
            WindowPosterior w = it.next();
            means[i] = w.mean()[j];
            stds[i] = w.std()[j];
            weights[i] = weight;
            weight *= forgetting;
        }
        return RandomEffects.fuse(means, stds, weights);
    }
}
