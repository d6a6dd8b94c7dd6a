package io.hybridcast.model.fusion;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The sensor-level fusion of window posteriors: it narrows over consistent windows, stays wide over windows that
 * disagree beyond their own posteriors (where plain precision weighting is confidently wrong), keeps its 95 %
 * interval honest in both regimes, and follows a step through forgetting.
 */
class RandomEffectsTest {

    static RandomEffects.Estimate fuse(double[] means, double[] stds, double forgetting) {
        double[] weights = new double[means.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.pow(forgetting, means.length - 1 - i);
        }
        return RandomEffects.fuse(means, stds, weights);
    }

    /** Window estimates of a true value: own posterior std {@code s}, plus a per-window bias of std {@code bias}. */
    static double[][] windows(Random random, int n, double truth, double s, double bias) {
        double[] means = new double[n];
        double[] stds = new double[n];
        for (int i = 0; i < n; i++) {
            means[i] = truth + s * random.nextGaussian() + bias * random.nextGaussian();
            stds[i] = s;
        }
        return new double[][]{means, stds};
    }

    static double fixedEffectStd(double[] stds) {
        return 1 / Math.sqrt(Arrays.stream(stds).map(s -> 1 / (s * s)).sum());
    }

    @Test
    void consistentWindowsNarrowTheIntervalAndKeepItHonest() {
        Random random = new Random(1);
        double[][] w = windows(random, 30, 2.0, 0.1, 0);
        RandomEffects.Estimate five = fuse(Arrays.copyOf(w[0], 5), Arrays.copyOf(w[1], 5), 1);
        RandomEffects.Estimate thirty = fuse(w[0], w[1], 1);
        double widthFive = five.upper95() - five.lower95();
        double widthThirty = thirty.upper95() - thirty.lower95();
        assertThat(widthThirty).isLessThan(widthFive / 2);
        assertThat(thirty.std()).isCloseTo(0.1 / Math.sqrt(30), within(0.01));
        assertThat(thirty.effectiveWindows()).isCloseTo(30, within(3.0));
        // one window: its own posterior, nothing more
        RandomEffects.Estimate one = fuse(new double[]{2.1}, new double[]{0.1}, 1);
        assertThat(one.mean()).isEqualTo(2.1);
        assertThat(one.lower95()).isCloseTo(2.1 - 1.96 * 0.1, within(1e-3));
        assertThat(coverage(random, 0.1, 0, 1)).isBetween(0.9, 0.99);
    }

    @Test
    void windowsThatDisagreeKeepTheIntervalWideWherePrecisionWeightingIsConfidentlyWrong() {
        Random random = new Random(2);
        // a regime that hardly reveals the parameter: each window's estimate is off by +-0.5, its own std says 0.05
        double[][] w = windows(random, 30, 2.0, 0.05, 0.5);
        RandomEffects.Estimate e = fuse(w[0], w[1], 1);
        assertThat(e.std()).isGreaterThan(5 * fixedEffectStd(w[1])); // about bias / s = 10 times
        assertThat(e.tau()).isCloseTo(0.5, within(0.2));
        assertThat(e.upper95() - e.lower95()).isGreaterThan(0.25);
        assertThat(coverage(random, 0.05, 0.5, 1)).isBetween(0.88, 0.99);
        // plain precision weighting on the same windows covers the truth far less than 95 % of the time
        assertThat(fixedEffectCoverage(new Random(2), 0.05, 0.5)).isLessThan(0.5);
    }

    @Test
    void forgettingFollowsAStep() {
        Random random = new Random(3);
        double[][] before = windows(random, 40, 2.0, 0.05, 0);
        double[][] after = windows(random, 40, 2.5, 0.05, 0);
        double[] means = new double[80];
        double[] stds = new double[80];
        System.arraycopy(before[0], 0, means, 0, 40);
        System.arraycopy(after[0], 0, means, 40, 40);
        System.arraycopy(before[1], 0, stds, 0, 40);
        System.arraycopy(after[1], 0, stds, 40, 40);
        RandomEffects.Estimate forgetting = fuse(means, stds, 0.9);
        // 0.9^40: the old regime keeps about 1.5 % of the weight; the noise of the new windows is about 0.011
        assertThat(forgetting.mean()).isCloseTo(2.5, within(0.04));
        assertThat(forgetting.lower95()).isLessThan(2.5);
        assertThat(forgetting.upper95()).isGreaterThan(2.5);
        RandomEffects.Estimate never = fuse(means, stds, 1);
        assertThat(never.mean()).isCloseTo(2.25, within(0.05)); // without forgetting it averages both regimes
        assertThat(never.upper95()).isLessThan(2.5); // ...and its interval misses the new value: forgetting is needed
    }

    @Test
    void studentQuantilesForFewWindows() {
        assertThat(RandomEffects.quantile975(0)).isCloseTo(1.96, within(1e-3));
        assertThat(RandomEffects.quantile975(2)).isCloseTo(4.303, within(1e-3));
        assertThat(RandomEffects.quantile975(10)).isCloseTo(2.228, within(0.003));
        assertThat(RandomEffects.quantile975(30)).isCloseTo(2.042, within(0.002));
    }

    static double coverage(Random random, double s, double bias, double forgetting) {
        int covered = 0;
        int runs = 400;
        for (int r = 0; r < runs; r++) {
            double[][] w = windows(random, 20, 2.0, s, bias);
            RandomEffects.Estimate e = fuse(w[0], w[1], forgetting);
            covered += e.lower95() <= 2.0 && 2.0 <= e.upper95() ? 1 : 0;
        }
        return covered / (double) runs;
    }

    static double fixedEffectCoverage(Random random, double s, double bias) {
        int covered = 0;
        int runs = 400;
        for (int r = 0; r < runs; r++) {
            double[][] w = windows(random, 20, 2.0, s, bias);
            double mean = Arrays.stream(w[0]).average().orElseThrow();
            double half = 1.96 * fixedEffectStd(w[1]);
            covered += Math.abs(mean - 2.0) <= half ? 1 : 0;
        }
        return covered / (double) runs;
    }
}
