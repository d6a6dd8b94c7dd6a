package io.hybridcast.model.fusion;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The free swing sees a pendulum's own slow motion and not its fast forcing or the sensor's noise. */
class FreeSwingTest {

    /** 50 samples at 20 Hz of a free swing of {@code free} rad at ω plus a forced one of {@code forced} at f Hz. */
    private static double[][] window(double free, double omega, double forced, double f, double noise, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] w = new double[50][1];
        for (int t = 0; t < 50; t++) {
            double s = 0.05 * t;
            w[t][0] = free * Math.cos(omega * s + 0.3) + forced * Math.cos(2 * Math.PI * f * s + 1.1)
                    + noise * (rng.nextDouble() * 2 - 1) * Math.sqrt(3);
        }
        return w;
    }

    @Test
    void aFreeSwingIsSeenAndTheForcingIsNot() {
        double freeOnly = FreeSwing.of(window(0.2, 2.0, 0, 4.5, 0.01, 1), 0);
        double forcedOnly = FreeSwing.of(window(0, 2.0, 0.3, 4.5, 0.01, 2), 0);
        double both = FreeSwing.of(window(0.2, 2.0, 0.3, 4.5, 0.01, 3), 0);
        // a cosine of amplitude 0.2 over 2.5 s at ω = 2 (most of a period): std near 0.2/√2
        assertThat(freeOnly).isBetween(0.09, 0.16);
        // the 4.5 Hz forcing of 0.3 rad and the noise leave a few hundredths of its size
        assertThat(forcedOnly).isLessThan(0.02);
        assertThat(both).isBetween(0.8 * freeOnly, 1.2 * freeOnly);
    }

    @Test
    void noiseAloneStaysUnderThePendulumsRevealGate() {
        for (long seed = 0; seed < 50; seed++) {
            assertThat(FreeSwing.of(window(0, 1, 0, 4, 0.01, seed), 0)).isLessThan(0.01);
        }
    }

    @Test
    void itNeedsFourSamples() {
        assertThatThrownBy(() -> FreeSwing.of(new double[3][1], 0)).hasMessageContaining("at least 4 samples");
    }
}
