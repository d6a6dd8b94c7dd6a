package io.hybridcast.model.fusion;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The free swing's amplitude at ω beside a strong forcing: its value, its standard error, a slightly wrong ω. */
class FreeOscillationTest {

    /** The example's pendulum-2 at 40 s: a free swing of 0.04 rad at ω 3.1 under a forced 0.185 rad at 5.54 Hz. */
    private static double[][] window(Random rng, double free, double omega, double phase) {
        double[][] w = new double[50][1];
        for (int t = 0; t < 50; t++) {
            double time = 40 + t * 0.05;
            w[t][0] = 0.003 + free * Math.cos(omega * time + phase) + 0.185 * Math.cos(2 * Math.PI * 5.54 * time + 1)
                    + 0.01 * rng.nextGaussian();
        }
        return w;
    }

    @Test
    void theAmplitudeAndItsErrorMatchTheScatterOverManyWindows() {
        Random rng = new Random(11);
        int n = 400;
        double sum = 0;
        double sumSq = 0;
        double claimed = 0;
        for (int i = 0; i < n; i++) {
            double[] a = FreeOscillation.amplitude(window(rng, 0.04, 3.1, rng.nextDouble() * 6.28), 0, 0.05, 3.1,
                    5.54);
            sum += a[0];
            sumSq += a[0] * a[0];
            claimed += a[1];
        }
        double mean = sum / n;
        double scatter = Math.sqrt(sumSq / n - mean * mean);
        assertThat(mean).isCloseTo(0.04, within(0.001));
        // 0.01 · sqrt(2 / 50) = 0.002, a little more for the six columns
        assertThat(claimed / n).isBetween(0.0018, 0.0030);
        assertThat(scatter / (claimed / n)).isBetween(0.75, 1.25);
    }

    @Test
    void anOmegaFivePercentOffScalesTheAmplitudeByAboutTheSameFactorInEveryPhase() {
        for (int i = 0; i < 20; i++) {
            double phase = i * 0.314;
            double[] a = FreeOscillation.amplitude(window(new Random(i), 0.04, 3.1, phase), 0, 0.05, 3.1 * 1.05,
                    5.54);
            assertThat(a[0]).isCloseTo(0.04, within(0.006));
        }
    }

    @Test
    void withoutAForcingTermOrWithAShortWindowItSaysWhatItCan() {
        double[][] undriven = new double[50][1];
        for (int t = 0; t < 50; t++) {
            undriven[t][0] = 0.1 * Math.sin(2.0 * t * 0.05);
        }
        assertThat(FreeOscillation.amplitude(undriven, 0, 0.05, 2.0, Double.NaN)[0]).isCloseTo(0.1, within(1e-6));
        assertThat(FreeOscillation.amplitude(new double[5][1], 0, 0.05, 2.0, 5.0)[0]).isNaN();
    }
}
