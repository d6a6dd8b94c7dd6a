package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The forced-amplitude drift test on windows of known amplitude and error. */
class ForcedDriftTest {

    static SensorPhysics.WindowEstimate window(long sequence, double forced, double std, double swing, boolean faulty) {
        return new SensorPhysics.WindowEstimate(sequence, 1, new double[]{1}, new double[]{0.1}, new double[]{0},
                swing, forced, std, faulty);
    }

    /** {@code n} windows of 50 samples with amplitude {@code amplitude(k)} and relative error {@code rel}. */
    static Deque<SensorPhysics.WindowEstimate> windows(int n, java.util.function.IntToDoubleFunction amplitude,
                                                       double rel, long seed) {
        Random random = new Random(seed);
        Deque<SensorPhysics.WindowEstimate> out = new ArrayDeque<>();
        for (int k = 0; k < n; k++) {
            double a = amplitude.applyAsDouble(k);
            out.addLast(window(49 + 50L * k, a * (1 + rel * random.nextGaussian()), a * rel, Double.NaN, false));
        }
        return out;
    }

    @Test
    void aSteadyAmplitudeStaysUnderTheThresholdAndAStepIsFoundWhereItHappened() {
        int over = 0;
        for (long seed = 0; seed < 200; seed++) {
            ForcedDrift.Result r = ForcedDrift.test(windows(60, k -> 0.2, 0.05, seed), -1, 0.05);
            if (r.z() >= 5) {
                over++;
            }
        }
        // one look at 60 windows per seed: the hour's rate (0.01) bounds a single look's far below 2 in 200
        assertThat(over).isLessThanOrEqualTo(2);
        // omega x 0.8 at window 40: the amplitude x 0.64
        ForcedDrift.Result step = ForcedDrift.test(windows(44, k -> k < 40 ? 0.2 : 0.128, 0.05, 7), -1, 0.05);
        assertThat(step.z()).isGreaterThan(5);
        assertThat(step.splitSequence()).isEqualTo(49 + 50L * 40);
        assertThat(step.omegaRatio()).isBetween(0.76, 0.84);
    }

    @Test
    void windowsBeforeTheReferenceStartUnderAFaultOrWithoutAmplitudeDoNotCount() {
        Deque<SensorPhysics.WindowEstimate> w = windows(44, k -> k < 40 ? 0.2 : 0.128, 0.05, 7);
        // the reference starts after the change: nothing left to compare
        assertThat(ForcedDrift.test(w, 49 + 50L * 39, 0.05)).isNull();
        Deque<SensorPhysics.WindowEstimate> faulty = new ArrayDeque<>();
        int k = 0;
        for (SensorPhysics.WindowEstimate e : w) {
            faulty.addLast(k++ >= 40 ? window(e.sequence(), e.forced(), e.forcedStd(), Double.NaN, true) : e);
        }
        ForcedDrift.Result r = ForcedDrift.test(faulty, -1, 0.05);
        assertThat(r.z()).isLessThan(5);
        // a change below the relative floor is not counted however clear
        ForcedDrift.Result small = ForcedDrift.test(windows(44, i -> i < 40 ? 0.2 : 0.19, 0.001, 7), -1, 0.05);
        assertThat(small.z()).isZero();
    }
}
