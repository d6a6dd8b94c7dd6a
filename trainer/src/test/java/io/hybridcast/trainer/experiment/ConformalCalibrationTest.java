package io.hybridcast.trainer.experiment;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Split-conformal quantiles cover at every level where one variance scale cannot (heavy-tailed errors). */
class ConformalCalibrationTest {

    /** Overconfident estimates whose errors are Student-t with 2 degrees of freedom: heavy tails. */
    private static double[][] heavyTailed(long seed, int n) {
        Random r = new Random(seed);
        double[] truth = new double[n];
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int i = 0; i < n; i++) {
            truth[i] = 1 + 2 * r.nextDouble();
            double chi2 = Math.pow(r.nextGaussian(), 2) + Math.pow(r.nextGaussian(), 2);
            std[i] = 0.01 + 0.02 * r.nextDouble();
            mean[i] = truth[i] + 10 * std[i] * r.nextGaussian() / Math.sqrt(chi2 / 2);
        }
        return new double[][] {mean, std, truth};
    }

    @Test
    void everyLevelIsCoveredOnHeldOutWindows() {
        double[][] validation = heavyTailed(1, 4000);
        double[][] test = heavyTailed(2, 4000);
        double[] variance = Calibration.fit(validation[0], validation[1], validation[2])
                .coverage(test[0], test[1], test[2]);
        assertThat(variance[0]).as("one variance scale over-covers the 50 % level").isGreaterThan(0.6);
        double[] conformal = ConformalCalibration.fit(validation[0], validation[1], validation[2])
                .coverage(test[0], test[1], test[2]);
        for (int k = 0; k < Calibration.LEVELS.length; k++) {
            assertThat(conformal[k]).isCloseTo(Calibration.LEVELS[k], within(0.025));
        }
    }

    @Test
    void aPointEstimateGetsAHalfWidthPerLevel() {
        Random r = new Random(3);
        int n = 2001;
        double[] truth = new double[n];
        double[] mean = new double[n];
        for (int i = 0; i < n; i++) {
            truth[i] = r.nextDouble();
            mean[i] = truth[i] + 0.1 * r.nextGaussian();
        }
        ConformalCalibration fitted = ConformalCalibration.fit(mean, new double[n], truth);
        assertThat(fitted.standardised()).isFalse();
        assertThat(fitted.quantiles()[2]).isCloseTo(0.196, within(0.015));
        assertThat(fitted.quantiles()[0]).isLessThan(fitted.quantiles()[1]).isLessThan(fitted.quantiles()[2]);
    }
}
