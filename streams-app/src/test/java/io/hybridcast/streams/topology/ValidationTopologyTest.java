package io.hybridcast.streams.topology;

import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopologyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/** Decode and validation through the real topology: every bad record reaches dead-letters with its reason. */
class ValidationTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("systems", "PENDULUM,DOUBLE_PENDULUM"), "test"),
                new ModelRegistry(), stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void corruptBytesReachDeadLettersWithCoordinatesAndOriginalBytes() {
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 0, 0.1));
        byte[] garbage = {(byte) 0xC3, 0x01, 9, 9, 9};
        fixture.pipeRaw("p1".getBytes(StandardCharsets.UTF_8), garbage, TopologyFixture.T0);

        List<DeadLetter> letters = fixture.deadLetters();
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0);
        assertThat(letter.getStage()).isEqualTo("decode");
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.SENSOR_READINGS.name());
        assertThat(letter.getSourcePartition()).isZero();
        assertThat(letter.getSourceOffset()).isEqualTo(1L);
        assertThat(letter.getReason()).isNotBlank();
        assertThat(letter.getErrorClass()).isNotNull();
        assertThat(bytes(letter.getValue())).isEqualTo(garbage);
        assertThat(bytes(letter.getKey())).isEqualTo("p1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidValuesAreRefusedWithTheReason() {
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 0, Double.NaN));
        fixture.pipe(reading("p2", SystemKind.PENDULUM, 0, Double.POSITIVE_INFINITY));
        fixture.pipe(reading("p3", SystemKind.PENDULUM, 0, 0.1, 0.2, 0.3));
        fixture.pipe(reading("a1", SystemKind.ADVECTION_DIFFUSION, 0, new double[20]));
        fixture.pipe("other-key", reading("p4", SystemKind.PENDULUM, 0, 0.1));
        SensorReading future = reading("p5", SystemKind.PENDULUM, 0, 0.1);
        future.setEventTime(TopologyFixture.T0.plusSeconds(3600));
        fixture.pipe(future);

        List<String> reasons = fixture.deadLetters().stream().map(DeadLetter::getReason).toList();
        assertThat(reasons).hasSize(6);
        assertThat(reasons.get(0)).contains("values[0] is NaN");
        assertThat(reasons.get(1)).contains("values[0] is Infinity");
        assertThat(reasons.get(2)).contains("values has 3 entries, PENDULUM expects 1");
        assertThat(reasons.get(3)).contains("unknown system ADVECTION_DIFFUSION");
        assertThat(reasons.get(4)).contains("differs from sensorId");
        assertThat(reasons.get(5)).contains("in the future");
        // nothing of them reached a sensor's state
        assertThat(fixture.<SensorState>store(StoreNames.SENSOR_STATE).approximateNumEntries()).isZero();
        assertThat(fixture.metrics.count("hybridcast.dead.letters", "stage", "validate"))
                .isEqualTo(6.0);
    }

    @Test
    void sequenceGoingBackwardsOrRepeatingIsRefused() {
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 5, 0.1));
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 5, 0.2));
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 3, 0.2));
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 6, 0.2));
        fixture.pipe(reading("p1", SystemKind.DOUBLE_PENDULUM, 7, 0.2, 0.1));

        List<DeadLetter> letters = fixture.deadLetters();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactly(
                "sequence 5 repeats the last one (duplicate sample)",
                "sequence 3 goes backwards (last was 5)",
                "sensor p1 is a PENDULUM sensor but this reading says DOUBLE_PENDULUM");
        assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(1L, 2L, 4L);
        SensorState state = fixture.<SensorState>store(StoreNames.SENSOR_STATE).get("p1");
        assertThat(state.lastSequence()).isEqualTo(6);
        assertThat(state.readings()).isEqualTo(2);
    }

    @Test
    void tombstoneIsADeadLetterNotASilentDrop() {
        fixture.pipeRaw("p1".getBytes(StandardCharsets.UTF_8), null, TopologyFixture.T0);
        assertThat(fixture.deadLetters()).singleElement()
                .satisfies(l -> assertThat(l.getReason()).contains("tombstone"));
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
