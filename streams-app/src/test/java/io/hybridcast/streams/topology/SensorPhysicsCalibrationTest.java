package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.physics.PriorRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
}
