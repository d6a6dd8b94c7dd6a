package io.hybridcast.model.fusion;

import io.hybridcast.model.physics.PriorRange;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IntervalCalibrationTest {

    private static final PriorRange OMEGA = PriorRange.PENDULUM;

    @Test
    void theSystematicTermWidensAnIntervalThatAgreeingWindowsMadeNarrow() {
        // 40 windows that agree: random effects alone gives a std of about 0.05/sqrt(40)
        double[] means = new double[40];
        double[] stds = new double[40];
        double[] weights = new double[40];
        java.util.Arrays.fill(means, 2.0);
        java.util.Arrays.fill(stds, 0.05);
        java.util.Arrays.fill(weights, 1.0);
        RandomEffects.Estimate raw = RandomEffects.fuse(means, stds, weights);
        RandomEffects.Estimate calibrated = new IntervalCalibration(0.1, OMEGA).apply(raw);
        assertThat(raw.upper95() - raw.lower95()).isLessThan(0.04);
        double expectedStd = Math.sqrt(raw.std() * raw.std() + 0.2 * 0.2);
        assertThat(calibrated.std()).isCloseTo(expectedStd, within(1e-12));
        double t = RandomEffects.quantile975(raw.effectiveWindows() - 1);
        assertThat(calibrated.lower95()).isCloseTo(2.0 - t * expectedStd, within(1e-12));
        assertThat(calibrated.upper95()).isCloseTo(2.0 + t * expectedStd, within(1e-12));
        assertThat(calibrated.mean()).isEqualTo(raw.mean());
    }

    @Test
    void theIntervalIsClippedToThePriorRange() {
        RandomEffects.Estimate nearBound = new RandomEffects.Estimate(0.45, 0.2, 0.05, 0.85, 1, 0);
        RandomEffects.Estimate e = new IntervalCalibration(0.1, OMEGA).apply(nearBound);
        assertThat(e.lower95()).isEqualTo(OMEGA.min());
        assertThat(e.upper95()).isLessThan(OMEGA.max());
        RandomEffects.Estimate wide = new RandomEffects.Estimate(3.4, 1.0, 1.4, 5.4, 1, 0);
        RandomEffects.Estimate w = new IntervalCalibration(0, OMEGA).apply(wide);
        assertThat(w.lower95()).isGreaterThanOrEqualTo(OMEGA.min());
        assertThat(w.upper95()).isEqualTo(OMEGA.max());
        // a mean outside the range (never from the sigmoid head, but from a foreign model) is clipped too
        assertThat(new IntervalCalibration(0, OMEGA).apply(new RandomEffects.Estimate(4, 0.1, 3.8, 4.2, 1, 0))
                .mean()).isEqualTo(OMEGA.max());
    }

    @Test
    void withoutACalibrationTheIntervalIsLeftAsItIs() {
        RandomEffects.Estimate e = new RandomEffects.Estimate(0.45, 0.2, 0.05, 0.85, 1, 0);
        RandomEffects.Estimate same = IntervalCalibration.NONE.apply(e);
        assertThat(same.lower95()).isCloseTo(0.45 - RandomEffects.quantile975(0) * 0.2, within(1e-12));
        assertThat(same.std()).isEqualTo(0.2);
    }

    @Test
    void theCalibrationComesFromTheBundleMetrics() {
        assertThat(IntervalCalibration.fromMetrics(Map.of(IntervalCalibration.METRIC, 0.07), OMEGA).systematic())
                .isEqualTo(0.07);
        assertThat(IntervalCalibration.fromMetrics(Map.of("mse_pred", 1.0), OMEGA).systematic()).isZero();
        assertThat(IntervalCalibration.fromMetrics(null, OMEGA).range()).isEqualTo(OMEGA);
        assertThatThrownBy(() -> new IntervalCalibration(-0.1, OMEGA))
                .hasMessageContaining(IntervalCalibration.METRIC);
    }

    @Test
    void aSensorWithoutRevealingWindowsGetsTheWiderTier() {
        IntervalCalibration c = IntervalCalibration.fromMetrics(Map.of(IntervalCalibration.METRIC, 0.09,
                IntervalCalibration.METRIC_UNREVEALED, 0.3, IntervalCalibration.METRIC_GATE, 0.02), OMEGA);
        assertThat(c.revealGate()).isEqualTo(0.02);
        assertThat(c.reveals(0.03)).isTrue();
        assertThat(c.reveals(0.01)).isFalse();
        assertThat(c.reveals(Double.NaN)).isFalse();
        // a swinging window the model cannot read (a noise burst: 2.4 ± 0.58 where ω is 1.4) does not reveal
        assertThat(c.reveals(0.05, 2.0, 0.3)).isTrue();
        assertThat(c.reveals(0.05, 2.4, 0.58)).isFalse();
        assertThat(c.reveals(0.01, 2.0, 0.1)).isFalse();
        RandomEffects.Estimate e = new RandomEffects.Estimate(2.0, 0.01, 1.98, 2.02, 1e6, 0);
        RandomEffects.Estimate revealed = c.apply(e, true);
        RandomEffects.Estimate unrevealed = c.apply(e, false);
        assertThat(revealed.std()).isCloseTo(Math.sqrt(0.01 * 0.01 + 0.18 * 0.18), within(1e-12));
        assertThat(unrevealed.std()).isCloseTo(Math.sqrt(0.01 * 0.01 + 0.6 * 0.6), within(1e-12));
        assertThat(c.asMetrics()).containsEntry(IntervalCalibration.METRIC_UNREVEALED, 0.3)
                .containsEntry(IntervalCalibration.METRIC_GATE, 0.02);
    }

    @Test
    void aBundleWithoutAGateHasOneTier() {
        IntervalCalibration c = IntervalCalibration.fromMetrics(Map.of(IntervalCalibration.METRIC, 0.1,
                IntervalCalibration.METRIC_UNREVEALED, 0.5), OMEGA);
        assertThat(c.revealGate()).isZero();
        assertThat(c.systematicUnrevealed()).isEqualTo(0.1);
        assertThat(c.reveals(Double.NaN)).isTrue();
        assertThat(c.asMetrics()).containsOnlyKeys(IntervalCalibration.METRIC);
        assertThatThrownBy(() -> new IntervalCalibration(0.1, OMEGA, -1, 0.02))
                .hasMessageContaining(IntervalCalibration.METRIC_UNREVEALED);
    }
}
