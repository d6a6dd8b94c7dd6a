package io.hybridcast.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsTest {

    static double[][] randomFactors(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void aPermutedRescaledSignFlippedCopyOfTheTruthHasMccOne() {
        double[][] truth = randomFactors(500, 3, 1);
        double[][] learned = new double[500][3];
        for (int i = 0; i < 500; i++) {
            learned[i][0] = -2.5 * truth[i][2] + 7;     // factor 2, flipped and rescaled
            learned[i][1] = 0.1 * truth[i][0];          // factor 0, rescaled
            learned[i][2] = Math.exp(truth[i][1]);      // factor 1, monotone but not linear
        }
        Mcc.Result spearman = Mcc.compute(learned, truth, Mcc.Method.SPEARMAN);
        assertThat(spearman.mcc()).isCloseTo(1.0, within(1e-12));
        assertThat(spearman.pairs()).extracting(p -> p[0] + "->" + p[1])
                .containsExactlyInAnyOrder("0->2", "1->0", "2->1");
        // Pearson sees the two linear copies exactly and the exponential one less than perfectly
        Mcc.Result pearson = Mcc.compute(learned, truth, Mcc.Method.PEARSON);
        assertThat(pearson.mcc()).isGreaterThan(0.85).isLessThan(1.0);
    }

    @Test
    void independentNoiseHasMccNearZero() {
        int n = 2000;
        Mcc.Result r = Mcc.compute(randomFactors(n, 3, 2), randomFactors(n, 3, 3), Mcc.Method.PEARSON);
        // |r| of independent samples is about 1/sqrt(n) = 0.022; the best matching of 9 such values stays
        // well under 4/sqrt(n)
        assertThat(r.mcc()).isLessThan(4 / Math.sqrt(n));
    }

    @Test
    void aHandComputedCase() {
        // learned 0 = truth 1 exactly; learned 1 against truth 0, computed by hand:
        double[][] truth = {{1, 1}, {2, 3}, {3, 2}, {4, 4}};
        double[][] learned = {{1, 2}, {3, 1}, {2, 4}, {4, 3}};
        // r(learned1, truth0): x = 2,1,4,3 ; y = 1,2,3,4 ; means 2.5 ; sum dx*dy = (-.5)(-1.5)+(-1.5)(-.5)+(1.5)(.5)+(.5)(1.5)
        //  = .75+.75+.75+.75 = 3 ; sum dx^2 = sum dy^2 = 5 ; r = 3/5 = 0.6
        assertThat(Correlation.pearson(new double[] {2, 1, 4, 3}, new double[] {1, 2, 3, 4})).isCloseTo(0.6, within(1e-12));
        Mcc.Result r = Mcc.compute(learned, truth, Mcc.Method.PEARSON);
        assertThat(r.pairs()).extracting(p -> p[0] + "->" + p[1]).containsExactlyInAnyOrder("0->1", "1->0");
        assertThat(r.mcc()).isCloseTo((1.0 + 0.6) / 2, within(1e-12));
    }

    @Test
    void unequalDimensionsAverageOverTheMatchedRealPairs() {
        double[][] truth = randomFactors(300, 1, 4);
        double[][] learned = new double[300][2];
        Random noise = new Random(5);
        for (int i = 0; i < 300; i++) {
            learned[i][0] = noise.nextGaussian();
            learned[i][1] = 3 * truth[i][0];
        }
        Mcc.Result r = Mcc.compute(learned, truth, Mcc.Method.PEARSON);
        assertThat(r.pairs()).hasSize(1);
        assertThat(r.pairs().get(0)).containsExactly(1, 0);
        assertThat(r.mcc()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void errorsAreComputedAsDefined() {
        assertThat(Errors.mse(new double[] {1, 2}, new double[] {2, 4})).isEqualTo(2.5);
        assertThat(Errors.relativeErrorPercent(new double[] {1.1, 1.8}, new double[] {1, 2})).isCloseTo(10, within(1e-9));
        double[][][] est = {{{0}, {1}}, {{0}, {3}}};
        double[][][] tru = {{{0}, {0}}, {{0}, {0}}};
        assertThat(Errors.msePerStep(est, tru)).containsExactly(0, 5);
        assertThat(Errors.mse(est, tru)).isEqualTo(2.5);
        assertThat(Correlation.spearman(new double[] {1, 2, 2, 3}, new double[] {10, 20, 20, 30})).isCloseTo(1, within(1e-12));
    }
}
