package io.hybridcast.streams.inference;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.SensorPhysics;
import io.hybridcast.streams.topology.StoreNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operating events are events, not faults: a re-excitation the controller announces makes the angle jump (the
 * swing restarts half a period off) and
 * changes the unmodelled drive, and raises nothing (no spike, range, forecast-deviation or unmodelled-dynamics
 * flag), while the same jump unannounced is flagged. The sensor-level physics is kept across the event.
 */
class OperatingEventTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    ModelAnomalyTopologyTest.ShiftedModel model;
    long seq;
    double phase = 0;

    @BeforeEach
    void start() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        model = new ModelAnomalyTopologyTest.ShiftedModel(new BundleModelLoader().load(
                TinyModels.pendulumVersion(1, null), TinyModels.pendulumBundle()));
        registry.swap(model);
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of(
                "pendulum.window.length", "20", "pendulum.hop", "5", "pendulum.context.windows", "2",
                "pendulum.horizon", "10", "batch.max.latency.ms", "100",
                // the tiny model's bands are too narrow for it: calibrate them before the event
                "anomaly.deviation.calibration.samples", "40",
                "anomaly.unmodelled.warmup.windows", "4", "forecast.calibration.warmup", "0"), "test"), registry, stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
        fixture.models.close();
    }

    void hops(int n, String eventAtFirst) {
        for (int h = 0; h < n; h++) {
            for (int i = 0; i < 5; i++, seq++) {
                SensorReading r = reading("p", SystemKind.PENDULUM, seq, 0.3 * Math.sin(0.3 * seq + phase));
                if (eventAtFirst != null && h == 0 && i == 0) {
                    r = SensorReading.newBuilder(r).setOperatingEvent(eventAtFirst).build();
                }
                fixture.pipe(r);
            }
            fixture.advanceWallClock(Duration.ofMillis(100));
        }
    }

    /** Runs up to a steady state, then the re-excitation: the swing restarts half a period off, the latents move. */
    List<Anomaly> reExcitation(String announced) {
        Random random = new Random(11);
        model.latents = ModelAnomalyTopologyTest.latents(random, 0.1, 0);
        hops(40, null);
        assertThat(fixture.anomalies()).isEmpty();
        assertThat(fixture.<SensorPhysics>store(StoreNames.SENSOR_PHYSICS).get("p").windows())
                .isGreaterThanOrEqualTo(7);
        phase = Math.PI;
        model.latents = ModelAnomalyTopologyTest.latents(random, 0.1, 1.5);
        hops(20, announced);
        return fixture.anomalies();
    }

    @Test
    void aReExcitationRaisesNothingAndKeepsThePhysics() {
        List<Anomaly> raised = reExcitation("RE_EXCITATION");
        assertThat(raised).isEmpty();
        SensorPhysics physics = fixture.<SensorPhysics>store(StoreNames.SENSOR_PHYSICS).get("p");
        assertThat(physics.lastEventSequence()).isEqualTo(200);
        // the sensor-level physics was kept: it holds windows from before the event as well as after
        assertThat(physics.windows()).isGreaterThanOrEqualTo(11);
    }

    @Test
    void theSameJumpUnannouncedIsFlagged() {
        assertThat(reExcitation(null)).extracting(a -> a.getKind().name() + "/" + a.getDetail())
                .isNotEmpty();
    }
}
