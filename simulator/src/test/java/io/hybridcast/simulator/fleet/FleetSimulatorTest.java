package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PendulumSystem;
import io.hybridcast.simulator.physics.PhysicalSystem;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FleetSimulatorTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CollectingSink run(FleetBuilder builder, long maxRecords) throws InterruptedException {
        CollectingSink sink = new CollectingSink();
        try (FleetSimulator fleet = builder.sink(sink).rate(Rate.AS_FAST_AS_POSSIBLE).startEventTime(T0)
                .maxRecords(maxRecords).build().start()) {
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            assertThat(fleet.failure()).isNull();
            assertThat(fleet.stats().readingsGenerated()).isEqualTo(sink.readings.size());
        }
        assertThat(sink.closed).isTrue();
        return sink;
    }

    @Test
    void aLiveSensorRunsContinuouslyFromAMovingStateAndAddsNoise() {
        PhysicalSystem pendulum = new PendulumSystem();
        SimulatedSensor sensor = new SimulatedSensor("p", pendulum, 0L, new SplittableRandom(3), List.of(), 100);
        double[] initial = sensor.state();
        assertThat(initial[1]).isNotZero(); // live sensors do not start at rest
        GroundTruthIntegrator integrator = new GroundTruthIntegrator();
        // the state is carried across 400 samples (8 windows of 50): one uninterrupted trajectory
        CollectingSink sink = new CollectingSink();
        for (int i = 0; i < 400; i++) {
            sensor.step(sink, integrator);
        }
        assertThat(sink.truths).hasSize(1); // no fault, no re-excitation: one initial truth
        SensorTruth truth = sink.truths.get(0);
        double omega = truth.getPhysics().get("omega");
        Map<String, Double> u = truth.getUnmodelled();
        OrdinaryDifferentialEquation ode = pendulum.equations(omega, new double[] {u.get("gamma"), u.get("A"), u.get("f")});
        double[][] expected = integrator.trajectory(ode, 0.0, initial, 0.05, 400);
        double sumSq = 0;
        for (int k = 0; k < 400; k++) {
            SensorReading r = sink.readings.get(k);
            assertThat(r.getSequence()).isEqualTo(k);
            assertThat(r.getEventTime()).isEqualTo(Instant.ofEpochMilli(50L * k));
            double residual = r.getValues().get(0) - expected[k][0];
            assertThat(Math.abs(residual)).isLessThan(0.06); // 6 sigma of the 0.01 noise
            sumSq += residual * residual;
        }
        assertThat(Math.sqrt(sumSq / 400)).isBetween(0.008, 0.012);
    }

    @Test
    void aDecayedAdvectionDiffusionLineIsReExcitedAndThatIsPublishedAsTruth() {
        SimulatedSensor sensor = new SimulatedSensor("ad", new io.hybridcast.simulator.physics.AdvectionDiffusionSystem(), 0L,
                new SplittableRandom(4), List.of(), 100);
        GroundTruthIntegrator integrator = new GroundTruthIntegrator();
        CollectingSink sink = new CollectingSink();
        // slowest decay: D = 0.01 gives a rate of 0.022/s, so 1.5 -> 0.1 takes about 6000 samples of 20 ms
        for (int i = 0; i < 12_000 && sink.truths.size() < 2; i++) {
            sensor.step(sink, integrator);
        }
        assertThat(sink.truths).hasSize(2);
        sensor.step(sink, integrator); // the first sample after the kick
        SensorTruth kick = sink.truths.get(1);
        assertThat(kick.getDescription()).contains("re-excited");
        assertThat(kick.getFault()).isNull();
        long at = kick.getFromSequence();
        double before = peak(sink.readings.get((int) at - 1));
        double after = peak(sink.readings.get((int) at));
        assertThat(before).isLessThan(0.11);
        assertThat(after).isGreaterThan(before + 0.4);
    }

    private static double peak(SensorReading r) {
        return r.getValues().stream().mapToDouble(Math::abs).max().orElseThrow();
    }

    @Test
    void aMixedFleetSamplesEverySensorInEventTimeOrderWithItsOwnParameters() throws InterruptedException {
        CollectingSink sink = run(FleetSimulator.builder().pendulums(2).advectionDiffusion(1).doublePendulums(1).seed(5), 900);
        assertThat(sink.readings).hasSize(900);
        Map<String, SystemKind> expectedKinds = Map.of("pendulum-0", SystemKind.PENDULUM, "pendulum-1",
                SystemKind.PENDULUM, "advection-diffusion-0", SystemKind.ADVECTION_DIFFUSION, "double-pendulum-0",
                SystemKind.DOUBLE_PENDULUM);
        expectedKinds.forEach((id, kind) -> {
            List<SensorReading> rs = sink.readingsOf(id);
            assertThat(rs).isNotEmpty();
            for (int i = 0; i < rs.size(); i++) {
                assertThat(rs.get(i).getSequence()).isEqualTo(i);
                assertThat(rs.get(i).getSystem()).isEqualTo(kind);
            }
        });
        // adv-diff samples every 20 ms, the pendulums every 50 ms: 2.5 times as many readings
        double ratio = (double) sink.readingsOf("advection-diffusion-0").size() / sink.readingsOf("pendulum-0").size();
        assertThat(ratio).isCloseTo(2.5, within(0.05));
        assertThat(sink.readingsOf("advection-diffusion-0").get(0).getValues()).hasSize(20);
        assertThat(sink.readingsOf("double-pendulum-0").get(0).getValues()).hasSize(2);
        for (int i = 1; i < sink.readings.size(); i++) {
            assertThat(sink.readings.get(i).getEventTime()).isAfterOrEqualTo(sink.readings.get(i - 1).getEventTime());
        }
        // one initial truth per sensor, with hidden parameters in range and different between the two pendulums
        SensorTruth p0 = sink.truthsOf("pendulum-0").get(0);
        SensorTruth p1 = sink.truthsOf("pendulum-1").get(0);
        assertThat(p0.getFromSequence()).isZero();
        assertThat(p0.getFault()).isNull();
        assertThat(p0.getPhysics().get("omega")).isBetween(0.785, 3.14).isNotEqualTo(p1.getPhysics().get("omega"));
        assertThat(sink.truthsOf("double-pendulum-0").get(0).getUnmodelled()).containsOnlyKeys("gamma1", "gamma2");
    }

    @Test
    void theSameSeedGivesTheSameFleet() throws InterruptedException {
        CollectingSink a = run(FleetSimulator.builder().pendulums(1).doublePendulums(1).seed(9), 200);
        CollectingSink b = run(FleetSimulator.builder().pendulums(1).doublePendulums(1).seed(9), 200);
        CollectingSink c = run(FleetSimulator.builder().pendulums(1).doublePendulums(1).seed(10), 200);
        assertThat(a.readings).isEqualTo(b.readings);
        assertThat(a.readings).isNotEqualTo(c.readings);
    }

    @Test
    void everyFaultChangesTheReadingsAndIsPublishedAsTruth() throws InterruptedException {
        Scenario scenario = Scenario.parse("""
                {"faults": [
                  {"sensor": "pendulum-0", "kind": "PARAMETER_STEP", "atSequence": 50, "parameter": "omega", "value": 3.0},
                  {"sensor": "pendulum-0", "kind": "SPIKE", "atSequence": 80, "magnitude": 5.0},
                  {"sensor": "pendulum-0", "kind": "STUCK", "atSequence": 100, "durationSamples": 10},
                  {"sensor": "pendulum-0", "kind": "DROPOUT", "atSequence": 120, "durationSamples": 5},
                  {"sensor": "pendulum-0", "kind": "NOISE_BURST", "atSequence": 140, "durationSamples": 40, "magnitude": 1000},
                  {"sensor": "pendulum-1", "kind": "PARAMETER_DRIFT", "atSequence": 20, "durationSamples": 100,
                   "parameter": "omega", "value": 0.5},
                  {"sensor": "pendulum-1", "kind": "UNMODELLED_CHANGE", "atSequence": 150, "parameter": "gamma", "value": 0.7}
                ]}""", "test");
        CollectingSink sink = run(FleetSimulator.builder().pendulums(2).seed(1).scenario(scenario).driftTruthInterval(25), 395);

        List<SensorReading> p0 = sink.readingsOf("pendulum-0");
        List<SensorTruth> t0 = sink.truthsOf("pendulum-0");
        // step
        SensorTruth step = t0.stream().filter(t -> t.getFault() == FaultKind.PARAMETER_STEP).findFirst().orElseThrow();
        assertThat(step.getFromSequence()).isEqualTo(50);
        assertThat(step.getToSequence()).isNull();
        assertThat(step.getPhysics().get("omega")).isEqualTo(3.0);
        assertThat(step.getDescription()).contains("omega steps from").contains("to 3");
        assertThat(step.getPublishedAt()).isEqualTo(T0.plusMillis(50 * 50));
        // spike: one sample shifted by ~5 against its neighbours
        assertThat(value(p0, 80) - (value(p0, 79) + value(p0, 81)) / 2).isGreaterThan(3.0);
        assertClosedFaultRange(t0, FaultKind.SPIKE, 80, 80);
        // stuck: ten identical values
        for (long s = 101; s < 110; s++) {
            assertThat(value(p0, s)).isEqualTo(value(p0, 100));
        }
        assertThat(value(p0, 110)).isNotEqualTo(value(p0, 100));
        assertClosedFaultRange(t0, FaultKind.STUCK, 100, 109);
        // dropout: a gap in the sequence numbers, truth says why
        assertThat(p0.stream().map(SensorReading::getSequence)).doesNotContain(120L, 121L, 122L, 123L, 124L).contains(125L);
        assertClosedFaultRange(t0, FaultKind.DROPOUT, 120, 124);
        // noise burst: std 10 instead of 0.01 makes consecutive differences large
        double burst = meanAbsDifference(p0, 141, 179);
        double calm = meanAbsDifference(p0, 181, 195);
        assertThat(burst).isGreaterThan(10 * calm);
        assertClosedFaultRange(t0, FaultKind.NOISE_BURST, 140, 179);
        // after each transient fault, an open healthy range
        assertThat(t0.stream().filter(t -> t.getFault() == null && t.getFromSequence() == 180).findFirst()).isPresent();

        List<SensorTruth> t1 = sink.truthsOf("pendulum-1");
        List<SensorTruth> drift = t1.stream().filter(t -> t.getFault() == FaultKind.PARAMETER_DRIFT).toList();
        assertThat(drift).extracting(SensorTruth::getFromSequence).containsExactly(20L, 45L, 70L, 95L);
        double start = t1.get(0).getPhysics().get("omega");
        assertThat(drift.get(0).getPhysics().get("omega")).isCloseTo(start + (0.5 - start) / 100, within(1e-12));
        assertThat(drift.get(3).getPhysics().get("omega")).isCloseTo(start + (0.5 - start) * 76 / 100, within(1e-12));
        SensorTruth end = t1.stream().filter(t -> t.getFromSequence() == 120).findFirst().orElseThrow();
        assertThat(end.getFault()).isNull();
        assertThat(end.getPhysics().get("omega")).isEqualTo(0.5);
        SensorTruth change = t1.stream().filter(t -> t.getFault() == FaultKind.UNMODELLED_CHANGE).findFirst().orElseThrow();
        assertThat(change.getFromSequence()).isEqualTo(150);
        assertThat(change.getUnmodelled().get("gamma")).isEqualTo(0.7);
        assertThat(change.getPhysics().get("omega")).isEqualTo(0.5);
    }

    @Test
    void severalThreadsKeepEverySensorsSequenceAndDataAndTheRecordLimit() throws InterruptedException {
        // enough records that both threads surely run (the simulation does about 400k records/s per thread)
        CollectingSink one = run(FleetSimulator.builder().pendulums(3).advectionDiffusion(1).doublePendulums(1).seed(8), 20_000);
        CollectingSink two = run(FleetSimulator.builder().pendulums(3).advectionDiffusion(1).doublePendulums(1).seed(8)
                .threads(2), 20_000);
        assertThat(two.readings).hasSize(20_000);
        for (String id : List.of("pendulum-0", "pendulum-1", "pendulum-2", "advection-diffusion-0", "double-pendulum-0")) {
            List<SensorReading> a = one.readingsOf(id);
            List<SensorReading> b = two.readingsOf(id);
            assertThat(b).isNotEmpty();
            int common = Math.min(a.size(), b.size());
            assertThat(b.subList(0, common)).isEqualTo(a.subList(0, common));
            for (int i = 0; i < b.size(); i++) {
                assertThat(b.get(i).getSequence()).isEqualTo(i);
            }
        }
    }

    @Test
    void aPacedFleetFollowsTheWallClockAtTheRequestedSpeedup() throws InterruptedException {
        CollectingSink sink = new CollectingSink();
        long begin = System.nanoTime();
        try (FleetSimulator fleet = FleetSimulator.builder().pendulums(1).sink(sink).rate(Rate.times(10))
                .maxRecords(101).build().start()) {
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(20))).isTrue();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        // 101 samples of 50 ms = 5 s of event time (the first at 0) = 0.5 s of wall time at 10x; unpaced it would
        // take milliseconds, in real time 5 s. The upper bound leaves room for a loaded machine.
        assertThat(seconds).isBetween(0.49, 3.0);
        assertThat(sink.readings).hasSize(101);
    }

    @Test
    void badSettingsNameTheSettingAndValue() {
        assertThatThrownBy(() -> FleetSimulator.builder().pendulums(-2)).hasMessageContaining("pendulums").hasMessageContaining("-2");
        assertThatThrownBy(() -> FleetSimulator.builder().maxRecords(-1)).hasMessageContaining("max-records").hasMessageContaining("-1");
        assertThatThrownBy(() -> FleetSimulator.builder().pendulums(0).sink(new CollectingSink()).build())
                .hasMessageContaining("at least one sensor");
        assertThatThrownBy(() -> FleetSimulator.builder().sink(new CollectingSink()).scenario(Scenario.parse(
                "{\"faults\":[{\"sensor\":\"pendulum-7\",\"kind\":\"SPIKE\",\"atSequence\":1,\"magnitude\":1}]}", "s")).build())
                .isInstanceOf(ScenarioException.class).hasMessageContaining("pendulum-7").hasMessageContaining("faults[0].sensor");
        assertThatThrownBy(() -> Rate.parse("fast")).hasMessageContaining("rate").hasMessageContaining("'fast'");
        assertThat(Rate.parse("10x").speedup()).isEqualTo(10.0);
        assertThat(Rate.parse("max").unpaced()).isTrue();
        assertThat(Rate.parse("real-time")).isEqualTo(Rate.REAL_TIME);
    }

    private static void assertClosedFaultRange(List<SensorTruth> truths, FaultKind kind, long from, long to) {
        SensorTruth t = truths.stream().filter(x -> x.getFault() == kind).findFirst().orElseThrow();
        assertThat(t.getFromSequence()).isEqualTo(from);
        assertThat(t.getToSequence()).isEqualTo(to);
        SensorTruth healthy = truths.stream().filter(x -> x.getFromSequence() == to + 1 && x.getFault() == null)
                .findFirst().orElseThrow();
        assertThat(healthy.getDescription()).contains("healthy again");
    }

    private static double value(List<SensorReading> readings, long sequence) {
        return readings.stream().filter(r -> r.getSequence() == sequence).findFirst().orElseThrow().getValues().get(0);
    }

    private static double meanAbsDifference(List<SensorReading> readings, long from, long to) {
        double sum = 0;
        for (long s = from; s < to; s++) {
            sum += Math.abs(value(readings, s + 1) - value(readings, s));
        }
        return sum / (to - from);
    }
}
