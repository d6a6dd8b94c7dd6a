package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.physics.AdvectionDiffusionSystem;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PendulumSystem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Operating events: announced in the readings, published as truth without a fault, and real in the physics. */
class OperatingEventsTest {

    private static final Scenario DRIVE_OFF = Scenario.parse("""
            {"faults": [], "events": [
              {"sensor": "p", "event": "DRIVE_OFF", "atSequence": 100, "durationSamples": 200, "comment": "free swing"}
            ]}""", "test");

    private static CollectingSink steps(SimulatedSensor sensor, int n, double[][] statesOut) {
        GroundTruthIntegrator integrator = new GroundTruthIntegrator();
        CollectingSink sink = new CollectingSink();
        for (int i = 0; i < n; i++) {
            if (statesOut != null) {
                statesOut[i] = sensor.state();
            }
            sensor.step(sink, integrator);
        }
        return sink;
    }

    @Test
    void theFirstSampleAnnouncesAStartUpAndNoOtherSampleAnnouncesAnything() {
        SimulatedSensor sensor = new SimulatedSensor("p", new PendulumSystem(), 0L, new SplittableRandom(3), List.of(), 100);
        List<SensorReading> readings = steps(sensor, 300, null).readings;
        assertThat(readings.get(0).getOperatingEvent()).isEqualTo("START_UP");
        assertThat(readings.subList(1, 300)).allSatisfy(r -> assertThat(r.getOperatingEvent()).isNull());
    }

    @Test
    void theDriveGoesOffAndOnAnnouncedInTheReadingsWithATruthWithoutFault() {
        SimulatedSensor sensor = new SimulatedSensor("p", new PendulumSystem(), 0L, new SplittableRandom(3),
                DRIVE_OFF, 100);
        double[][] states = new double[400][];
        CollectingSink sink = steps(sensor, 400, states);
        List<SensorReading> readings = sink.readings;
        assertThat(readings.get(100).getOperatingEvent()).isEqualTo("DRIVE_OFF");
        assertThat(readings.get(300).getOperatingEvent()).isEqualTo("DRIVE_ON");
        assertThat(readings.stream().filter(r -> r.getOperatingEvent() != null)).hasSize(3); // with the start-up

        SensorTruth initial = sink.truths.get(0);
        double amplitude = initial.getUnmodelled().get("A");
        assertThat(amplitude).isPositive();
        SensorTruth off = truthFrom(sink, 100);
        assertThat(off.getFault()).isNull();
        assertThat(off.getUnmodelled()).containsEntry("A", 0.0)
                .containsEntry("gamma", initial.getUnmodelled().get("gamma"));
        assertThat(off.getPhysics()).isEqualTo(initial.getPhysics());
        assertThat(off.getDescription()).contains("drive off");
        SensorTruth on = truthFrom(sink, 300);
        assertThat(on.getFault()).isNull();
        assertThat(on.getUnmodelled()).containsEntry("A", amplitude);

        // while the drive is off the pendulum swings freely: the unforced ODE from the state at sample 100
        double omega = initial.getPhysics().get("omega");
        Map<String, Double> u = initial.getUnmodelled();
        double[][] free = new GroundTruthIntegrator().trajectory(new PendulumSystem().equations(omega,
                new double[] {u.get("gamma"), 0.0, u.get("f")}), 100 * 0.05, states[100], 0.05, 200);
        double[][] forced = new GroundTruthIntegrator().trajectory(new PendulumSystem().equations(omega,
                new double[] {u.get("gamma"), amplitude, u.get("f")}), 100 * 0.05, states[100], 0.05, 200);
        double freeError = 0;
        double forcedError = 0;
        for (int k = 0; k < 200; k++) {
            double observed = readings.get(100 + k).getValues().get(0);
            assertThat(Math.abs(observed - free[k][0])).isLessThan(0.06); // 6 sigma of the 0.01 noise
            freeError += Math.abs(observed - free[k][0]);
            forcedError += Math.abs(observed - forced[k][0]);
        }
        assertThat(forcedError).isGreaterThan(10 * freeError);
    }

    @Test
    void aReExcitationIsAnnouncedInTheFirstReadingAfterTheKick() {
        SimulatedSensor sensor = new SimulatedSensor("ad", new AdvectionDiffusionSystem(), 0L, new SplittableRandom(4),
                List.of(), 100);
        GroundTruthIntegrator integrator = new GroundTruthIntegrator();
        CollectingSink sink = new CollectingSink();
        for (int i = 0; i < 12_000 && sink.truths.size() < 2; i++) {
            sensor.step(sink, integrator);
        }
        sensor.step(sink, integrator);
        long kicked = sink.truths.get(1).getFromSequence();
        assertThat(sink.truths.get(1).getDescription()).contains("re-excited");
        assertThat(sink.readings.get((int) kicked).getOperatingEvent()).isEqualTo("RE_EXCITATION");
        assertThat(sink.readings.get((int) kicked - 1).getOperatingEvent()).isNull();
    }

    @Test
    void eventsThatCannotHappenAreRefusedNamingTheEntry() {
        Map<String, SystemKind> fleet = Map.of("pendulum-0", SystemKind.PENDULUM,
                "double-pendulum-0", SystemKind.DOUBLE_PENDULUM);
        assertThatThrownBy(() -> Scenario.parse("""
                {"faults": [], "events": [{"sensor": "double-pendulum-0", "event": "DRIVE_OFF", "atSequence": 5,
                  "durationSamples": 10}]}""", "s").validate(fleet))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("events[0]").hasMessageContaining("no drive");
        assertThatThrownBy(() -> Scenario.parse("""
                {"faults": [{"sensor": "pendulum-0", "kind": "STUCK", "atSequence": 12, "durationSamples": 5}],
                 "events": [{"sensor": "pendulum-0", "event": "DRIVE_OFF", "atSequence": 5, "durationSamples": 10}]}
                """, "s").validate(fleet))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("overlaps faults[0]");
        assertThatThrownBy(() -> Scenario.parse("""
                {"faults": [], "events": [{"sensor": "pendulum-0", "event": "RE_EXCITATION", "atSequence": 5,
                  "durationSamples": 10}]}""", "s"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("events[0].event")
                .hasMessageContaining("RE_EXCITATION");
        assertThatThrownBy(() -> Scenario.parse("""
                {"faults": [], "events": [{"sensor": "pendulum-0", "event": "DRIVE_OFF", "atSequence": 5}]}""", "s"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("events[0].durationSamples");
    }

    private static SensorTruth truthFrom(CollectingSink sink, long from) {
        return sink.truths.stream().filter(t -> t.getFromSequence() == from).findFirst().orElseThrow();
    }
}
