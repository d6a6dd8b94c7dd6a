package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The free-swing decay test on windows of a known exponential decay. */
class FreeDecayTest {

    /** Windows of 50 samples from sequence 100 on, swing 0.5 exp(-rate(k) ...), 10 % log scatter, noise 0.01. */
    static Deque<SensorPhysics.WindowEstimate> decay(int n, double rateBefore, double rateAfter, int changeAt,
                                                     long seed) {
        Random random = new Random(seed);
        Deque<SensorPhysics.WindowEstimate> out = new ArrayDeque<>();
        double log = Math.log(0.5);
        double noiseStd = 0.01 * Math.sqrt(2.0 / 50); // the forced amplitude's std at noise 0.01
        for (int k = 0; k < n; k++) {
            log -= k < changeAt ? rateBefore : rateAfter;
            double swing = Math.max(0.0025 * (1 + 0.3 * Math.abs(random.nextGaussian())),
                    Math.exp(log + 0.1 * random.nextGaussian()));
            out.addLast(ForcedDriftTest.window(149 + 50L * k, 0.1, noiseStd, swing, false));
        }
        return out;
    }

    @Test
    void aSteadyDecayIsNoChangeAndAFasterOneIsFlaggedAsMoreDamping() {
        int over = 0;
        for (long seed = 0; seed < 200; seed++) {
            FreeDecay.Result r = FreeDecay.test(decay(12, 0.16, 0.16, 99, seed), 99, 50);
            if (r != null && Math.abs(r.z()) >= 4) {
                over++;
            }
        }
        assertThat(over).isLessThanOrEqualTo(2);
        // gamma 0.13 -> 0.7: the log swing fell 0.16 per window, then 0.875
        FreeDecay.Result changed = FreeDecay.test(decay(12, 0.16, 0.875, 10, 3), 99, 50);
        assertThat(changed).isNotNull();
        assertThat(changed.z()).isLessThan(-4);
    }

    @Test
    void nothingIsJudgedBeforeTheEventOrOnceTheSwingIsInTheNoise() {
        // every window starts before the operating event at 10000
        assertThat(FreeDecay.test(decay(12, 0.16, 0.16, 99, 1), 10_000, 50)).isNull();
        // after 40 windows at 0.16 the line predicts 0.5 e^-6.4 = 0.0008 rad: below the noise, nothing to watch
        assertThat(FreeDecay.test(decay(40, 0.16, 0.16, 99, 1), 99, 50)).isNull();
    }
}
