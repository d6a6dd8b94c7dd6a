package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopologyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sensor that stops sending while its partition streams on is flagged as it happens ({@link SilentSensors}),
 * through the real topology; a paused partition, a sensor whose clock is offset from the others' and one reading
 * stamped far ahead raise nothing.
 */
class SilentSensorTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;
    final Random noise = new Random(11);

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("forecast.phase", "aligned",
                "pendulum.window.length", "10", "pendulum.hop", "5", "pendulum.context.windows", "2"), "test"),
                new ModelRegistry(), stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /**
     * Readings of the given sensors, in step, for sequences [from, to), leaving out the silent ones; the wall clock
     * moves on by a sample interval per sample, as it does when readings arrive in real time.
     */
    private void stream(List<String> sensors, long from, long to, Set<String> silent) {
        for (long s = from; s < to; s++) {
            for (String id : sensors) {
                if (!silent.contains(id)) {
                    fixture.pipe(reading(id, SystemKind.PENDULUM, s, Math.sin(0.3 * s) + 0.01 * noise.nextGaussian()));
                }
            }
            fixture.advanceWallClock(java.time.Duration.ofMillis(50));
        }
    }

    @Test
    void aSensorThatStopsIsFlaggedOnceWhileItIsSilentAndTheGapWhenItReturns() {
        List<String> fleet = List.of("p1", "p2", "p3");
        stream(fleet, 0, 100, Set.of());
        stream(fleet, 100, 160, Set.of("p2"));
        List<Anomaly> whileSilent = fixture.anomalies();
        assertThat(whileSilent).singleElement().satisfies(a -> {
            assertThat(a.getSensorId()).isEqualTo("p2");
            assertThat(a.getKind()).isEqualTo(AnomalyKind.SENSOR_FAULT);
            assertThat(a.getDetail()).isEqualTo("silent");
            assertThat(a.getFromSequence()).isEqualTo(100);
            // fault.silence.samples 10: flagged once the others have streamed 10 sample intervals on
            assertThat(a.getToSequence()).isEqualTo(109);
            assertThat(a.getExplanation()).startsWith("Silent: no reading for 0.5 s");
        });
        stream(fleet, 160, 200, Set.of());
        assertThat(fixture.anomalies()).singleElement().satisfies(a -> {
            assertThat(a.getSensorId()).isEqualTo("p2");
            assertThat(a.getDetail()).isEqualTo("dropout");
            assertThat(a.getFromSequence()).isEqualTo(100);
            assertThat(a.getToSequence()).isEqualTo(159);
        });
    }

    @Test
    void aPausedPartitionIsNotASilentSensor() {
        List<String> fleet = List.of("p1", "p2", "p3");
        stream(fleet, 0, 100, Set.of());
        // every sensor's readings resume 5 s later (a stalled producer): no silence, only each one's gap
        stream(fleet, 200, 300, Set.of());
        assertThat(fixture.anomalies()).hasSize(3).allSatisfy(a -> assertThat(a.getDetail()).isEqualTo("dropout"));
    }

    @Test
    void offsetClocksAndAReadingStampedAheadRaiseNothing() {
        // p2's clock runs 3 s ahead of the others' for the whole run: only each sensor's own time differences count
        for (long s = 0; s < 200; s++) {
            fixture.advanceWallClock(java.time.Duration.ofMillis(50));
            for (String id : List.of("p1", "p2", "p3")) {
                SensorReading r = reading(id, SystemKind.PENDULUM, s, Math.sin(0.3 * s));
                if (id.equals("p2")) {
                    r.setEventTime(r.getEventTime().plusSeconds(3));
                }
                if (id.equals("p3") && s == 120) {
                    r.setEventTime(r.getEventTime().plusSeconds(30)); // one reading stamped 30 s ahead
                }
                fixture.pipe(r);
            }
        }
        assertThat(fixture.anomalies()).noneMatch(a -> a.getDetail().equals("silent"));
    }

    @Test
    void oneSensorsReadingsUploadedAfterAnothersAreNoSilence() {
        // a gateway uploads each sensor's last three seconds in turn: the event times of p2 cover what p1's did,
        // and arrive within a moment of wall clock
        for (String id : List.of("p1", "p2")) {
            for (long s = 0; s < 60; s++) {
                fixture.pipe(reading(id, SystemKind.PENDULUM, s, Math.sin(0.3 * s)));
            }
        }
        assertThat(fixture.anomalies()).isEmpty();
    }

    @Test
    void zeroTurnsTheCheckOff() {
        fixture.close();
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("fault.silence.samples", "0"), "test"),
                new ModelRegistry(), stateDir.resolve("off"));
        List<String> fleet = List.of("p1", "p2");
        stream(fleet, 0, 50, Set.of());
        stream(fleet, 50, 120, Set.of("p2"));
        assertThat(fixture.anomalies()).isEmpty();
    }
}
