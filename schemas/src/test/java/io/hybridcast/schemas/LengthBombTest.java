package io.hybridcast.schemas;

import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import org.apache.avro.SystemLimitException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Crafted messages whose counts promise far more than they hold: refused before Avro allocates by them. */
class LengthBombTest {

    private static final AvroSerde<SensorReading> READINGS = AvroSerde.of(SensorReading.class);

    /** A reading body up to (not including) its values array: sensorId, system, sequence, eventTime. */
    private static ByteArrayOutputStream readingPrefix(String id) {
        ByteArrayOutputStream out = header(SensorReading.getClassSchema());
        byte[] utf8 = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        varLong(out, utf8.length);
        out.writeBytes(utf8);
        varLong(out, 0); // PENDULUM
        varLong(out, 1); // sequence
        varLong(out, 1_700_000_000_000L);
        return out;
    }

    @Test
    void aTwentyByteMessageDeclaringAHundredMillionDoublesIsRefusedWithoutAllocating() {
        ByteArrayOutputStream out = readingPrefix("p");
        varLong(out, 100_000_000L);
        byte[] bomb = out.toByteArray();
        assertThat(bomb.length).isLessThan(30);

        long before = allocated();
        assertThatThrownBy(() -> READINGS.decode("sensor-readings", bomb))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("SensorReading.values")
                .hasMessageContaining("100000000")
                .hasMessageContaining("limit is " + DecodeLimits.MAX_VALUES);
        // today Avro sizes the list by the count: 100 MB of references at least
        assertThat(allocated() - before).isLessThan(10_000_000L);
    }

    @Test
    void aCountNearTwoToTheThirtyOneIsADecodingErrorNotAnOutOfMemoryError() {
        ByteArrayOutputStream out = readingPrefix("p");
        varLong(out, Integer.MAX_VALUE - 3L);
        byte[] bomb = out.toByteArray();
        assertThatThrownBy(() -> READINGS.decode("sensor-readings", bomb))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("limit is");
    }

    @Test
    void aCountWithinTheLimitButBeyondTheBytesLeftIsRefused() {
        ByteArrayOutputStream out = readingPrefix("p");
        varLong(out, 300); // within 512 values, but 2400 bytes of doubles do not follow
        out.writeBytes(new byte[16]);
        assertThatThrownBy(() -> READINGS.decode("sensor-readings", out.toByteArray()))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("300 items declared but only 16 bytes remain");
    }

    @Test
    void anOverlongIdOrStringLengthIsRefused() {
        String longId = "x".repeat(70_000);
        ByteArrayOutputStream out = readingPrefix(longId);
        varLong(out, 1);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).array());
        varLong(out, 0);
        assertThatThrownBy(() -> READINGS.decode("sensor-readings", out.toByteArray()))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("SensorReading.sensorId: string of 70000 bytes declared, the limit is "
                        + DecodeLimits.MAX_ID_BYTES);

        ByteArrayOutputStream declared = header(SensorReading.getClassSchema());
        varLong(declared, Integer.MAX_VALUE); // a string length with nothing behind it
        assertThatThrownBy(() -> READINGS.decode("sensor-readings", declared.toByteArray()))
                .isInstanceOf(RecordDecodingException.class).hasMessageContaining("limit is");
    }

    @Test
    void aTruthWithADescriptionOverTheTextLimitIsRefused() {
        AvroSerde<SensorTruth> truths = AvroSerde.of(SensorTruth.class);
        SensorTruth truth = SensorTruth.newBuilder().setSensorId("p").setSystem(SystemKind.PENDULUM)
                .setFromSequence(0).setPhysics(Map.of("omega", 2.0)).setUnmodelled(Map.of())
                .setDescription("d".repeat(70_000)).setPublishedAt(Instant.EPOCH).build();
        byte[] bytes = truths.encode("sensor-truth", truth);
        assertThatThrownBy(() -> truths.decode("sensor-truth", bytes))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("SensorTruth.description: string of 70000 bytes");
    }

    @Test
    void recordsWithinTheLimitsStillDecode() {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < DecodeLimits.MAX_VALUES; i++) {
            values.add((double) i);
        }
        SensorReading wide = SensorReading.newBuilder().setSensorId("é".repeat(256)).setSystem(SystemKind.PENDULUM)
                .setSequence(1).setEventTime(Instant.EPOCH).setValues(values).build();
        assertThat(READINGS.decode("t", READINGS.encode("t", wide))).isEqualTo(wide);
        for (var record : AvroSerdeTest.oneOfEach()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            AvroSerde<org.apache.avro.specific.SpecificRecord> serde = AvroSerde.of((Class) record.getClass());
            assertThat(serde.decode("t", serde.encode("t", record))).isEqualTo(record);
        }
        AvroSerde<DeadLetter> letters = AvroSerde.of(DeadLetter.class);
        DeadLetter big = DeadLetter.newBuilder().setSourceTopic("t").setSourcePartition(0).setSourceOffset(0)
                .setKey(ByteBuffer.wrap(new byte[400_000])).setValue(ByteBuffer.wrap(new byte[900_000]))
                .setStage("decode").setReason("r").setFailedAt(Instant.EPOCH).build();
        assertThat(letters.decode("t", letters.encode("t", big))).isEqualTo(big);
    }

    @Test
    void avrosOwnLimitsAreInstalled() {
        assertThat(DecodeLimits.installAvroLimits()).isTrue();
        assertThatThrownBy(() -> SystemLimitException.checkMaxCollectionLength(DecodeLimits.AVRO_MAX_ITEMS + 1L))
                .isInstanceOf(SystemLimitException.class);
    }

    private static ByteArrayOutputStream header(org.apache.avro.Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(KnownSchemas.fingerprint(schema)).array());
        return out;
    }

    private static void varLong(ByteArrayOutputStream out, long v) {
        long n = (v << 1) ^ (v >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
