package io.hybridcast.model.fusion;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The forcing's frequency and amplitude under a slow free swing and noise, as a driven pendulum's readings carry. */
class ForcedSwingTest {

    private static final double DT = 0.05;

    /** {@code windows} contiguous windows of 50 samples: a free swing at 1.5 rad/s plus a forcing, noise 0.01. */
    private static double[][][] readings(int windows, double forcedAmplitude, double hz, long seed) {
        Random rng = new Random(seed);
        double[][][] out = new double[windows][50][1];
        for (int k = 0; k < windows; k++) {
            for (int t = 0; t < 50; t++) {
                double time = (k * 50 + t) * DT;
                out[k][t][0] = 0.3 * Math.cos(1.5 * time + 0.4) + forcedAmplitude * Math.cos(2 * Math.PI * hz * time + 1.1)
                        + 0.01 * rng.nextGaussian();
            }
        }
        return out;
    }

    @Test
    void aStrongForcingIsFoundAndMeasured() {
        double[][][] w = readings(6, 0.19, 4.577, 1);
        double f = ForcedSwing.frequency(w, 0, DT);
        assertThat(f).isCloseTo(4.577, within(0.005));
        double[] a = ForcedSwing.amplitude(w[5], 0, DT, f);
        assertThat(a[0]).isCloseTo(0.19, within(0.01));
        assertThat(a[1]).isBetween(0.001, 0.004); // 0.01 · sqrt(2 / 50) = 0.002
    }

    @Test
    void aForcingAtHalfTheNoiseIsFoundOverSixWindowsAndItsAmplitudeOnAverage() {
        // the example's pendulum-1: forced amplitude 0.0055 rad against noise 0.01, 6 Hz
        int found = 0;
        double sum = 0;
        for (long seed = 0; seed < 20; seed++) {
            double[][][] w = readings(6, 0.0055, 6.004, seed);
            double f = ForcedSwing.frequency(w, 0, DT);
            if (Math.abs(f - 6.004) < 0.02) {
                found++;
            }
            for (double[][] window : w) {
                sum += ForcedSwing.amplitude(window, 0, DT, f)[0] / 120;
            }
        }
        assertThat(found).isGreaterThanOrEqualTo(18);
        // the noise adds to a window's amplitude on average (0.0055 alone, about 0.0063 with it)
        assertThat(sum).isBetween(0.0050, 0.0075);
    }

    @Test
    void withoutAForcingTheAmplitudeIsTheNoiseFloor() {
        double[][][] w = readings(6, 0, 5, 3);
        double f = ForcedSwing.frequency(w, 0, DT);
        double[] a = ForcedSwing.amplitude(w[0], 0, DT, f);
        assertThat(a[0]).isLessThan(3 * a[1] + 0.003);
    }
}
