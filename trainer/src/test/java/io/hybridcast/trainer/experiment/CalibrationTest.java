package io.hybridcast.trainer.experiment;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Variance scaling recovers the true spread of an overconfident Gaussian and its coverage. */
class CalibrationTest {

    private static double[][] overconfident(long seed, int n, double claimed, double actual) {
        Random r = new Random(seed);
        double[] truth = new double[n];
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int i = 0; i < n; i++) {
            truth[i] = 1 + 2 * r.nextDouble();
            mean[i] = truth[i] + actual * r.nextGaussian();
            std[i] = claimed;
        }
        return new double[][] {mean, std, truth};
    }

    @Test
    void anOverconfidentPosteriorIsWidenedToItsObservedSpread() {
        double[][] validation = overconfident(1, 4000, 0.02, 0.3);
        double[][] test = overconfident(2, 4000, 0.02, 0.3);
        assertThat(Calibration.NONE.coverage(test[0], test[1], test[2])[2]).isLessThan(0.2);
        Calibration fitted = Calibration.fit(validation[0], validation[1], validation[2]);
        assertThat(fitted.scale()).isCloseTo(15, within(0.6));
        double[] coverage = fitted.coverage(test[0], test[1], test[2]);
        assertThat(coverage[0]).isCloseTo(0.50, within(0.03));
        assertThat(coverage[1]).isCloseTo(0.80, within(0.03));
        assertThat(coverage[2]).isCloseTo(0.95, within(0.02));
    }

    @Test
    void aPointEstimateGetsTheValidationRmse() {
        double[][] validation = overconfident(3, 4000, 0, 0.2);
        Calibration fitted = Calibration.fit(validation[0], validation[1], validation[2]);
        assertThat(fitted.constant()).isCloseTo(0.2, within(0.01));
        double[][] test = overconfident(4, 4000, 0, 0.2);
        assertThat(fitted.coverage(test[0], test[1], test[2])[2]).isCloseTo(0.95, within(0.02));
    }
}
