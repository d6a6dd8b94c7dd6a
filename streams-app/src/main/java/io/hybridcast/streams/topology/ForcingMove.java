package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.ForcedSwing;

import java.util.Deque;

/**
 * A driven pendulum's drive moved to another frequency: an unmodelled change (the drive is the neural part's, not the
 * physics'), read from one window instead of waiting for the pooled forcing search of 15 s of context to follow it.
 * Three conditions together, each cheap to meet alone under no change and hard for noise to fake all at once: the
 * newest {@value #RECENT} fused windows showed the kept forcing clearly (their mean amplitude, one alone is often
 * under 5 standard errors), this window does not show it ({@value #GONE_SIGMAS} standard errors at most), and this
 * window's own strongest sinusoid stands {@value #NEW_SIGMAS} standard errors clear at least {@value #MIN_SHIFT_HZ} Hz
 * away. Why these numbers: in one window of 50 samples the search sees about 40 independent
 * frequencies, so a noise amplitude beyond 6 standard errors comes about once in 10^6 windows (e^-18 each), and a
 * frequency read from a 6-standard-error sinusoid over 2.5 s is good to about 0.03 Hz (Cramér-Rao), far inside 0.2
 * Hz. A step of ω moves the forced amplitude by tens of percent, never from clear to gone; a drive switched off is an
 * announced event and not measured here.
 */
final class ForcingMove {

    /** Fused windows whose mean forced amplitude must show the kept forcing clearly. */
    static final int RECENT = 3;
    /** The kept forcing's amplitude in this window is gone below this many standard errors. */
    static final double GONE_SIGMAS = 2.5;
    /** This window's own strongest sinusoid stands clear by this many standard errors. */
    static final double NEW_SIGMAS = 6;
    /** And lies at least this far from the kept frequency, Hz. */
    static final double MIN_SHIFT_HZ = 0.2;

    /** A move found at the window ending at {@code sequence}, with the two frequencies and their amplitudes. */
    record Move(long sequence, int windowLength, double fromHz, double toHz, double oldSigmas, double newSigmas) {
    }

    private ForcingMove() {
    }

    /**
     * The move shown by {@code query} (its samples, {@code dt} s apart) against the sensor's kept forcing {@code
     * keptHz} and its fused windows so far; null when there is none.
     */
    static Move detect(double[][] query, long sequence, double dt, double keptHz,
                       Deque<SensorPhysics.WindowEstimate> windows) {
        if (!Double.isFinite(keptHz)) {
            return null;
        }
        if (!keptWasClear(windows)) {
            return null;
        }
        double[] kept = ForcedSwing.amplitude(query, 0, dt, keptHz);
        if (!(kept[1] > 0) || kept[0] > GONE_SIGMAS * kept[1]) {
            return null;
        }
        ForcedSwing.Forcing own = ForcedSwing.forcing(new double[][][] {query}, new long[] {0}, 0, dt);
        if (!Double.isFinite(own.hz()) || Math.abs(own.hz() - keptHz) < MIN_SHIFT_HZ
                || !(own.amplitude() >= NEW_SIGMAS * own.std())) {
            return null;
        }
        return new Move(sequence, query.length, keptHz, own.hz(), kept[0] / kept[1], own.amplitude() / own.std());
    }

    /** Whether the newest {@value #RECENT} measured, unflagged fused windows show the forcing clearly together. */
    static boolean keptWasClear(Deque<SensorPhysics.WindowEstimate> windows) {
        double sum = 0;
        double variance = 0;
        int n = 0;
        for (var it = windows.descendingIterator(); it.hasNext() && n < RECENT; ) {
            SensorPhysics.WindowEstimate w = it.next();
            if (!w.faulty() && w.forcedStd() > 0 && Double.isFinite(w.forced())) {
                sum += w.forced();
                variance += w.forcedStd() * w.forcedStd();
                n++;
            }
        }
        return n == RECENT && sum / n >= ForcedSwing.Forcing.CLEAR_SIGMAS * Math.sqrt(variance) / n;
    }
}
