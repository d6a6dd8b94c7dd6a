package io.hybridcast.streams.inference;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Scenario;
import io.hybridcast.streams.testing.ShippedBundleReplay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live example's damping change, on its own readings: the simulator's example fleet (seed 1) with the example
 * scenario through the real topology and the shipped pendulum bundle, no ground truth. pendulum-2's γ 0.13 → 0.7 at
 * sequence 900 ("a bearing starts to stick", in forced steady state 45 s in, while its start-up swing still decays)
 * is flagged as unmodelled dynamics naming γ within the onset the live score allows (300 samples); no other pendulum
 * raises a damping alarm, neither the one whose ω steps nor the one whose drive goes off and on.
 */
class DampingChangeTopologyTest {

    static final Path EXAMPLE = Path.of("..", "simulator", "src", "main", "resources", "scenarios", "example.json");
    static final Path MODEL = ShippedBundleReplay.BASE_MODELS.resolve("pendulum.bundle");
    static final long SAMPLES = 3100;

    @TempDir
    Path stateDir;

    @Test
    void theExamplesStickingBearingIsFlaggedNamingGammaAndNothingElseIs() throws Exception {
        List<SensorReading> readings = ShippedBundleReplay.simulate(FleetSimulator.builder().pendulums(4)
                .advectionDiffusion(1).doublePendulums(1).seed(1)
                .scenario(Scenario.parse(Files.readString(EXAMPLE), "example")).maxRecords(6 * SAMPLES * 5 / 2),
                Duration.ofSeconds(120)).stream()
                .filter(r -> r.getSystem() == SystemKind.PENDULUM && r.getSequence() < SAMPLES).toList();
        List<Anomaly> alarms = ShippedBundleReplay.replay(readings, MODEL, SystemKind.PENDULUM, stateDir).alarms();
        List<Anomaly> damping = alarms.stream().filter(a -> a.getKind() == AnomalyKind.UNMODELLED_DYNAMICS
                && "gamma".equals(a.getDetail())).toList();
        assertThat(damping).hasSize(1);
        Anomaly a = damping.get(0);
        assertThat(a.getSensorId()).isEqualTo("pendulum-2");
        assertThat(a.getToSequence()).isBetween(900L, 1200L);
        assertThat(a.getExplanation()).contains("decays faster").contains("gamma about");
    }
}
