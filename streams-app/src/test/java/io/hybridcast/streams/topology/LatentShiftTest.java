package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The latents' long run: its level, scatter and the trend carried forward to the recent windows. */
class LatentShiftTest {

    /** Windows newest first: value(age) for ages 0 .. n - 1, plus noise. */
    private static List<double[]> windows(int n, java.util.function.IntToDoubleFunction value, double noise, long seed) {
        Random random = new Random(seed);
        List<double[]> newestFirst = new ArrayList<>();
        for (int age = 0; age < n; age++) {
            newestFirst.add(new double[]{value.applyAsDouble(age) + noise * random.nextGaussian()});
        }
        return newestFirst;
    }

    @Test
    void aLineIsCarriedForwardToTheRecentWindows() {
        // a latent drifting by -0.05 per window (it grows towards the newest), no noise
        double[][] shift = LatentShift.of(windows(20, age -> 1.0 - 0.05 * age, 0, 1), 3, 6, 0.95);
        assertThat(shift).isNotNull();
        // the recent windows (ages 0-2) average 0.95; the line through ages 3-19 says the same there
        assertThat(shift[LatentShift.RECENT][0]).isCloseTo(0.95, within(1e-12));
        assertThat(shift[LatentShift.TREND_AT_RECENT][0]).isCloseTo(0.95, within(1e-9));
        assertThat(shift[LatentShift.TREND_RESIDUAL_VARIANCE][0]).isCloseTo(0, within(1e-12));
        // while the level of the long run lags behind the drift
        assertThat(shift[LatentShift.LONG_RUN_MEAN][0]).isLessThan(0.75);
    }

    @Test
    void aFlatLongRunHasItsLevelAsTrendAndAnExtrapolationWiderThanTheMean() {
        double[][] shift = LatentShift.of(windows(40, age -> 0.3, 0.1, 7), 3, 6, 0.95);
        assertThat(shift[LatentShift.TREND_AT_RECENT][0]).isCloseTo(shift[LatentShift.LONG_RUN_MEAN][0],
                within(0.1));
        double effective = shift[LatentShift.EFFECTIVE][0];
        // carrying a fitted line forward is less certain than the level: the factor exceeds 1 / effective count
        assertThat(shift[LatentShift.TREND_VARIANCE_FACTOR][0]).isGreaterThan(1.0 / effective);
        // and the residual scatter about the line is at most the scatter about the level
        assertThat(shift[LatentShift.TREND_RESIDUAL_VARIANCE][0])
                .isLessThanOrEqualTo(shift[LatentShift.LONG_RUN_VARIANCE][0] + 1e-15);
    }

    @Test
    void theExtrapolationVarianceMatchesTheScatterOfRepeatedFits() {
        // Monte Carlo: the variance of the carried-forward line over noise draws, against the factor times the noise
        int draws = 4000;
        double sum = 0;
        double sumSquares = 0;
        double factor = 0;
        for (int d = 0; d < draws; d++) {
            double[][] shift = LatentShift.of(windows(25, age -> 0, 1.0, 100 + d), 3, 6, 0.9);
            double v = shift[LatentShift.TREND_AT_RECENT][0];
            sum += v;
            sumSquares += v * v;
            factor = shift[LatentShift.TREND_VARIANCE_FACTOR][0];
        }
        double variance = sumSquares / draws - (sum / draws) * (sum / draws);
        assertThat(variance).isCloseTo(factor, within(0.1 * factor));
    }

    @Test
    void tooFewWindowsGiveNothing() {
        assertThat(LatentShift.of(windows(8, age -> 0, 0.1, 3), 3, 6, 0.95)).isNull();
    }
}
