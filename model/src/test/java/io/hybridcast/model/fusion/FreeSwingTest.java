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

    /** As the window above with the free swing's phase at the window's start {@code phase}. */
    private static double[][] phased(double free, double omega, double phase, double forced, double f, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] w = new double[50][1];
        for (int t = 0; t < 50; t++) {
            double s = 0.05 * t;
            w[t][0] = free * Math.cos(omega * s + phase) + forced * Math.cos(2 * Math.PI * f * s + 1.1)
                    + 0.01 * (rng.nextDouble() * 2 - 1) * Math.sqrt(3);
        }
        return w;
    }

    @Test
    void theAmplitudeOfASlowSwingDoesNotDependOnThePhaseTheWindowCatches() {
        double lowestCubic = Double.MAX_VALUE;
        double highestCubic = 0;
        for (int k = 0; k < 16; k++) {
            double phase = 2 * Math.PI * k / 16;
            // ω 1.41 rad/s: a 2.5 s window holds 0.56 of a period; the forcing of 0.1 rad at 3.44 Hz rides on it
            double[][] w = phased(0.3, 1.41, phase, 0.1, 3.44, k);
            double cubic = FreeSwing.of(w, 0);
            lowestCubic = Math.min(lowestCubic, cubic);
            highestCubic = Math.max(highestCubic, cubic);
            // the sinusoid's size reads 0.3 at every phase, also with ω read 10 % off
            assertThat(FreeSwing.amplitude(w, 0, 1.41, 0.05)).isBetween(0.28, 0.32);
            assertThat(FreeSwing.amplitude(w, 0, 1.41 * 1.1, 0.05)).isBetween(0.25, 0.35);
            assertThat(FreeSwing.amplitude(w, 0, 1.41 / 1.1, 0.05)).isBetween(0.25, 0.35);
        }
        // the cubic's std swings by more than a factor 2 with the phase: what fooled the settling check
        assertThat(highestCubic / lowestCubic).isGreaterThan(2);
    }

    @Test
    void noiseAloneHasASmallAmplitudeAndNoOmegaNone() {
        for (long seed = 0; seed < 50; seed++) {
            assertThat(FreeSwing.amplitude(window(0, 1, 0, 4, 0.01, seed), 0, 1.0, 0.05)).isLessThan(0.01);
        }
        assertThat(FreeSwing.amplitude(window(0.2, 1, 0, 4, 0.01, 1), 0, 0, 0.05)).isNaN();
        assertThat(FreeSwing.amplitude(window(0.2, 1, 0, 4, 0.01, 1), 0, Double.NaN, 0.05)).isNaN();
    }

    @Test
    void itNeedsFourSamples() {
        assertThatThrownBy(() -> FreeSwing.of(new double[3][1], 0)).hasMessageContaining("at least 4 samples");
    }
}
