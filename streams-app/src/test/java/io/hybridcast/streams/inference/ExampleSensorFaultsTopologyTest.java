package io.hybridcast.streams.inference;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.topology.SensorPhysics;
import io.hybridcast.streams.topology.StoreNames;
import io.hybridcast.streams.testing.CollectingSink;
import io.hybridcast.streams.testing.TopologyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model-free sensor-fault checks on the live example scenario's own readings (the simulator's fleet with seed
 * 1, as the local stack runs it), through the real topology with no model: each injected sensor fault is flagged
 * on its sensor, the 20-fold noise burst of the forced pendulum-0 by the noise check within 2 s (the live run's
 * miss: its forcing hides the burst from the spike check), and nothing else is flagged on 160 s of six sensors,
 * the drive of pendulum-3 switched off and on (announced) included.
 */
class ExampleSensorFaultsTopologyTest {

    static final Path EXAMPLE = Path.of("..", "simulator", "src", "main", "resources", "scenarios", "example.json");

    @TempDir
    Path stateDir;

    @Test
    void theExampleSensorFaultsAreFlaggedAndNothingElse() throws Exception {
        CollectingSink sink = new CollectingSink();
        try (FleetSimulator fleet = FleetSimulator.builder().pendulums(4).advectionDiffusion(1).doublePendulums(1)
                .seed(1).scenario(Scenario.parse(Files.readString(EXAMPLE), "example"))
                .rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords(27_000).startEventTime(TopologyFixture.T0).sink(sink)
                .build()) {
            fleet.start();
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(60))).isTrue();
        }
        List<SensorReading> readings = new ArrayList<>(sink.readings);
        readings.sort(Comparator.comparing(SensorReading::getEventTime).thenComparing(SensorReading::getSensorId));
        assertThat(readings).filteredOn(r -> r.getSensorId().equals("pendulum-3"))
                .anySatisfy(r -> assertThat(r.getSequence()).isGreaterThan(3100)); // past DRIVE_ON at 3000
        List<Anomaly> alarms;
        try (TopologyFixture f = new TopologyFixture(StreamsSettings.fromMap(Map.of(
                "validation.future.tolerance.ms", "86400000"), "test"), new ModelRegistry(), stateDir)) {
            readings.forEach(f::pipe);
            alarms = f.anomalies();
            // the burst's windows are kept out of pendulum-0's sensor-level physics, up to the test's hold
            SensorPhysics physics = f.<SensorPhysics>store(StoreNames.SENSOR_PHYSICS).get("pendulum-0");
            assertThat(physics.conditions().underFault(2049, 50)).isTrue();
            assertThat(physics.conditions().underFault(2149, 50)).isTrue();
            assertThat(physics.conditions().underFault(2199, 50)).isTrue();
            assertThat(physics.conditions().underFault(2349, 50)).isFalse();
            // pendulum-1 had no sensor fault (its drift is physics)
            SensorPhysics drifting = f.<SensorPhysics>store(StoreNames.SENSOR_PHYSICS).get("pendulum-1");
            for (long end = 49; end < 3000; end += 50) {
                assertThat(drifting.conditions().underFault(end, 50)).as("pendulum-1 window ending %d", end).isFalse();
            }
        }
        assertThat(alarms).allSatisfy(a -> assertThat(a.getKind()).isEqualTo(AnomalyKind.SENSOR_FAULT));
        assertThat(flagged(alarms, "pendulum-0", "noise", 2000, 2040)).isTrue();
        assertThat(flagged(alarms, "advection-diffusion-0", "spike", 1000, 1000)).isTrue();
        assertThat(flagged(alarms, "double-pendulum-0", "stuck", 800, 830)).isTrue();
        assertThat(flagged(alarms, "pendulum-3", "dropout", 1539, 1539)).isTrue();
        // every alarm lies within a window after an injected fault (pendulum-0's omega step at 1200 changes its
        // one-step prediction errors, which the noise check may see)
        assertThat(alarms).allSatisfy(a -> assertThat(
                within(a, "pendulum-0", 1200, 1260) || within(a, "pendulum-0", 2000, 2150)
                        || within(a, "advection-diffusion-0", 1000, 1050)
                        || within(a, "double-pendulum-0", 800, 910) || within(a, "pendulum-3", 1500, 1590))
                .as("alarm %s/%s on %s at %d", a.getKind(), a.getDetail(), a.getSensorId(), a.getToSequence())
                .isTrue());
    }

    static boolean flagged(List<Anomaly> alarms, String sensor, String detail, long from, long to) {
        return alarms.stream().anyMatch(a -> a.getDetail().equals(detail) && within(a, sensor, from, to));
    }

    static boolean within(Anomaly a, String sensor, long from, long to) {
        return a.getSensorId().equals(sensor) && a.getToSequence() >= from && a.getToSequence() <= to;
    }
}
