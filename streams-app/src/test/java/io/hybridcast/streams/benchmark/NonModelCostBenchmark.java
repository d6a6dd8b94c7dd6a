package io.hybridcast.streams.benchmark;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.topology.TopologyFactory;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The forecaster's CPU per reading outside the model calls, on one thread without a broker: the real topology in a
 * {@link TopologyTestDriver} (RocksDB stores, changelogs captured), fed the readings {@link StreamsBenchmark} sends
 * (200 pendulums), at real-time pacing (50 ms of wall clock per round of readings, so the micro-batches form as
 * live) and with a commit after every reading, as the driver does (each reading's sensor is written back: the
 * real-time case, where a commit holds about one reading per sensor). What a shared machine's load does to rates
 * and to the commit frequency of a broker run does not enter: the thread's CPU time minus the model calls' is
 * repeatable to a few per cent, so main and a branch can be compared by it. Also counts the changelog bytes per
 * reading per store. In-memory stores by default: with RocksDB each of the driver's commits also flushes every store to
 * disk, which a broker run does once per commit interval. Usage:
 * {@code NonModelCostBenchmark [sensors] [samples] [passes] [in_memory|rocksdb]}.
 */
public final class NonModelCostBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private NonModelCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sensors = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        // rocksdb: each of the driver's commits (one per reading) also flushes every store to disk
        String storeType = args.length > 3 ? args[3] : "in_memory";
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < sensors; i++) {
                String id = "bench-" + i;
                double value = Math.sin(0.3 * s + i) + 0.01 * Math.cos(7.1 * s * (i + 1));
                SensorReading r = SensorReading.newBuilder().setSensorId(id).setSystem(SystemKind.PENDULUM)
                        .setSequence(s).setEventTime(start.plusMillis(50L * s)).setValues(List.of(value)).build();
                keys.add(id.getBytes(StandardCharsets.UTF_8));
                values.add(Topics.SENSOR_READINGS.valueSerde().serializer().serialize(Topics.SENSOR_READINGS.name(), r));
            }
        }
        CpuTimedModel served = new CpuTimedModel(BenchmarkModels.trainedPendulumModel(BandMethod.SIGMA_POINTS));
        ModelRegistry registry = new ModelRegistry();
        registry.swap(served);
        for (int pass = 0; pass < passes; pass++) {
            Path stateDir = Files.createTempDirectory("non-model-cost");
            StreamsSettings settings = StreamsSettings.fromMap(Map.of("bootstrap.servers", "unused:9092",
                    "state.store.type", storeType), "benchmark");
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "non-model-cost");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            long threadCpu = 0;
            long modelCpu = 0;
            long allocated = 0; // bytes the thread allocated, model calls included: unlike CPU time, load-free
            Map<String, Long> bytes = new TreeMap<>();
            try (TopologyTestDriver driver = new TopologyTestDriver(TopologyFactory.buildTopology(settings, registry,
                    AppMetrics.inMemory()), props, start)) {
                TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topics.SENSOR_READINGS.name(),
                        Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), start, Duration.ZERO);
                for (int k = 0; k < keys.size(); k++) {
                    long model0 = served.cpuNanos();
                    long cpu0 = THREADS.getCurrentThreadCpuTime();
                    long alloc0 = THREADS.getCurrentThreadAllocatedBytes();
                    in.pipeInput(keys.get(k), values.get(k), start.plusMillis(50L * (k / sensors)));
                    if ((k + 1) % sensors == 0) {
                        driver.advanceWallClockTime(Duration.ofMillis(50));
                    }
                    threadCpu += THREADS.getCurrentThreadCpuTime() - cpu0;
                    allocated += THREADS.getCurrentThreadAllocatedBytes() - alloc0;
                    modelCpu += served.cpuNanos() - model0;
                    if ((k + 1) % 2000 == 0 || k == keys.size() - 1) {
                        drain(driver, bytes); // outside the timed part: the driver keeps every output record
                    }
                }
            }
            long n = keys.size();
            Map<String, Double> perReading = new TreeMap<>();
            bytes.forEach((topic, b) -> perReading.put(topic.replace("non-model-cost-", "").replace("-changelog", ""),
                    Math.round(b * 10.0 / n) / 10.0));
            System.out.printf("pass %d (%s stores): non-model %.2f us/reading, model %.2f us/reading (thread CPU), "
                            + "allocated %.0f bytes/reading, output bytes per reading %s%n", pass, storeType,
                    (threadCpu - modelCpu) / 1e3 / n, modelCpu / 1e3 / n, (double) allocated / n, perReading);
        }
        registry.close();
    }

    private static void drain(TopologyTestDriver driver, Map<String, Long> bytes) {
        for (String topic : driver.producedTopicNames()) {
            for (TestRecord<byte[], byte[]> r : driver.createOutputTopic(topic, Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer()).readRecordsToList()) {
                long size = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                bytes.merge(topic, size, Long::sum);
            }
        }
    }
}
