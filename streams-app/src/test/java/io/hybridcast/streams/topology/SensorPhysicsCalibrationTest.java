package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.physics.PriorRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The published sensor-level interval is the serving version's calibrated one, clipped to the prior range. */
class SensorPhysicsCalibrationTest {

    private static SensorPhysics fused(double omega, IntervalCalibration calibration) {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 30; w++) {
            physics.add(49 + 50L * w, 50, 1, List.of("omega"), new double[]{omega + 0.001 * (w % 3)},
                    new double[]{0.05}, new double[]{0}, 0.95, 97, calibration);
        }
        return physics;
    }

    @Test
    void agreeingWindowsNoLongerGiveAConfidentNarrowInterval() {
        RandomEffects.Estimate raw = fused(2.0, IntervalCalibration.NONE).estimates()[0];
        RandomEffects.Estimate calibrated = fused(2.0, new IntervalCalibration(0.1, PriorRange.PENDULUM))
                .estimates()[0];
        assertThat(raw.upper95() - raw.lower95()).isLessThan(0.05);
        // b = 0.1 at ω = 2: about ±2·0.2
        assertThat(calibrated.upper95() - calibrated.lower95()).isBetween(0.7, 0.9);
        assertThat(calibrated.mean()).isEqualTo(raw.mean());
    }

    @Test
    void theIntervalStaysInsideThePriorRange() {
        RandomEffects.Estimate e = fused(0.45, new IntervalCalibration(0.3, PriorRange.PENDULUM)).estimates()[0];
        assertThat(e.lower95()).isEqualTo(PriorRange.PENDULUM.min());
        assertThat(e.upper95()).isGreaterThan(0.45).isLessThanOrEqualTo(PriorRange.PENDULUM.max());
    }

    private static final IntervalCalibration GATED = new IntervalCalibration(0.09, PriorRange.PENDULUM, 0.3, 0.02);

    @Test
    void steadyStateWindowsNeitherOutvoteNorPushOutTheRevealingOnes() {
        // a start-up reveals ω = 2.0 in 10 windows, then 150 windows of steady state read it 3.0 (A ω² confounded)
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 160; w++) {
            boolean startUp = w < 10;
            physics.add(49 + 50L * w, 50, 1, List.of("omega"), new double[]{startUp ? 2.0 + 0.01 * (w % 3) : 3.0},
                    new double[]{startUp ? 0.1 : 0.2}, new double[]{0}, startUp ? 0.2 : 0.005, 0.95, 97, GATED);
        }
        RandomEffects.Estimate e = physics.estimates()[0];
        assertThat(physics.revealed()).isTrue();
        assertThat(e.mean()).isBetween(1.98, 2.03);
        // the drift check still sees every window: its long run is the steady state's
        assertThat(physics.fuse(0, 3, 0.95).mean()).isBetween(2.95, 3.05);
        // ungated, the same windows publish the steady state's reading
        SensorPhysics ungated = new SensorPhysics();
        for (int w = 0; w < 160; w++) {
            boolean startUp = w < 10;
            ungated.add(49 + 50L * w, 50, 1, List.of("omega"), new double[]{startUp ? 2.0 : 3.0},
                    new double[]{startUp ? 0.1 : 0.2}, new double[]{0}, startUp ? 0.2 : 0.005, 0.95, 97,
                    new IntervalCalibration(0.09, PriorRange.PENDULUM));
        }
        assertThat(ungated.estimates()[0].mean()).isGreaterThan(2.9);
    }

    @Test
    void aSensorThatRevealedNothingGetsTheWideUnrevealedInterval() {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 40; w++) {
            physics.add(49 + 50L * w, 50, 1, List.of("omega"), new double[]{2.0}, new double[]{0.05},
                    new double[]{0}, 0.005, 0.95, 97, GATED);
        }
        RandomEffects.Estimate e = physics.estimates()[0];
        assertThat(physics.revealed()).isFalse();
        // b_unrevealed = 0.3 at ω = 2: about ±2·0.6
        assertThat(e.upper95() - e.lower95()).isBetween(2.2, 2.6);
        // one revealing window moves it to the revealed tier, fused from that window alone
        physics.add(49 + 50L * 40, 50, 1, List.of("omega"), new double[]{2.4}, new double[]{0.1}, new double[]{0},
                0.05, 0.95, 97, GATED);
        assertThat(physics.revealed()).isTrue();
        assertThat(physics.estimates()[0].mean()).isCloseTo(2.4, within(1e-9));
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("",
                SensorPhysics.SERDE.serializer().serialize("", physics));
        assertThat(back.revealed()).isTrue();
        back.add(49 + 50L * 41, 50, 1, List.of("omega"), new double[]{3.0}, new double[]{0.1}, new double[]{0},
                0.001, 0.95, 97, GATED);
        assertThat(back.estimates()[0].mean()).isCloseTo(2.4, within(1e-9));
    }

    @Test
    void aFlaggedDriftDropsTheRevealingWindowsOfTheOldValue() {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 10; w++) {
            physics.add(49 + 50L * w, 50, 1, List.of("omega"), new double[]{2.6}, new double[]{0.1},
                    new double[]{0}, 0.2, 0.95, 97, GATED);
        }
        physics.physicsChanged();
        for (int w = 10; w < 40; w++) {
            physics.add(49 + 50L * w, 50, 1, List.of("omega"), new double[]{1.5}, new double[]{0.2},
                    new double[]{0}, 0.005, 0.95, 97, GATED);
        }
        assertThat(physics.revealed()).isFalse();
        // fused from all windows now, the newest 30 at 1.5 dominate the forgotten 2.6
        assertThat(physics.estimates()[0].mean()).isBetween(1.5, 1.75);
        assertThat(physics.estimates()[0].upper95()).isGreaterThan(2.3); // the unrevealed tier's width (revealed: ~1.9)
    }
}
