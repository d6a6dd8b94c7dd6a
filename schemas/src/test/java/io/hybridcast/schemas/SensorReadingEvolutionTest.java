package io.hybridcast.schemas;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SensorReading gained {@code operatingEvent} (v2): a reader of v1 still reads what today's simulator writes, and
 * today's reader still reads what was written before (records kept on a topic across an upgrade).
 */
class SensorReadingEvolutionTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Schema v1() throws IOException {
        try (InputStream in = SensorReadingEvolutionTest.class.getClassLoader()
                .getResourceAsStream(KnownSchemas.HISTORY_FOLDER + "SensorReading-v1.avsc")) {
            assertThat(in).as("history file SensorReading-v1.avsc").isNotNull();
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void anOlderReaderReadsANewerRecordWithAnEvent() throws Exception {
        SensorReading newer = SensorReading.newBuilder().setSensorId("pendulum-3").setSystem(SystemKind.PENDULUM)
                .setSequence(17).setEventTime(T0).setValues(List.of(0.5, -0.25)).setOperatingEvent("DRIVE_OFF").build();
        byte[] bytes = AvroSerde.of(SensorReading.class).encode("sensor-readings", newer);

        Schema v1 = v1();
        assertThat(v1.getField("operatingEvent")).isNull();
        // the older reader knows the writer's (today's) schema, as KnownSchemas would after an upgrade of the writer
        BinaryMessageDecoder<GenericRecord> older = new BinaryMessageDecoder<>(GenericData.get(), v1,
                KnownSchemas.empty().register(SensorReading.getClassSchema()).store());
        GenericRecord read = older.decode(ByteBuffer.wrap(bytes));
        assertThat(read.get("sensorId").toString()).isEqualTo("pendulum-3");
        assertThat(read.get("sequence")).isEqualTo(17L);
        assertThat(read.get("eventTime")).isEqualTo(T0.toEpochMilli());
        assertThat(List.copyOf((List<?>) read.get("values"))).isEqualTo(List.of(0.5, -0.25));
        assertThat(read.hasField("operatingEvent")).isFalse();
    }

    @Test
    void todaysReaderReadsARecordWrittenBeforeTheEventField() throws Exception {
        Schema v1 = v1();
        GenericRecord older = new GenericData.Record(v1);
        older.put("sensorId", "pendulum-3");
        older.put("system", new GenericData.EnumSymbol(v1.getField("system").schema(), "PENDULUM"));
        older.put("sequence", 9L);
        older.put("eventTime", T0.toEpochMilli());
        older.put("values", List.of(0.75));
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(older);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        // the shared store knows v1 from the history folder, so the records already on a topic stay readable
        SensorReading read = AvroSerde.of(SensorReading.class).decode("sensor-readings", bytes);
        assertThat(read.getSensorId()).isEqualTo("pendulum-3");
        assertThat(read.getSequence()).isEqualTo(9L);
        assertThat(read.getValues()).containsExactly(0.75);
        assertThat(read.getOperatingEvent()).isNull();
    }

    @Test
    void anEventSurvivesTheRoundTrip() {
        SensorReading reading = SensorReading.newBuilder().setSensorId("pendulum-3").setSystem(SystemKind.PENDULUM)
                .setSequence(0).setEventTime(T0).setValues(List.of(0.1)).setOperatingEvent("START_UP").build();
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        assertThat(serde.decode("t", serde.encode("t", reading)).getOperatingEvent()).isEqualTo("START_UP");
    }
}
