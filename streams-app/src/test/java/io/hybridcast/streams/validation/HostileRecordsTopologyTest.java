package io.hybridcast.streams.validation;

import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopologyFixture;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.StoreNames;
import io.hybridcast.streams.topology.TruthLog;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.hybridcast.streams.testing.TopologyFixture.reading;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records that used to throw outside the per-record handling (at an anomaly's emit or at commit), so the stream
 * thread died on the same offset for ever: through the real topology each is a dead letter with its reason, and
 * the sensor's next good reading is processed.
 */
class HostileRecordsTopologyTest {

    @TempDir
    Path stateDir;
    TopologyFixture fixture;

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(StreamsSettings.fromMap(Map.of("systems", "PENDULUM"), "test"),
                new ModelRegistry(), stateDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aNegativeEventTimeIsRefusedAndTheSensorGoesOn() {
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 0, 0.1));
        SensorReading early = reading("p1", SystemKind.PENDULUM, 10, 0.1); // a gap: a dropout would be emitted
        early.setEventTime(Instant.ofEpochMilli(-5_000));
        // a Kafka record cannot be stamped before 1970: the producer stamps it with its own clock
        fixture.pipeRaw("p1".getBytes(StandardCharsets.UTF_8),
                Topics.SENSOR_READINGS.valueSerde().serializer().serialize("t", early), TopologyFixture.T0);
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 1, 0.2));

        assertThat(fixture.deadLetters()).singleElement().satisfies(l -> {
            assertThat(l.getStage()).isEqualTo("validate");
            assertThat(l.getReason()).contains("eventTime -5000 ms is before 1970");
        });
        assertThat(state("p1").lastSequence()).isEqualTo(1);
    }

    @Test
    void idsBeyondTheLimitOrWithControlCharactersAreRefusedWithTheReason() {
        String longId = "s".repeat(Ids.MAX_LENGTH + 44);
        fixture.pipe(reading(longId, SystemKind.PENDULUM, 0, 0.1));
        fixture.pipe(reading("x".repeat(70_000), SystemKind.PENDULUM, 0, 0.1));
        fixture.pipe(reading("line\nbreak", SystemKind.PENDULUM, 0, 0.1));
        fixture.pipe(reading("p1", SystemKind.PENDULUM, 0, 0.1));

        List<DeadLetter> letters = fixture.deadLetters();
        assertThat(letters).extracting(DeadLetter::getStage).containsExactly("validate", "decode", "validate");
        assertThat(letters.get(0).getReason()).startsWith("sensorId has 300 characters, more than the 256 allowed");
        assertThat(letters.get(1).getReason()).contains("sensorId: string of 70000 bytes declared");
        assertThat(letters.get(2).getReason()).contains("control character U+000A");
        assertThat(letters).allSatisfy(l -> assertThat(l.getReason().length()).isLessThan(400));
        assertThat(state("p1")).isNotNull();
        assertThat(fixture.<SensorState>store(StoreNames.SENSOR_STATE).approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void aHugeKeyIsRefusedAndItsDeadLetterQuotesOnlyItsStart() {
        byte[] key = "k".repeat(350 * 1024).getBytes(StandardCharsets.UTF_8);
        SensorReading good = reading("p1", SystemKind.PENDULUM, 0, 0.1);
        TestOutputTopic<byte[], byte[]> raw = fixture.driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        fixture.pipeRaw(key, Topics.SENSOR_READINGS.valueSerde().serializer().serialize("t", good),
                good.getEventTime());
        fixture.pipe(good);

        TestRecord<byte[], byte[]> record = raw.readRecord();
        assertThat(raw.isEmpty()).isTrue();
        assertThat(record.key()).hasSize(DeadLetters.MAX_KEY_BYTES);
        DeadLetter letter = Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize("t", record.value());
        assertThat(letter.getReason()).startsWith("record key has 358400 characters, more than the 256 allowed")
                .endsWith("(key cut from 358400 to 1024 bytes)");
        assertThat(letter.getKey().remaining()).isEqualTo(DeadLetters.MAX_KEY_BYTES);
        assertThat(record.value().length).isLessThan(2 * 1024);
        assertThat(state("p1").readings()).isEqualTo(1);
    }

    @Test
    void aDeadLetterOfTheLargestRecordFitsInOneKafkaMessage() {
        byte[] key = new byte[350 * 1024];
        byte[] value = new byte[1024 * 1024];
        DeadLetter letter = DeadLetters.of("sensor-readings", 0, 7, key, value, DeadLetters.Stage.PROCESS,
                "r".repeat(200_000), new IllegalStateException(), 0);
        byte[] encoded = Topics.DEAD_LETTERS.valueSerde().serializer().serialize("dead-letters", letter);
        byte[] recordKey = DeadLetters.KEY_SERIALIZER.serialize("dead-letters", key);
        // the producer's and the broker's default limit is 1 MiB for the whole record batch
        assertThat(encoded.length + recordKey.length).isLessThan(1000 * 1000);
        assertThat(letter.getReason()).contains("reason cut from 200000 characters")
                .contains("key cut from 358400 to 1024 bytes").contains("value cut from 1048576 to 786432 bytes");
    }

    @Test
    void truthsWithAnOverlongDescriptionOrIdAreDeadLettersAndGoodOnesAreKept() {
        fixture.pipeTruth(truth("p1", "d".repeat(70_000)));
        fixture.pipeTruth(truth("t".repeat(300), "fine"));
        fixture.pipeTruth(truth("p1", "omega steps"));

        List<DeadLetter> letters = fixture.deadLetters();
        assertThat(letters).extracting(DeadLetter::getStage).containsExactly("decode", "validate");
        assertThat(letters.get(0).getReason()).contains("SensorTruth.description: string of 70000 bytes");
        assertThat(letters.get(1).getReason()).contains("sensorId has 300 characters");
        TruthLog log = fixture.<TruthLog>store(StoreNames.TRUTH).get("p1");
        assertThat(log.ranges).singleElement().satisfies(r -> assertThat(r.description()).isEqualTo("omega steps"));
    }

    private static SensorTruth truth(String id, String description) {
        return SensorTruth.newBuilder().setSensorId(id).setSystem(SystemKind.PENDULUM).setFromSequence(0)
                .setPhysics(Map.of("omega", 2.0)).setUnmodelled(Map.of()).setDescription(description)
                .setPublishedAt(TopologyFixture.T0).build();
    }

    private SensorState state(String id) {
        return fixture.<SensorState>store(StoreNames.SENSOR_STATE).get(id);
    }
}
