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
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The serde's direct writer against Avro's own single-object encoder ({@link BinaryMessageEncoder}, what the serde used
 * before): byte for byte, for every record type, with random values, and with the same exceptions for bad records.
 */
class DirectRecordWriterTest {

    private static final List<Class<? extends SpecificRecord>> TYPES = List.of(SensorReading.class,
            SensorTruth.class, Forecast.class, Anomaly.class, ModelVersion.class, DeadLetter.class);

    @Test
    void everyTopicsRecordTypeGetsADirectWriter() {
        for (Class<? extends SpecificRecord> type : TYPES) {
            SpecificData model = SpecificData.getForClass(type);
            assertThat(DirectRecordWriter.compile(model.getSchema(type), model)).as(type.getSimpleName()).isNotNull();
        }
    }

    @Test
    void oneOfEachIsWrittenByTheDirectWriterWithAvrosBytes() {
        for (SpecificRecord record : AvroSerdeTest.oneOfEach()) {
            assertDirectBytesEqualAvros(record);
        }
    }

    @Test
    void randomRecordsOfEveryTypeHaveAvrosBytes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            assertDirectBytesEqualAvros(randomReading(random));
            assertDirectBytesEqualAvros(randomTruth(random));
            assertDirectBytesEqualAvros(randomForecast(random));
            assertDirectBytesEqualAvros(randomAnomaly(random));
            assertDirectBytesEqualAvros(randomModelVersion(random));
            assertDirectBytesEqualAvros(randomDeadLetter(random));
        }
    }

    @Test
    void aPrimitiveDoubleArrayIsWrittenLikeAListOfDoubles() {
        Schema valuesSchema = SensorReading.getClassSchema().getField("values").schema();
        PrimitivesArrays.DoubleArray values = new PrimitivesArrays.DoubleArray(3, valuesSchema);
        values.add(0, 0.25);
        values.add(1, -0.0);
        values.add(2, Double.NaN);
        SensorReading primitive = new SensorReading("pendulum-1", SystemKind.PENDULUM, 3L, Instant.ofEpochMilli(5),
                values, null);
        SensorReading boxed = new SensorReading("pendulum-1", SystemKind.PENDULUM, 3L, Instant.ofEpochMilli(5),
                new ArrayList<>(List.of(0.25, -0.0, Double.NaN)), null);
        AvroSerde<SensorReading> serde = AvroSerde.of(SensorReading.class);
        assertThat(serde.encode("t", primitive)).isEqualTo(serde.encode("t", boxed)).isEqualTo(avro(boxed));
        assertDirectBytesEqualAvros(primitive);
        assertThat(serde.decode("t", serde.encode("t", primitive))).isEqualTo(boxed);
    }

    @Test
    void otherJavaTypesAvroAcceptsStillEncodeAsAvroDoes() {
        // a linked list, a Utf8 id, a sorted map: not what the generated builders make, but Avro writes them
        SensorReading reading = new SensorReading(new Utf8("pendulum-é").toString(), SystemKind.PENDULUM, 1L,
                Instant.ofEpochMilli(-1), new LinkedList<>(List.of(1.0, 2.0)), null);
        assertDirectBytesEqualAvros(reading);
        SensorTruth truth = randomTruth(new SplittableRandom(3));
        truth.setPhysics(new TreeMap<>(Map.of("b", 1.0, "a", 2.0)));
        assertDirectBytesEqualAvros(truth);
    }

    @Test
    void aRecordTheDirectWriterRefusesFailsAsAvroFails() {
        SensorReading noId = new SensorReading(null, SystemKind.PENDULUM, 1L, Instant.ofEpochMilli(1), List.of(1.0), null);
        SensorReading nullValue = new SensorReading("p", SystemKind.PENDULUM, 1L, Instant.ofEpochMilli(1),
                java.util.Arrays.asList(1.0, null), null);
        SensorTruth noTime = randomTruth(new SplittableRandom(1));
        noTime.put(noTime.getSchema().getField("publishedAt").pos(), null); // the setter refuses null
        for (SpecificRecord bad : List.<SpecificRecord>of(noId, nullValue, noTime)) {
            @SuppressWarnings("unchecked")
            AvroSerde<SpecificRecord> serde = AvroSerde.of((Class<SpecificRecord>) bad.getClass());
            Exception avrosError = null;
            try {
                new BinaryMessageEncoder<>(SpecificData.getForClass(bad.getClass()), bad.getSchema()).encode(bad);
            } catch (Exception e) {
                avrosError = e;
            }
            assertThat(avrosError).as("Avro refuses " + bad).isNotNull();
            String expected = "Cannot encode " + bad.getClass().getSimpleName() + " for topic t: " + avrosError.getMessage();
            Class<?> cause = avrosError.getClass();
            assertThatThrownBy(() -> serde.encode("t", bad)).isInstanceOf(SerializationException.class)
                    .hasMessage(expected).cause().isInstanceOf(cause);
        }
    }

    @Test
    void aLargeRecordGrowsTheScratchBufferAndStillMatches() {
        SplittableRandom random = new SplittableRandom(11);
        ModelVersion big = randomModelVersion(random);
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) random.nextInt();
        }
        big.setPayload(ByteBuffer.wrap(payload));
        assertDirectBytesEqualAvros(big);
        assertDirectBytesEqualAvros(randomModelVersion(random)); // a small one after it
    }

    private static void assertDirectBytesEqualAvros(SpecificRecord record) {
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) record.getClass();
        SpecificData model = SpecificData.getForClass(type);
        byte[] expected = avro(record);
        // the direct writer alone (so that the serde's fallback to Avro cannot hide a difference) ...
        DirectRecordWriter.Output out = new DirectRecordWriter.Output(16);
        DirectRecordWriter.compile(model.getSchema(type), model).write(record, out);
        byte[] body = out.toByteArray();
        assertThat(body.length).isEqualTo(expected.length - 10);
        assertThat(body).as("body of %s", record).isEqualTo(java.util.Arrays.copyOfRange(expected, 10, expected.length));
        // ... and the serde, header included
        assertThat(AvroSerde.of(type).encode("t", record)).as("%s", record).isEqualTo(expected);
    }

    private static byte[] avro(SpecificRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<>(SpecificData.getForClass(record.getClass()),
                    record.getSchema()).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static double anyDouble(SplittableRandom r) {
        return switch (r.nextInt(12)) {
            case 0 -> Double.NaN;
            case 1 -> Double.longBitsToDouble(0x7ff8_0000_0000_1234L); // a NaN with a payload
            case 2 -> -0.0;
            case 3 -> Double.POSITIVE_INFINITY;
            case 4 -> Double.NEGATIVE_INFINITY;
            case 5 -> Double.MIN_VALUE;
            case 6 -> Double.longBitsToDouble(r.nextLong());
            default -> r.nextDouble(-10, 10);
        };
    }

    private static long anyLong(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            case 2 -> r.nextLong(-200, 200);
            case 3 -> r.nextLong(-(1L << 40), 1L << 40);
            default -> r.nextLong();
        };
    }

    private static int anyInt(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> Integer.MIN_VALUE;
            case 1 -> Integer.MAX_VALUE;
            case 2 -> r.nextInt(-200, 200);
            default -> r.nextInt();
        };
    }

    private static String anyString(SplittableRandom r) {
        int n = r.nextInt(5) == 0 ? 0 : r.nextInt(1, 200);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.appendCodePoint(switch (r.nextInt(4)) {
                case 0 -> 0x1F600 + r.nextInt(50); // outside the BMP
                case 1 -> 0xE9 + r.nextInt(200);
                default -> 'a' + r.nextInt(26);
            });
        }
        return s.toString();
    }

    private static Instant anyInstant(SplittableRandom r) {
        return Instant.ofEpochMilli(r.nextLong(-(1L << 45), 1L << 45));
    }

    private static <E> E anyOf(SplittableRandom r, E[] values) {
        return values[r.nextInt(values.length)];
    }

    private static List<Double> doubles(SplittableRandom r, int n) {
        if (r.nextBoolean()) {
            Schema schema = Schema.createArray(Schema.create(Schema.Type.DOUBLE));
            PrimitivesArrays.DoubleArray array = new PrimitivesArrays.DoubleArray(n, schema);
            for (int i = 0; i < n; i++) {
                array.add(i, anyDouble(r));
            }
            return array;
        }
        List<Double> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(anyDouble(r));
        }
        return list;
    }

    private static Map<String, Double> doubleMap(SplittableRandom r) {
        Map<String, Double> map = new LinkedHashMap<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            map.put(anyString(r), anyDouble(r));
        }
        return map;
    }

    private static ByteBuffer anyBytes(SplittableRandom r) {
        byte[] bytes = new byte[r.nextInt(0, 100)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) r.nextInt();
        }
        return switch (r.nextInt(3)) {
            case 0 -> ByteBuffer.wrap(bytes);
            case 1 -> {
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
                direct.put(bytes).flip();
                yield direct;
            }
            default -> {
                // a slice with an array offset and a position inside it
                ByteBuffer slice = ByteBuffer.wrap(bytes, 0, bytes.length).slice();
                slice.position(Math.min(3, bytes.length));
                yield slice;
            }
        };
    }

    private static SensorReading randomReading(SplittableRandom r) {
        return new SensorReading(anyString(r), anyOf(r, SystemKind.values()), anyLong(r), anyInstant(r),
                doubles(r, r.nextInt(0, 25)), null);
    }

    private static SensorTruth randomTruth(SplittableRandom r) {
        return new SensorTruth(anyString(r), anyOf(r, SystemKind.values()), anyLong(r),
                r.nextBoolean() ? null : anyLong(r), doubleMap(r), doubleMap(r),
                r.nextBoolean() ? null : anyOf(r, FaultKind.values()), anyString(r), anyInstant(r));
    }

    private static Forecast randomForecast(SplittableRandom r) {
        int steps = r.nextInt(0, 4);
        List<List<Double>> mean = new ArrayList<>();
        List<List<Double>> lower = new ArrayList<>();
        List<List<Double>> upper = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            mean.add(doubles(r, 2));
            lower.add(doubles(r, 2));
            upper.add(doubles(r, 2));
        }
        List<ParameterEstimate> physics = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            physics.add(new ParameterEstimate(anyString(r), anyDouble(r), anyDouble(r)));
        }
        return Forecast.newBuilder().setSensorId(anyString(r)).setSystem(anyOf(r, SystemKind.values()))
                .setModelVersion(anyLong(r)).setAlgorithm(anyString(r)).setIssueTime(anyInstant(r))
                .setFirstSequence(anyLong(r)).setStepMillis(anyLong(r)).setMean(mean).setLower(lower).setUpper(upper)
                .setPhysics(physics).setNeuralLatents(doubles(r, r.nextInt(4))).setContextSize(anyInt(r)).build();
    }

    private static Anomaly randomAnomaly(SplittableRandom r) {
        return Anomaly.newBuilder().setSensorId(anyString(r)).setSystem(anyOf(r, SystemKind.values()))
                .setKind(anyOf(r, AnomalyKind.values())).setDetail(anyString(r)).setScore(anyDouble(r))
                .setThreshold(anyDouble(r)).setFromSequence(anyLong(r)).setToSequence(anyLong(r))
                .setDetectedAt(anyInstant(r)).setModelVersion(r.nextBoolean() ? null : anyLong(r))
                .setExplanation(anyString(r)).build();
    }

    private static ModelVersion randomModelVersion(SplittableRandom r) {
        Map<String, Double> metrics = doubleMap(r);
        return ModelVersion.newBuilder().setSystem(anyOf(r, SystemKind.values())).setVersion(anyLong(r))
                .setParentVersion(r.nextBoolean() ? null : anyLong(r)).setAlgorithm(anyString(r))
                .setSettingsJson(anyString(r)).setTrainingData(anyString(r)).setMetrics(metrics)
                .setCreatedAt(anyInstant(r)).setChunkIndex(anyInt(r)).setChunkCount(anyInt(r)).setPayload(anyBytes(r))
                .setSha256(anyString(r)).setSignature(r.nextBoolean() ? null : anyString(r)).build();
    }

    private static DeadLetter randomDeadLetter(SplittableRandom r) {
        return DeadLetter.newBuilder().setSourceTopic(anyString(r)).setSourcePartition(anyInt(r))
                .setSourceOffset(anyLong(r)).setKey(r.nextBoolean() ? null : anyBytes(r)).setValue(anyBytes(r))
                .setStage(anyString(r)).setReason(anyString(r)).setErrorClass(r.nextBoolean() ? null : anyString(r))
                .setFailedAt(anyInstant(r)).build();
    }
}
