package io.hybridcast.streams.validation;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.ContextSet;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.StoreNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/** A sensor that restarts its count, and one sequence far ahead, through the real topology. */
class SequencePolicyTopologyTest {

    private static final long INTERVAL_MS = 50; // the pendulum's sample interval

    @TempDir
    Path stateDir;
    TopologyFixture fixture;

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("systems", "PENDULUM",
                "pendulum.window.length", "10", "pendulum.hop", "5", "pendulum.context.windows", "2"), "test"),
                new ModelRegistry(), stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aRebootStartsANewSessionInsteadOfDeadLetteringUntilTheOldCountIsPassed() {
        for (long s = 0; s < 40; s++) {
            fixture.pipe(at("p1", s, s));
        }
        assertThat(contextWindows("p1")).isPositive();
        // rebooted: counts from 0 again, 2 s later
        for (long s = 0; s < 6; s++) {
            fixture.pipe(at("p1", s, 80 + s));
        }

        assertThat(fixture.deadLetters()).isEmpty();
        assertThat(fixture.anomalies()).extracting(Anomaly::getDetail).doesNotContain("dropout");
        SensorState state = fixture.<SensorState>store(StoreNames.SENSOR_STATE).get("p1");
        assertThat(state.lastSequence()).isEqualTo(5);
        assertThat(state.readings()).isEqualTo(46);
        assertThat(state.cursor().contiguousSamples()).isEqualTo(6);
        assertThat(contextWindows("p1")).isZero();
        // and the new session builds its windows again
        for (long s = 6; s < 10; s++) {
            fixture.pipe(at("p1", s, 80 + s));
        }
        assertThat(contextWindows("p1")).isEqualTo(1);
    }

    @Test
    void anImplausibleJumpIsRefusedWithoutPoisoningTheReadingsAfterIt() {
        for (long s = 0; s < 10; s++) {
            fixture.pipe(at("p1", s, s));
        }
        fixture.pipe(at("p1", 1_000_000_000_000_000L, 10));
        fixture.pipe(at("p1", 10, 10));
        fixture.pipe(at("p1", 11, 11));
        // a real gap that the elapsed time explains is a dropout, not a refusal
        fixture.pipe(at("p1", 500, 500));

        assertThat(fixture.deadLetters()).extracting(DeadLetter::getReason).singleElement().asString()
                .startsWith("sequence 1000000000000000 jumps 999999999999991 ahead of the last (9) but only 50 ms");
        assertThat(fixture.anomalies()).extracting(Anomaly::getDetail).containsExactly("dropout");
        assertThat(fixture.<SensorState>store(StoreNames.SENSOR_STATE).get("p1").lastSequence()).isEqualTo(500);
    }

    @Test
    void aLateOldReadingIsStillRefused() {
        fixture.pipe(at("p1", 5, 5));
        fixture.pipe(at("p1", 6, 6));
        fixture.pipe(at("p1", 3, 3));
        assertThat(fixture.deadLetters()).extracting(DeadLetter::getReason)
                .containsExactly("sequence 3 goes backwards (last was 6)");
    }

    /** A reading with sequence {@code seq} taken at T0 + {@code tick} sample intervals. */
    private static SensorReading at(String id, long seq, long tick) {
        SensorReading r = reading(id, SystemKind.PENDULUM, 0, Math.sin(0.3 * tick));
        r.setSequence(seq);
        r.setEventTime(TopologyFixture.T0.plusMillis(tick * INTERVAL_MS));
        return r;
    }

    private int contextWindows(String id) {
        ContextSet set = fixture.<ContextSet>store(StoreNames.CONTEXT_SETS).get(id);
        return set == null ? 0 : set.windows.size();
    }
}
