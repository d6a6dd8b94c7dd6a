package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.simulator.physics.AdvectionDiffusionSystem;
import io.hybridcast.simulator.physics.DoublePendulumSystem;
import io.hybridcast.simulator.physics.PendulumSystem;
import io.hybridcast.simulator.physics.PhysicalSystem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --random-faults}: every kind, sizes a user calls a fault, no overlap, the same for a seed. */
class RandomFaultsTest {

    /** A random fleet like the live-quality benchmark's: pendulums, a line, a double pendulum. */
    private static List<RandomFaults.Sensor> fleet() {
        List<RandomFaults.Sensor> sensors = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sensors.add(new RandomFaults.Sensor("pendulum-" + i, new PendulumSystem(), 1.0 + 0.15 * i,
                    new double[] {0.2, 10.0, 4.0}));
        }
        sensors.add(new RandomFaults.Sensor("advection-diffusion-0", new AdvectionDiffusionSystem(), 0.05,
                new double[] {0.05}));
        sensors.add(new RandomFaults.Sensor("double-pendulum-0", new DoublePendulumSystem(), 6.0,
                new double[] {0.1, 0.1}));
        return sensors;
    }

    private static final Duration HORIZON = Duration.ofMinutes(20);

    @Test
    void theSameSeedDrawsTheSameFaultsAndAnotherSeedOthers() {
        Scenario a = RandomFaults.draw(fleet(), 8, 42, HORIZON, Scenario.NONE);
        Scenario b = RandomFaults.draw(fleet(), 8, 42, HORIZON, Scenario.NONE);
        Scenario c = RandomFaults.draw(fleet(), 8, 43, HORIZON, Scenario.NONE);
        assertThat(a).isEqualTo(b);
        assertThat(a.faults()).isNotEqualTo(c.faults());
    }

    @Test
    void everyKindWithASizeThatIsAFaultWithoutOverlapAfterTheWarmUp() {
        List<RandomFaults.Sensor> sensors = fleet();
        Map<String, RandomFaults.Sensor> byId = sensors.stream()
                .collect(Collectors.toMap(RandomFaults.Sensor::id, s -> s, (x, y) -> x, LinkedHashMap::new));
        for (long seed = 1; seed <= 20; seed++) {
            Scenario drawn = RandomFaults.draw(sensors, 8, seed, HORIZON, Scenario.NONE);
            assertThat(drawn.faults()).hasSize(8);
            assertThat(drawn.faults().stream().map(FaultSpec::kind).collect(Collectors.toSet()))
                    .isEqualTo(EnumSet.allOf(FaultKind.class));
            assertThat(drawn.events()).hasSize(2).allSatisfy(e -> {
                assertThat(e.sensor()).startsWith("pendulum-");
                assertThat(e.kind()).isEqualTo(OperatingEvent.DRIVE_OFF);
                assertThat(e.durationSamples() * 0.05).isBetween(20.0, 45.0);
            });
            // the fleet accepts it (sensors, parameters, no overlapping ranges)
            Map<String, io.hybridcast.avro.SystemKind> kinds = new HashMap<>();
            sensors.forEach(s -> kinds.put(s.id(), s.system().kind()));
            drawn.validate(kinds);

            Map<String, double[]> physics = new HashMap<>();
            Map<String, List<long[]>> ranges = new HashMap<>();
            List<FaultSpec> inOrder = new ArrayList<>(drawn.faults());
            inOrder.sort(Comparator.comparingLong(FaultSpec::atSequence));
            for (FaultSpec f : inOrder) {
                PhysicalSystem system = byId.get(f.sensor()).system();
                double atSeconds = f.atSequence() * system.dt();
                assertThat(atSeconds).as("%s after the first minute", f).isGreaterThanOrEqualTo(60.0);
                assertThat(atSeconds + f.durationSamples() * system.dt()).isLessThanOrEqualTo(HORIZON.toSeconds());
                double[] p = physics.computeIfAbsent(f.sensor(), k -> new double[] {byId.get(k).physics()});
                switch (f.kind()) {
                    case PARAMETER_STEP -> {
                        assertThat(Math.abs(f.value() / p[0] - 1)).as("%s", f).isBetween(0.0999, 0.3001);
                        p[0] = f.value();
                    }
                    case PARAMETER_DRIFT -> {
                        assertThat(Math.abs(f.value() / p[0] - 1)).as("%s", f).isBetween(0.1499, 0.3001);
                        assertThat(f.durationSamples() * system.dt()).isBetween(60.0, 120.0);
                        p[0] = f.value();
                    }
                    case UNMODELLED_CHANGE -> {
                        int index = system.unmodelledNames().indexOf(f.parameter());
                        var range = system.unmodelledRanges().get(index);
                        assertThat(f.value()).isBetween(range.min(), range.max());
                    }
                    case SPIKE -> assertThat(Math.abs(f.magnitude())).isBetween(0.3, 0.8);
                    case NOISE_BURST -> assertThat(f.magnitude()).isBetween(10.0, 30.0);
                    default -> assertThat(f.durationSamples() * system.dt()).isBetween(1.0 - 1e-9, 5.0 + 1e-9);
                }
                if (f.kind() != FaultKind.PARAMETER_STEP && f.kind() != FaultKind.UNMODELLED_CHANGE) {
                    ranges.computeIfAbsent(f.sensor(), k -> new ArrayList<>())
                            .add(new long[] {f.atSequence(), f.endSequence()});
                }
            }
            drawn.events().forEach(e -> ranges.computeIfAbsent(e.sensor(), k -> new ArrayList<>())
                    .add(new long[] {e.atSequence(), e.endSequence() + 1}));
            ranges.forEach((sensor, list) -> {
                for (int i = 0; i < list.size(); i++) {
                    for (int j = 0; j < i; j++) {
                        long[] x = list.get(i);
                        long[] y = list.get(j);
                        assertThat(x[0] <= y[1] && y[0] <= x[1]).as("overlap on %s", sensor).isFalse();
                    }
                }
            });
        }
    }

    @Test
    void tooManyFaultsForTheRunAreRefusedWithAClearReason() {
        List<RandomFaults.Sensor> one = List.of(new RandomFaults.Sensor("pendulum-0", new PendulumSystem(), 2.0,
                new double[] {0.2, 10.0, 4.0}));
        assertThatThrownBy(() -> RandomFaults.draw(one, 40, 1, Duration.ofMinutes(3), Scenario.NONE))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("random-faults")
                .hasMessageContaining("--duration");
        assertThatThrownBy(() -> FleetSimulator.builder().randomFaults(-1)).hasMessageContaining("random-faults")
                .hasMessageContaining("-1");
    }

    @Test
    void aFleetInjectsItsRandomFaultsAndLogsThemAsATable() throws InterruptedException {
        CollectingSink sink = new CollectingSink();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        try (FleetSimulator fleet = FleetSimulator.builder().pendulums(3).advectionDiffusion(1).doublePendulums(1)
                .seed(11).randomFaults(7).randomFaultsHorizon(Duration.ofMinutes(4)).sink(sink)
                .rate(Rate.AS_FAST_AS_POSSIBLE).startEventTime(t0).maxRecords(60_000).build().start()) {
            assertThat(fleet.awaitCompletion(Duration.ofSeconds(60))).isTrue();
            assertThat(fleet.failure()).isNull();
            Scenario drawn = fleet.scenario();
            assertThat(drawn.faults()).hasSize(7);
            Set<FaultKind> published = sink.truths.stream().map(SensorTruth::getFault)
                    .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
            assertThat(published).isEqualTo(EnumSet.allOf(FaultKind.class));
            for (EventSpec e : drawn.events()) {
                assertThat(sink.readingsOf(e.sensor())).anySatisfy(r -> {
                    assertThat(r.getSequence()).isEqualTo(e.atSequence());
                    assertThat(r.getOperatingEvent()).isEqualTo("DRIVE_OFF");
                });
            }
            Map<String, PhysicalSystem> systems = new LinkedHashMap<>();
            systems.put("pendulum-0", new PendulumSystem());
            systems.put("pendulum-1", new PendulumSystem());
            systems.put("pendulum-2", new PendulumSystem());
            systems.put("advection-diffusion-0", new AdvectionDiffusionSystem());
            systems.put("double-pendulum-0", new DoublePendulumSystem());
            String table = RandomFaults.table(drawn, systems);
            assertThat(table.lines()).hasSize(1 + drawn.faults().size() + drawn.events().size());
            assertThat(table).contains("PARAMETER_STEP").contains("DRIVE_OFF").contains("at (s)");
        }
    }
}
