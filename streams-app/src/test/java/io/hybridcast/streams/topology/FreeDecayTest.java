package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The free-swing decay test: a steady decay passes, a damping change is flagged, a swing in the noise is not judged. */
class FreeDecayTest {

    private static final double T = 2.5;

    /** Six windows' amplitudes decaying at {@code gamma}, then at {@code gammaAfter} over the newest two. */
    private static double[][] windows(Random rng, double start, double gamma, double gammaAfter, double std) {
        double[] x = new double[6];
        double[] a = new double[6];
        double[] s = new double[6];
        double level = start;
        for (int i = 0; i < 6; i++) {
            x[i] = 20 + i;
            a[i] = Math.abs(level + std * rng.nextGaussian());
            s[i] = std;
            level *= Math.exp(-(i < 3 ? gamma : gammaAfter) * T / 2);
        }
        return new double[][]{x, a, s};
    }

    @Test
    void aSteadyDecayStaysUnderTheThresholdAndItsRateIsRead() {
        Random rng = new Random(3);
        int over = 0;
        double gamma = 0;
        int judged = 0;
        for (int run = 0; run < 1000; run++) {
            double[][] w = windows(rng, 0.06, 0.13, 0.13, 0.002);
            FreeDecay.Result r = FreeDecay.test(w[0], w[1], w[2], T);
            if (r != null) {
                judged++;
                over += r.statistic() >= 4.5 ? 1 : 0;
                gamma += r.gammaBefore();
            }
        }
        assertThat(judged).isGreaterThan(990);
        assertThat(over).isLessThanOrEqualTo(1);
        assertThat(gamma / judged).isCloseTo(0.13, within(0.02));
    }

    @Test
    void theExamplesDampingChangeIsFlaggedFasterAndAWeakerDampingSlower() {
        // the example's pendulum-2: 0.053, 0.043, 0.035, 0.031, then 0.0166, 0.0049 after γ 0.13 -> 0.7
        FreeDecay.Result r = FreeDecay.test(new double[]{16, 17, 18, 19, 20, 21},
                new double[]{0.053, 0.0429, 0.0353, 0.0305, 0.0166, 0.0049},
                new double[]{0.0025, 0.0027, 0.0023, 0.0022, 0.0018, 0.0021}, T);
        assertThat(r.statistic()).isGreaterThan(4.5);
        assertThat(r.zNewest()).isNegative();
        assertThat(r.gammaBefore()).isBetween(0.1, 0.25);
        assertThat(r.gammaAfter()).isGreaterThan(0.7);
        Random rng = new Random(4);
        int flagged = 0;
        for (int run = 0; run < 200; run++) {
            double[][] w = windows(rng, 0.15, 0.4, 0.05, 0.002);
            FreeDecay.Result slower = FreeDecay.test(w[0], w[1], w[2], T);
            flagged += slower != null && slower.statistic() >= 4.5 && slower.zNewest() > 0 ? 1 : 0;
        }
        assertThat(flagged).isGreaterThan(150);
    }

    @Test
    void aSwingInTheNoiseTooLargeOrTooFewWindowsIsNotJudged() {
        double[] x = {0, 1, 2, 3, 4, 5};
        double[] s = {0.002, 0.002, 0.002, 0.002, 0.002, 0.002};
        // the reference under 5 standard errors
        assertThat(FreeDecay.test(x, new double[]{0.009, 0.008, 0.007, 0.006, 0.005, 0.004}, s, T)).isNull();
        // predicted newest under 3 standard errors: a decay into the noise would read as slower
        assertThat(FreeDecay.test(x, new double[]{0.04, 0.02, 0.01, 0.0105, 0.004, 0.004}, s, T)).isNull();
        // a large swing: sin θ slows it
        assertThat(FreeDecay.test(x, new double[]{0.5, 0.4, 0.3, 0.2, 0.15, 0.1}, s, T)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FreeDecay.test(new double[5], new double[5],
                new double[5], T)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 windows");
    }
}
