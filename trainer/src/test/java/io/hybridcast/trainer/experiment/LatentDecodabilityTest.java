package io.hybridcast.trainer.experiment;

import io.hybridcast.model.metrics.Mcc;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatentDecodabilityTest {

    private static double[][] factors(int n, long seed) {
        Random r = new Random(seed);
        double[][] t = new double[n][3];
        for (double[] row : t) {
            for (int j = 0; j < 3; j++) {
                row[j] = r.nextDouble();
            }
        }
        return t;
    }

    @Test
    void mixedLatentsCarryEveryFactorThoughTheMccIsLow() {
        double[][] truth = factors(400, 1);
        double[][] mixed = new double[truth.length][3];
        for (int i = 0; i < truth.length; i++) {
            double[] t = truth[i];
            mixed[i] = new double[] {t[0] + t[1] + t[2], t[0] - t[1], t[0] + t[1] - 2 * t[2]};
        }
        LatentDecodability.Result r = LatentDecodability.of(mixed, truth);
        assertEquals(1.0, r.meanR(), 1e-9);
        assertTrue(Mcc.compute(mixed, truth, Mcc.Method.PEARSON).mcc() < 0.8, "the mixing must fool the MCC");
    }

    @Test
    void unrelatedLatentsCarryNothing() {
        LatentDecodability.Result r = LatentDecodability.of(factors(400, 2), factors(400, 3));
        assertTrue(r.meanR() < 0.25, "R of noise on noise: " + r.meanR());
    }

    @Test
    void monotoneComponentWiseMapsKeepTheRankMcc() {
        double[][] truth = factors(300, 4);
        double[][] warped = new double[truth.length][];
        for (int i = 0; i < truth.length; i++) {
            double[] t = truth[i];
            warped[i] = new double[] {Math.exp(5 * t[2]), -t[0] * t[0] * t[0], Math.log(t[1] + 1e-3)};
        }
        LatentDecodability.Result r = LatentDecodability.of(warped, truth);
        assertEquals(1.0, r.mccSpearman(), 1e-12);
        assertTrue(r.meanR() < 1.0);
        assertEquals(3, r.perFactor().length);
    }
}
