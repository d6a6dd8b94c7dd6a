package io.hybridcast.streams.benchmark;

import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.testing.TopologyFixture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Pushes mutated and random records through the real topology ({@code TopologyFactory.buildTopology} under a
 * {@code TopologyTestDriver}) and accounts for every one: accepted, dead-lettered (by stage), or escaped (an
 * exception out of the topology: on a real broker, a dead stream thread). Used by {@link FuzzBenchmark} (100 000+
 * records, {@code docs/benchmarks/fuzz.json}) and by {@code FuzzTest} (a few thousand, in CI).
 */
final class Fuzzer {

    /** What is done to a record. */
    enum Mutation { VALID, BIT_FLIP, TRUNCATE, LENGTH_BOMB, HUGE_ID, HUGE_KEY, NAN, RANDOM_BYTES, SEQUENCE, NULLS }

    /** Relative weights of {@link Mutation}, in its order. */
    private static final int[] WEIGHTS = {30, 12, 10, 10, 5, 2, 7, 10, 10, 4};
    private static final int SENSORS = 64;
    private static final int BATCH = 500;
    /** Wall-clock time per record: a fleet of 64 sensors at about one reading each per 640 ms. */
    private static final long TICK_MS = 10;
    private static final SystemKind[] SYSTEMS = SystemKind.values();

    /** The accounting of one run. */
    record Report(long records, long accepted, long decodeDeadLetters, long validateDeadLetters,
                  long processDeadLetters, long threadDeaths, long maxHeapMb, Map<Mutation, Long> byMutation,
                  List<String> escaped) {

        long deadLetters() {
            return decodeDeadLetters + validateDeadLetters + processDeadLetters;
        }

        /** Every record is accepted, dead-lettered or escaped, exactly once. */
        boolean accountedFor() {
            return records == accepted + deadLetters() + threadDeaths;
        }
    }

    private final Random random;
    private final Path stateDir;
    private final long[] nextSequence = new long[SENSORS];
    private final byte[] header;
    private TopologyFixture fixture;
    private int fixtures;
    private Instant now = TopologyFixture.T0;
    private long accepted;
    private long decode;
    private long validate;
    private long process;
    private long deaths;
    private long maxHeap;
    private final List<String> escaped = new ArrayList<>();

    Fuzzer(long seed, Path stateDir) {
        this.random = new Random(seed);
        this.stateDir = stateDir;
        this.header = Arrays.copyOf(encode(reading(0, 0)), 10);
    }

    /** Runs {@code records} records and returns the accounting. */
    Report run(long records) {
        Map<Mutation, Long> byMutation = new EnumMap<>(Mutation.class);
        fixture = newFixture();
        try {
            for (long i = 0; i < records; i++) {
                Mutation mutation = pick();
                byMutation.merge(mutation, 1L, Long::sum);
                byte[][] record = record(mutation);
                try {
                    fixture.pipeRaw(record[0], record[1], now);
                } catch (RuntimeException e) {
                    // on a broker this record would have killed the stream thread (and again after each restart)
                    deaths++;
                    if (escaped.size() < 20) {
                        escaped.add(mutation + ": " + e);
                    }
                    collect();
                    fixture.close();
                    fixture = newFixture();
                }
                if ((i + 1) % BATCH == 0) {
                    now = now.plusMillis(BATCH * TICK_MS);
                    fixture.advanceWallClock(Duration.ofMillis(BATCH * TICK_MS));
                    drain();
                }
            }
            collect();
        } finally {
            fixture.close();
        }
        return new Report(records, accepted, decode, validate, process, deaths, maxHeap / (1024 * 1024), byMutation,
                escaped);
    }

