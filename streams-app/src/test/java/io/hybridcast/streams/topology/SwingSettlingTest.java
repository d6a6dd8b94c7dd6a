package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.IntervalCalibration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the latents' long run starts: after the free swing's settling, not after a swing a later change excites. */
class SwingSettlingTest {

    /** Windows of 50 samples ending 49, 99, ... with the given free swings, forced amplitude std at noise 0.01. */
    static SensorPhysics physics(double... swings) {
        SensorPhysics p = new SensorPhysics();
        double forcedStd = 0.01 * Math.sqrt(2.0 / 50);
        for (int k = 0; k < swings.length; k++) {
            p.add(WindowReading.of(49 + 50L * k, 50, 1, List.of("omega"), new double[]{2}, new double[]{0.5},
                    new double[]{0}).withSwing(swings[k], Double.NaN).withForced(new double[]{0.1, forcedStd}),
                    new FusionSettings(0.95, 200, IntervalCalibration.NONE, 0));
        }
        return p;
    }

    @Test
    void aDecayingSwingSettlesWhereItStopsDecayingAndALaterSwingDoesNotMoveIt() {
        // decays by 0.85 a window (damping 0.13), then stays at a forcing's leak of 0.033 rad
        double[] swings = new double[30];
        for (int k = 0; k < swings.length; k++) {
            swings[k] = Math.max(0.033, 0.5 * Math.pow(0.85, k));
        }
        // 0.5 * 0.85^k reaches 0.033 at k = 17; the plateau test sees no decay from k = 19 and 20
        long settled = UnmodelledCheck.settling(physics(swings), 50);
        assertThat(settled).isBetween(49 + 50L * 15, 49 + 50L * 19);
        // a change at window 25 excites a new swing: the settling stays where it was
        double[] changed = swings.clone();
        for (int k = 25; k < 30; k++) {
            changed[k] = 1.0 * Math.pow(0.85, k - 25);
        }
        assertThat(UnmodelledCheck.settling(physics(changed), 50)).isEqualTo(settled);
        // still decaying at the newest window: nothing after the event is settled yet
        double[] decaying = new double[12];
        for (int k = 0; k < decaying.length; k++) {
            decaying[k] = 0.5 * Math.pow(0.85, k);
        }
        assertThat(UnmodelledCheck.settling(physics(decaying), 50)).isEqualTo(49 + 50L * 11);
    }

    /**
     * A slow pendulum (ω 1.41 rad/s, damping 0.087: a 2.5 s window holds 0.56 of a period) swinging from 0.4 rad at
     * start-up under a 3.44 Hz forcing: its swing loses a tenth a window for all 30 windows, so it is still settling.
     * The cubic's std rises and falls with the phase each window catches and alone calls it settled early.
     */
    @Test
    void aSlowPendulumsSwingIsJudgedByItsPhaseFreeSizeNotTheCubicsStd() {
        double omega = 1.41;
        double gamma = 0.087;
        double dt = 0.05;
        double forcedStd = 0.01 * Math.sqrt(2.0 / 50);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        SensorPhysics phaseFree = new SensorPhysics();
        SensorPhysics cubicOnly = new SensorPhysics();
        double damped = Math.sqrt(omega * omega - gamma * gamma / 4);
        for (int k = 0; k < 30; k++) {
            double[][] window = new double[50][1];
            for (int t = 0; t < 50; t++) {
                double time = (50 * k + t) * dt;
                window[t][0] = 0.4 * Math.exp(-gamma * time / 2) * Math.cos(damped * time)
                        + 0.05 * Math.cos(2 * Math.PI * 3.44 * time) + 0.01 * rng.nextGaussian();
            }
            double cubic = io.hybridcast.model.fusion.FreeSwing.of(window, 0);
            double amplitude = io.hybridcast.model.fusion.FreeSwing.amplitude(window, 0, omega, dt);
            phaseFree.add(WindowReading.of(49 + 50L * k, 50, 1, List.of("omega"), new double[]{omega},
                    new double[]{0.2}, new double[]{0}).withSwing(cubic, amplitude)
                    .withForced(new double[]{0.05, forcedStd}),
                    new FusionSettings(0.95, 200, IntervalCalibration.NONE, 0));
            cubicOnly.add(WindowReading.of(49 + 50L * k, 50, 1, List.of("omega"), new double[]{omega},
                    new double[]{0.2}, new double[]{0}).withSwing(cubic, Double.NaN)
                    .withForced(new double[]{0.05, forcedStd}),
                    new FusionSettings(0.95, 200, IntervalCalibration.NONE, 0));
        }
        assertThat(UnmodelledCheck.settling(phaseFree, 50)).isEqualTo(49 + 50L * 29);
        assertThat(UnmodelledCheck.settling(cubicOnly, 50)).isLessThan(49 + 50L * 20);
        // the amplitude survives the changelog (sensor-physics format 7)
        SensorPhysics back = SensorPhysics.SERDE.deserializer().deserialize("",
                SensorPhysics.SERDE.serializer().serialize("", phaseFree));
        assertThat(back.windowEstimates().peekLast().amplitude())
                .isEqualTo(phaseFree.windowEstimates().peekLast().amplitude()).isPositive();
        assertThat(UnmodelledCheck.settling(back, 50)).isEqualTo(49 + 50L * 29);
    }
}
