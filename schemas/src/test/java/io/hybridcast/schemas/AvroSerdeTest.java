package io.hybridcast.schemas;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.ParameterEstimate;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.050Z");

    static SensorReading reading() {
        return SensorReading.newBuilder().setSensorId("pendulum-7").setSystem(SystemKind.PENDULUM)
                .setSequence(42).setEventTime(T0).setValues(List.of(0.25)).build();
    }

    static List<SpecificRecord> oneOfEach() {
        return List.of(
                reading(),
                SensorTruth.newBuilder().setSensorId("pendulum-7").setSystem(SystemKind.PENDULUM)
                        .setFromSequence(0).setToSequence(null).setPhysics(Map.of("omega", 2.1))
                        .setUnmodelled(Map.of("gamma", 0.3, "A", 12.0, "f", 4.0)).setFault(FaultKind.PARAMETER_STEP)
                        .setDescription("omega steps from 2.10 to 2.60 rad/s").setPublishedAt(T0).build(),
                Forecast.newBuilder().setSensorId("pendulum-7").setSystem(SystemKind.PENDULUM).setModelVersion(3)
                        .setAlgorithm("meta-hybrid-vae").setIssueTime(T0).setFirstSequence(43).setStepMillis(50)
                        .setMean(List.of(List.of(0.2), List.of(0.1))).setLower(List.of(List.of(0.1), List.of(0.0)))
                        .setUpper(List.of(List.of(0.3), List.of(0.2)))
                        .setPhysics(List.of(new ParameterEstimate("omega", 2.08, 0.05)))
                        .setNeuralLatents(List.of(0.1, -0.4)).setContextSize(5).build(),
                Anomaly.newBuilder().setSensorId("pendulum-7").setSystem(SystemKind.PENDULUM)
                        .setKind(AnomalyKind.PHYSICS_DRIFT).setDetail("omega").setScore(6.3).setThreshold(4.0)
                        .setFromSequence(40).setToSequence(59).setDetectedAt(T0).setModelVersion(3L)
                        .setExplanation("omega moved from 2.10 to 2.61 rad/s").build(),
                ModelVersion.newBuilder().setSystem(SystemKind.PENDULUM).setVersion(3).setParentVersion(2L)
                        .setAlgorithm("meta-hybrid-vae").setSettingsJson("{\"epochs\":5}").setTrainingData("0:0-100")
                        .setMetrics(Map.of("mse_pred", 1e-3)).setCreatedAt(T0).setChunkIndex(0).setChunkCount(1)
                        .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).setSha256("ab").setSignature(null).build(),
                DeadLetter.newBuilder().setSourceTopic("sensor-readings").setSourcePartition(0).setSourceOffset(7)
                        .setKey(ByteBuffer.wrap("k".getBytes())).setValue(ByteBuffer.wrap(new byte[] {9}))
                        .setStage("decode").setReason("not Avro").setErrorClass(null).setFailedAt(T0).build());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> AvroSerde<T> serdeFor(T record) {
        return AvroSerde.of((Class<T>) record.getClass());
    }

    @Test
    void everyRecordSurvivesARoundTrip() {
        for (SpecificRecord record : oneOfEach()) {
            AvroSerde<SpecificRecord> serde = serdeFor(record);
            byte[] bytes = serde.serializer().serialize("t", record);
            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
            assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(record);
        }
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void todaysReaderReadsANewerWritersRecord() throws Exception {
        Schema v2;
        try (InputStream in = getClass().getResourceAsStream("/evolution/SensorReading-v2.avsc")) {
            v2 = new Schema.Parser().parse(in);
        }
        GenericRecord newer = new GenericData.Record(v2);
        newer.put("sensorId", "pendulum-9");
        newer.put("system", new GenericData.EnumSymbol(v2.getField("system").schema(), "PENDULUM"));
        newer.put("sequence", 5L);
        newer.put("eventTime", T0.toEpochMilli());
        newer.put("values", List.of(0.5));
        newer.put("firmware", "2.1.0");
        newer.put("quality", 87);
        byte[] bytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(newer));

        // Without the newer schema a reader cannot resolve the record, and says so.
        AvroSerde<SensorReading> unaware = new AvroSerde<>(SensorReading.class, KnownSchemas.empty());
        assertThatThrownBy(() -> unaware.decode("sensor-readings", bytes))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("sensor-readings")
                .hasMessageContaining(Long.toHexString(KnownSchemas.fingerprint(v2)));

        AvroSerde<SensorReading> aware = new AvroSerde<>(SensorReading.class, KnownSchemas.empty().register(v2));
        SensorReading read = aware.decode("sensor-readings", bytes);
        assertThat(read.getSensorId()).isEqualTo("pendulum-9");
        assertThat(read.getSequence()).isEqualTo(5L);
        assertThat(read.getEventTime()).isEqualTo(T0);
        assertThat(read.getValues()).containsExactly(0.5);
    }

    @Test
    void garbageBytesAreRefusedWithAClearReason() {
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        byte[] garbage = "{\"sensorId\":\"x\"}".getBytes();
        assertThatThrownBy(() -> serde.decode("sensor-readings", garbage))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("sensor-readings")
                .hasMessageContaining("not Avro single-object encoding");
        assertThatThrownBy(() -> serde.decode("sensor-readings", new byte[0]))
                .isInstanceOf(RecordDecodingException.class);
    }

    @Test
    void anUnknownFingerprintIsNamed() {
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        byte[] bytes = serde.encode("t", reading());
        bytes[5] ^= 0x5A; // corrupt the fingerprint
        assertThatThrownBy(() -> serde.decode("sensor-readings", bytes))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("fingerprint");
    }

    @Test
    void truncatedAndPaddedBodiesAreRefused() {
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        byte[] bytes = serde.encode("t", reading());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 4);
        assertThatThrownBy(() -> serde.decode("sensor-readings", truncated))
                .isInstanceOf(RecordDecodingException.class).hasMessageContaining("corrupt or truncated");
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> serde.decode("sensor-readings", padded))
                .isInstanceOf(RecordDecodingException.class).hasMessageContaining("trailing bytes");
    }

    @Test
    void randomBodiesNeverDecodeSilentlyToNull() {
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        byte[] header = Arrays.copyOf(serde.encode("t", reading()), 10);
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            byte[] body = new byte[random.nextInt(40)];
            random.nextBytes(body);
            byte[] bytes = Arrays.copyOf(header, 10 + body.length);
            System.arraycopy(body, 0, bytes, 10, body.length);
            try {
                assertThat(serde.decode("t", bytes)).isNotNull();
            } catch (RecordDecodingException expected) {
                assertThat(expected.getMessage()).startsWith("Cannot decode SensorReading from topic t");
            }
        }
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