    private TopologyFixture newFixture() {
        try {
            Path dir = Files.createDirectories(stateDir.resolve("fixture-" + fixtures++));
            TopologyFixture f = new TopologyFixture(StreamsSettings.fromMap(Map.of(), "fuzz"), new ModelRegistry(), dir);
            // the driver's wall clock starts at T0: bring it to where the run is
            f.advanceWallClock(Duration.between(TopologyFixture.T0, now));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the outputs so far (and lets them go: the driver keeps them in memory). */
    private void drain() {
        for (DeadLetter letter : fixture.deadLetters()) {
            switch (letter.getStage()) {
                case "decode" -> decode++;
                case "validate" -> validate++;
                default -> process++;
            }
        }
        fixture.anomalies();
        fixture.forecasts();
        Runtime rt = Runtime.getRuntime();
        maxHeap = Math.max(maxHeap, rt.totalMemory() - rt.freeMemory());
    }

    /** Before the fixture goes: its outputs and its count of accepted readings. */
    private void collect() {
        drain();
        accepted += (long) fixture.metrics.count("hybridcast.readings", "outcome", "valid");
    }

    private Mutation pick() {
        int total = Arrays.stream(WEIGHTS).sum();
        int r = random.nextInt(total);
        for (Mutation m : Mutation.values()) {
            r -= WEIGHTS[m.ordinal()];
            if (r < 0) {
                return m;
            }
        }
        return Mutation.VALID;
    }

    /** {key, value} of one record. */
    private byte[][] record(Mutation mutation) {
        int sensor = random.nextInt(SENSORS);
        return switch (mutation) {
            case VALID -> keyed(sensor, encode(next(sensor)));
            case BIT_FLIP -> {
                byte[] bytes = encode(next(sensor));
                for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                yield keyed(sensor, bytes);
            }
            case TRUNCATE -> {
                byte[] bytes = encode(next(sensor));
                yield keyed(sensor, Arrays.copyOf(bytes, random.nextInt(bytes.length)));
            }
            case LENGTH_BOMB -> keyed(sensor, lengthBomb(sensor));
            case HUGE_ID -> {
                String id = "s".repeat(257 + random.nextInt(70_000));
                SensorReading r = reading(sensor, nextSequence[sensor]);
                r.setSensorId(id);
                yield new byte[][] {id.getBytes(StandardCharsets.UTF_8), encode(r)};
            }
            case HUGE_KEY -> {
                byte[] key = new byte[100 * 1024 + random.nextInt(250 * 1024)];
                Arrays.fill(key, (byte) 'k');
                yield new byte[][] {key, encode(next(sensor))};
            }
            case NAN -> {
                SensorReading r = next(sensor);
                List<Double> values = new ArrayList<>(r.getValues());
                double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                values.set(random.nextInt(values.size()), bad[random.nextInt(bad.length)]);
                r.setValues(values);
                yield keyed(sensor, encode(r));
            }
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                if (random.nextBoolean() && bytes.length >= 10) {
                    System.arraycopy(header, 0, bytes, 0, 10);
                }
                yield keyed(sensor, bytes);
            }
            case SEQUENCE -> keyed(sensor, encode(oddSequence(sensor)));
            case NULLS -> random.nextBoolean() ? new byte[][] {null, encode(next(sensor))}
                    : new byte[][] {id(sensor).getBytes(StandardCharsets.UTF_8), null};
        };
    }

    /** A sequence reset, a far jump, a negative sequence or event time, or an event time far in the future. */
    private SensorReading oddSequence(int sensor) {
        SensorReading r = reading(sensor, nextSequence[sensor]);
        switch (random.nextInt(5)) {
            case 0 -> {
                r.setSequence(0); // a reboot: the sensor counts from 0 again
                nextSequence[sensor] = 1;
            }
            case 1 -> r.setSequence(1_000_000_000_000_000L + random.nextInt(1000));
            case 2 -> r.setSequence(-1 - random.nextInt(1000));
            case 3 -> r.setEventTime(Instant.ofEpochMilli(-1 - random.nextInt(1_000_000)));
            default -> r.setEventTime(now.plus(Duration.ofDays(1 + random.nextInt(1000))));
        }
        return r;
    }

    /** A valid prefix, then a count that promises far more than follows. */
    private byte[] lengthBomb(int sensor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        long[] counts = {100_000_000L, Integer.MAX_VALUE - 3L, 1L << 62, 600, 513 + random.nextInt(10_000)};
        long count = counts[random.nextInt(counts.length)];
        if (random.nextBoolean()) {
            varLong(out, count); // the sensor id's length
        } else {
            byte[] id = id(sensor).getBytes(StandardCharsets.UTF_8);
            varLong(out, id.length);
            out.writeBytes(id);
            varLong(out, 0);
            varLong(out, nextSequence[sensor]);
            varLong(out, now.toEpochMilli());
            varLong(out, random.nextBoolean() ? count : -count); // the values' block count (negative: with a size)
            if (random.nextBoolean()) {
                varLong(out, 8 * count);
            }
        }
        out.writeBytes(new byte[random.nextInt(32)]);
        return out.toByteArray();
    }

    private SensorReading next(int sensor) {
        return reading(sensor, nextSequence[sensor]++);
    }

    private SensorReading reading(int sensor, long sequence) {
        SystemKind system = SYSTEMS[sensor % SYSTEMS.length];
        List<Double> values = new ArrayList<>();
        for (int c = 0; c < SensorSystems.of(system).channels(); c++) {
            values.add(Math.sin(0.1 * sequence + c + sensor));
        }
        return SensorReading.newBuilder().setSensorId(id(sensor)).setSystem(system).setSequence(sequence)
                .setEventTime(now).setValues(values).build();
    }

    private static String id(int sensor) {
        return "fuzz-" + sensor;
    }

    private byte[][] keyed(int sensor, byte[] value) {
        return new byte[][] {id(sensor).getBytes(StandardCharsets.UTF_8), value};
    }

    private static byte[] encode(SensorReading reading) {
        return Topics.SENSOR_READINGS.valueSerde().serializer().serialize(Topics.SENSOR_READINGS.name(), reading);
    }

    private static void varLong(ByteArrayOutputStream out, long v) {
        long n = (v << 1) ^ (v >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }
}
