package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.fusion.SensorLevelPosterior;
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
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"),
                    new double[]{omega + 0.001 * (w % 3)}, new double[]{0.05}, new double[]{0}),
                    FusionSettings.of(0.95, 97, calibration));
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
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"),
                    new double[]{startUp ? 2.0 + 0.01 * (w % 3) : 3.0}, new double[]{startUp ? 0.1 : 0.2},
                    new double[]{0}).withSwing(startUp ? 0.2 : 0.005, Double.NaN), FusionSettings.of(0.95, 97, GATED));
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
            ungated.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"), new double[]{startUp ? 2.0 : 3.0},
                    new double[]{startUp ? 0.1 : 0.2}, new double[]{0}).withSwing(startUp ? 0.2 : 0.005, Double.NaN),
                    FusionSettings.of(0.95, 97, new IntervalCalibration(0.09, PriorRange.PENDULUM)));
        }
        assertThat(ungated.estimates()[0].mean()).isGreaterThan(2.9);
    }

    @Test
    void aSensorThatRevealedNothingGetsTheWideUnrevealedInterval() {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 40; w++) {
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"), new double[]{2.0},
                    new double[]{0.05}, new double[]{0}).withSwing(0.005, Double.NaN),
                    FusionSettings.of(0.95, 97, GATED));
        }
        RandomEffects.Estimate e = physics.estimates()[0];
        assertThat(physics.revealed()).isFalse();
        // b_unrevealed = 0.3 at ω = 2: about ±2·0.6
        assertThat(e.upper95() - e.lower95()).isBetween(2.2, 2.6);
        // one revealing window moves it to the revealed tier, fused from that window alone
        physics.add(WindowReading.of(49 + 50L * 40, 50, 1, List.of("omega"), new double[]{2.4}, new double[]{0.1},
                new double[]{0}).withSwing(0.05, Double.NaN), FusionSettings.of(0.95, 97, GATED));
        assertThat(physics.revealed()).isTrue();
        assertThat(physics.estimates()[0].mean()).isCloseTo(2.4, within(1e-9));
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("",
                SensorPhysics.SERDE.serializer().serialize("", physics));
        assertThat(back.revealed()).isTrue();
        back.add(WindowReading.of(49 + 50L * 41, 50, 1, List.of("omega"), new double[]{3.0}, new double[]{0.1},
                new double[]{0}).withSwing(0.001, Double.NaN), FusionSettings.of(0.95, 97, GATED));
        assertThat(back.estimates()[0].mean()).isCloseTo(2.4, within(1e-9));
    }

    @Test
    void aFlaggedDriftDropsTheRevealingWindowsOfTheOldValue() {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < 10; w++) {
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"), new double[]{2.6}, new double[]{0.1},
                    new double[]{0}).withSwing(0.2, Double.NaN), FusionSettings.of(0.95, 97, GATED));
        }
        physics.physicsChanged(49 + 50L * 10);
        for (int w = 10; w < 40; w++) {
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"), new double[]{1.5}, new double[]{0.2},
                    new double[]{0}).withSwing(0.005, Double.NaN), FusionSettings.of(0.95, 97, GATED));
        }
        assertThat(physics.revealed()).isFalse();
        // fused from the windows since the change only: none of the old 2.6 left in it
        assertThat(physics.estimates()[0].mean()).isCloseTo(1.5, within(1e-9));
        assertThat(physics.estimates()[0].upper95()).isGreaterThan(2.3); // the unrevealed tier's width (revealed: ~1.9)
        // the checks still see every window
        assertThat(physics.windows()).isEqualTo(40);
    }

    @Test
    void afterAFlaggedStepAnUngatedSensorPublishesTheNewValueAtItsFirstWindow() {
        // the random run's line: D 0.0931 for 60 windows, a step to 0.0657 flagged at the first window after it
        SensorPhysics physics = new SensorPhysics();
        IntervalCalibration line = new IntervalCalibration(0.02, PriorRange.ADVECTION_DIFFUSION);
        for (int w = 0; w < 60; w++) {
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("D"),
                    new double[]{0.0931 + 0.001 * (w % 3 - 1)}, new double[]{0.003}, new double[]{0}),
                    FusionSettings.of(0.95, 97, line));
        }
        physics.physicsChanged(49 + 50L * 60);
        physics.add(WindowReading.of(49 + 50L * 60, 50, 1, List.of("D"), new double[]{0.0662}, new double[]{0.003},
                new double[]{0}), FusionSettings.of(0.95, 97, line));
        assertThat(physics.estimates()[0].mean()).isCloseTo(0.0662, within(1e-9));
        assertThat(physics.estimates()[0].upper95()).isLessThan(0.08);
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("",
                SensorPhysics.SERDE.serializer().serialize("", physics));
        back.add(WindowReading.of(49 + 50L * 61, 50, 1, List.of("D"), new double[]{0.0652}, new double[]{0.003},
                new double[]{0}), FusionSettings.of(0.95, 97, line));
        assertThat(back.estimates()[0].mean()).isBetween(0.0652, 0.0662);
    }

    /** Relative random-walk variance per sample of the default walk (0.106 per √minute) at 20 Hz. */
    private static final double WALK = 0.106 * 0.106 * 50 / 60_000.0;

    /** A start-up reveals ω = 1.6 in 6 windows of 2.5 s, then steady state reads 1.0 while ω drifts to 1.25. */
    private static SensorPhysics revealedThenSteady(int windows, double walk) {
        SensorPhysics physics = new SensorPhysics();
        for (int w = 0; w < windows; w++) {
            boolean startUp = w < 6;
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"),
                    new double[]{startUp ? 1.6 + 0.01 * (w % 3) : 1.0}, new double[]{startUp ? 0.08 : 0.45},
                    new double[]{0}).withSwing(startUp ? 0.2 : 0.005, Double.NaN),
                    new FusionSettings(0.95, 97, new IntervalCalibration(0.0685, PriorRange.PENDULUM, 0.949, 0.02),
                            walk));
        }
        return physics;
    }

    @Test
    void aRevealedEstimateWidensWithTheAgeOfItsNewestRevealingWindow() {
        RandomEffects.Estimate young = revealedThenSteady(7, 0).estimates()[0];
        RandomEffects.Estimate old = revealedThenSteady(6 + 54, WALK).estimates()[0]; // 135 s after the start-up
        RandomEffects.Estimate never = revealedThenSteady(6 + 54, 0).estimates()[0];
        assertThat(old.mean()).isCloseTo(young.mean(), within(1e-9)); // the steady windows do not move it
        assertThat(never.upper95() - never.lower95()).isCloseTo(young.upper95() - young.lower95(), within(1e-9));
        // 135 s of the walk: relative std sqrt(0.0685² + 0.106² · 2.25) = 0.17, 0.28 at 1.6, times Student's t
        // of about 5 windows (2.6): ±0.72 (never ageing: ±0.29)
        assertThat(old.upper95() - old.lower95()).isBetween(1.3, 1.6);
        assertThat(never.upper95() - never.lower95()).isBetween(0.5, 0.7);
        // the drifted ω (1.25, 22 % below) is inside the aged interval, not inside the one that never ages
        assertThat(old.lower95()).isLessThan(1.25);
        assertThat(never.lower95()).isGreaterThan(1.25);
    }

    @Test
    void aRevealedEstimateExpiresOnceItSaysLessThanSteadyState() {
        // after 2.5 hours the walk's std (1.3 · 1.6) is twice the unrevealed tier's (0.949 · 1.0)
        SensorPhysics physics = revealedThenSteady(6 + 3700, WALK);
        assertThat(physics.revealed()).isFalse();
        assertThat(physics.estimates()[0].mean()).isCloseTo(1.0, within(0.01));
        assertThat(revealedThenSteady(6 + 3700, 0).revealed()).isTrue();
    }

    @Test
    void windowsUnderASensorFaultAreNotPublished() {
        SensorPhysics clean = revealedThenSteady(20, WALK);
        SensorPhysics flagged = revealedThenSteady(20, WALK);
        IntervalCalibration gated = new IntervalCalibration(0.0685, PriorRange.PENDULUM, 0.949, 0.02);
        // a noise burst from sample 1010 to 1060 (flagged with its test's hold): its windows swing and read 2.6
        flagged.conditions().sensorFault(1010, 1060, 50);
        for (SensorPhysics p : List.of(clean, flagged)) {
            for (int w = 20; w < 22; w++) {
                p.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"), new double[]{2.6}, new double[]{0.3},
                        new double[]{0}).withSwing(0.08, Double.NaN), new FusionSettings(0.95, 97, gated, WALK));
            }
        }
        assertThat(flagged.conditions().underFault(1049, 50)).isTrue();
        assertThat(flagged.conditions().underFault(1109, 50)).isTrue();
        assertThat(flagged.conditions().underFault(1110, 50)).isFalse();
        assertThat(flagged.estimates()[0].mean()).isBetween(1.59, 1.62);
        assertThat(clean.estimates()[0].mean()).isGreaterThan(1.7); // the burst's windows would have passed the gate
        // the drift and latent checks still see every window, as they did before
        assertThat(flagged.windows()).isEqualTo(22);
        assertThat(flagged.recent(0, 2).mean()).isCloseTo(2.6, within(1e-9));
        // a later flag within a window of this one extends it; the range survives the changelog
        flagged.conditions().sensorFault(1100, 1120, 50);
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("",
                SensorPhysics.SERDE.serializer().serialize("", flagged));
        assertThat(back.conditions().underFault(1049, 50)).isTrue();
        assertThat(back.conditions().underFault(1169, 50)).isTrue();
        assertThat(back.conditions().underFault(1170, 50)).isFalse();
    }

    @Test
    void windowsPinnedAtThePriorBoundAreNotPublished() {
        // the random run's pendulum-0: its drive goes off, the free swing passes the gate, and the encoder reads the
        // prior range's lower bound with a tiny std in every window from then on
        SensorPhysics pinnedToo = revealedThenSteady(20, WALK);
        SensorPhysics before = revealedThenSteady(20, WALK);
        IntervalCalibration gated = new IntervalCalibration(0.0685, PriorRange.PENDULUM, 0.949, 0.02);
        for (int w = 20; w < 40; w++) {
            pinnedToo.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"), new double[]{0.392},
                    new double[]{0.01}, new double[]{0}).withSwing(0.3, Double.NaN),
                    new FusionSettings(0.95, 97, gated, WALK));
        }
        assertThat(before.estimates()[0].mean()).isBetween(1.59, 1.62);
        assertThat(pinnedToo.estimates()[0].mean()).isBetween(1.59, 1.62);
        assertThat(pinnedToo.estimates()[0].lower95()).isGreaterThan(1.0);
        // the checks still see them (physics drift skips a pinned window on its own)
        assertThat(pinnedToo.recent(0, 3).mean()).isCloseTo(0.392, within(1e-9));
        assertThat(SensorLevelPosterior.pinned(new double[]{0.40}, PriorRange.PENDULUM)).isTrue();
        assertThat(SensorLevelPosterior.pinned(new double[]{3.52}, PriorRange.PENDULUM)).isTrue();
        assertThat(SensorLevelPosterior.pinned(new double[]{0.45}, PriorRange.PENDULUM)).isFalse();
        assertThat(SensorLevelPosterior.pinned(new double[]{0.40}, null)).isFalse();
    }

    /**
     * A start-up reveals ω = 1.6, then steady state reads 1.0 while ω drifts to 1.25 over 100 s; the forced amplitude
     * follows ω² (0.05 at 1.6, per-window std {@code forcedStd}, noise of that size); NaN: not measured.
     */
    private static SensorPhysics drifting(double walk, double forcedStd, int windows) {
        SensorPhysics physics = new SensorPhysics();
        java.util.Random rng = new java.util.Random(5);
        for (int w = 0; w < windows; w++) {
            boolean startUp = w < 6;
            double omega = w < 10 ? 1.6 : Math.max(1.25, 1.6 - 0.35 * (w - 10) / 40.0);
            double[] forced = Double.isNaN(forcedStd) ? SensorPhysics.UNMEASURED
                    : new double[]{0.05 * omega * omega / (1.6 * 1.6) + forcedStd * rng.nextGaussian(), forcedStd};
            physics.add(WindowReading.of(49 + 50L * w, 50, 1, List.of("omega"),
                    new double[]{startUp ? 1.6 + 0.01 * (w % 3) : 1.0}, new double[]{startUp ? 0.08 : 0.45},
                    new double[]{0}).withSwing(startUp ? 0.2 : 0.005, Double.NaN).withForced(forced),
                    new FusionSettings(0.95, 97, new IntervalCalibration(0.0685, PriorRange.PENDULUM, 0.949, 0.02),
                            walk));
        }
        return physics;
    }

    @Test
    void theForcedAmplitudeCarriesARevealedEstimateThroughADrift() {
        RandomEffects.Estimate followed = drifting(WALK, 0.002, 60).estimates()[0];
        assertThat(followed.mean()).isCloseTo(1.25, within(0.03));
        assertThat(followed.lower95()).isLessThan(1.25);
        assertThat(followed.upper95()).isGreaterThan(1.25);
        // a weak forcing (amplitude std as large as the drop) moves it part of the way, and widens it more
        RandomEffects.Estimate weak = drifting(WALK, 0.02, 60).estimates()[0];
        assertThat(weak.mean()).isBetween(1.27, 1.59);
        assertThat(weak.upper95() - weak.lower95()).isGreaterThan(followed.upper95() - followed.lower95());
        // without a walk nothing may move; without an amplitude only the interval ages
        assertThat(drifting(0, 0.002, 60).estimates()[0].mean()).isBetween(1.59, 1.62);
        assertThat(drifting(WALK, Double.NaN, 60).estimates()[0].mean()).isBetween(1.59, 1.62);
    }

    @Test
    void withTheDriveOffThereIsNoForcedAmplitude() {
        SensorPhysics physics = new SensorPhysics();
        physics.operatingEvent(2400, true, false);
        assertThat(physics.conditions().driveOffIn(2399, 50)).isFalse();
        assertThat(physics.conditions().driveOffIn(2449, 50)).isTrue();
        physics.operatingEvent(3000, false, true);
        assertThat(physics.conditions().driveOffIn(3048, 50)).isTrue(); // 2999-3048: one reading with the drive off
        assertThat(physics.conditions().driveOffIn(3049, 50)).isFalse();
        physics.operatingEvent(3100, false, false); // a re-excitation leaves the drive as it was
        assertThat(physics.conditions().driveOffIn(3150, 50)).isFalse();
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("",
                SensorPhysics.SERDE.serializer().serialize("", physics));
        assertThat(back.conditions().driveOffIn(3048, 50)).isTrue();
        assertThat(back.conditions().driveOffIn(3049, 50)).isFalse();
    }
}
