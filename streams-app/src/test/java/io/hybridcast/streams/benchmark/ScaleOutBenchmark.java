package io.hybridcast.streams.benchmark;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.StreamsService;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.topology.TopologyFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Issue 12 item 5: forecasts per second of one streams instance (one stream thread) against two instances sharing
 * the partitions (two Kafka Streams clients of the same application, each with its own state folder, model and
 * stream thread) and one instance with {@code num.stream.threads} 2, on the same in-process broker and machine.
 * The three run in turn in every round (the machine is shared: only neighbouring runs compare), each on a fresh
 * application id over the same readings; the rate is taken between 10 % and 90 % of the run's readings, so the
 * start-up and the group's rebalances are outside it. Reports the CPU each stream thread used. Writes
 * {@code docs/benchmarks/scale-out.json}; the command is in docs/streams-app.md.
 */
@Command(name = "scale-out-benchmark", mixinStandardHelpOptions = true)
public final class ScaleOutBenchmark implements Callable<Integer> {

    @Option(names = "--sensors", description = "Sensors (default ${DEFAULT-VALUE}).")
    int sensors = 200;
    @Option(names = "--samples", description = "Samples per sensor (default ${DEFAULT-VALUE}).")
    int samples = 3000;
    @Option(names = "--rounds", description = "Timed rounds of the three set-ups; medians reported (default ${DEFAULT-VALUE}).")
    int rounds = 3;
    @Option(names = "--warmup-rounds", description = "Untimed rounds first, for the JIT (default ${DEFAULT-VALUE}).")
    int warmupRounds = 1;
    @Option(names = "--partitions", description = "Partitions of every topic (default ${DEFAULT-VALUE}). With as many "
            + "partitions as stream threads, the split of the sensors' keys between the partitions is the split of the "
            + "work.")
    int partitions = 2;
    @Option(names = "--out", description = "Report file (default ${DEFAULT-VALUE}).")
    Path out = Path.of("docs/benchmarks/scale-out.json");

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private List<Long> readingsPerPartition = List.of();

    /** One set-up: how many instances, with how many stream threads each. */
    private record Setup(String name, int instances, int threads) {
    }

    /** One instance runs last in each round: without warm-up rounds the cold first run is a two-thread one. */
    private static final List<Setup> SETUPS = List.of(new Setup("two_instances", 2, 1),
            new Setup("one_instance_two_threads", 1, 2), new Setup("one_instance", 1, 1));

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleOutBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        double loadBefore = BenchmarkModels.loadAverage();
        Path work = Files.createTempDirectory("scale-out-bench");
        Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
        SETUPS.forEach(s -> runs.put(s.name(), new ArrayList<>()));
        List<Double> loads = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            try (Admin admin = broker.createAdmin()) {
                Topics.createAll(admin, partitions);
            }
            produce(broker);
            readingsPerPartition = readingsPerPartition(broker);
            // one model per instance, as separate processes would have; the two threads of one instance share theirs
            List<ModelRegistry> models = List.of(registry(), registry());
            for (int round = -warmupRounds; round < rounds; round++) {
                for (Setup setup : SETUPS) {
                    String app = "scale-" + setup.name() + "-" + (round + warmupRounds);
                    Map<String, Object> run = run(broker, setup, app, work.resolve(app), models);
                    System.out.printf("round %d %s: %s%n", round, setup.name(), run);
                    if (round >= 0) {
                        runs.get(setup.name()).add(run);
                    }
                }
                loads.add(round(BenchmarkModels.loadAverage()));
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        double one = medianRate(runs.get("one_instance"));
        double two = medianRate(runs.get("two_instances"));
        double threads = medianRate(runs.get("one_instance_two_threads"));
        report.put("speedup", round(Math.max(two, threads) / one));
        report.put("speedup_two_instances", round(two / one));
        report.put("speedup_two_threads", round(threads / one));
        report.put("forecasts_per_s", Map.of("one_instance", Math.round(one), "two_instances", Math.round(two),
                "one_instance_two_threads", Math.round(threads)));
        report.put("statistic", "median forecasts/s of " + rounds + " rounds (each: one instance, two instances, one "
                + "instance with two stream threads, in turn) after " + warmupRounds + " untimed round(s); a run's rate "
                + "is taken between its 10 % and 90 % readings");
        report.put("runs", runs);
        report.put("load_average_1m_after_each_round", loads);
        report.put("sensors", sensors);
        report.put("samples_per_sensor", samples);
        report.put("partitions", partitions);
        long total = readingsPerPartition.stream().mapToLong(Long::longValue).sum();
        report.put("readings_per_partition", readingsPerPartition);
        if (partitions == 2) {
            // two stream threads or instances get one partition each: the larger one bounds the speedup
            report.put("speedup_bound_from_key_split", round(total / (double) java.util.Collections.max(
                    readingsPerPartition)));
        }
        report.put("settings", "defaults (exactly_once_v2, num.standby.replicas 1, pendulum hop 10); the instances "
                + "share this JVM (separate Kafka Streams clients, state folders and models)");
        report.put("command", "java <DJL flags> -cp <streams-app test classpath> "
                + "io.hybridcast.streams.benchmark.ScaleOutBenchmark --sensors " + sensors + " --samples " + samples
                + " --rounds " + rounds + " --warmup-rounds " + warmupRounds + " --partitions " + partitions);
        BenchmarkModels.writeReport(report, loadBefore, out);
        System.out.println("Report written to " + out.toAbsolutePath());
        return 0;
    }

    private static ModelRegistry registry() {
        ModelRegistry registry = new ModelRegistry();
        registry.swap(BenchmarkModels.trainedPendulumModel());
        return registry;
    }

    private Map<String, Object> run(EmbeddedKafkaBroker broker, Setup setup, String app, Path state,
                                    List<ModelRegistry> models) throws Exception {
        List<KafkaStreams> clients = new ArrayList<>();
        List<AppMetrics> metrics = new ArrayList<>();
        long n = (long) sensors * samples;
        long cpu0 = processCpu();
        try {
            for (int i = 0; i < setup.instances(); i++) {
                StreamsSettings settings = StreamsSettings.fromMap(Map.of("bootstrap.servers",
                        broker.bootstrapServers(), "application.id", app, "state.dir", state.resolve("i" + i).toString(),
                        "num.stream.threads", Integer.toString(setup.threads())), "benchmark");
                AppMetrics m = AppMetrics.inMemory();
                metrics.add(m);
                Properties props = StreamsService.streamsProperties(settings, 40_000 + i); // a distinct app server
                props.put(StreamsConfig.CLIENT_ID_CONFIG, app + "-i" + i);
                clients.add(new KafkaStreams(TopologyFactory.buildTopology(settings, models.get(i), m), props));
            }
            clients.forEach(KafkaStreams::start);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            long t10 = 0;
            long t90 = 0;
            double f10 = 0;
            double f90 = 0;
            while (t90 == 0) {
                double forecasts = metrics.stream()
                        .mapToDouble(m -> m.registry().find("hybridcast.forecasts").counter().count()).sum();
                double readings = metrics.stream().mapToDouble(m -> m.registry().find("hybridcast.readings")
                        .tag("outcome", "valid").counter().count()).sum();
                // counted from the moment every instance holds its share: a run measured across the second
                // instance's join would time one instance and a rebalance
                if (t10 == 0 && readings >= 0.1 * n && assigned(clients)) {
                    t10 = System.nanoTime();
                    f10 = forecasts;
                }
                if (readings >= 0.9 * n && t10 == 0) {
                    throw new IllegalStateException(app + ": 90 % of the readings were processed before every "
                            + "instance had its partitions; give it more --samples");
                }
                if (readings >= 0.9 * n) {
                    t90 = System.nanoTime();
                    f90 = forecasts;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(app + ": only " + readings + " of " + n + " readings");
                }
                Thread.sleep(10);
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("forecasts_per_s", Math.round((f90 - f10) / ((t90 - t10) / 1e9)));
            awaitEnd(broker, app);
            Map<String, Double> threadCpu = new LinkedHashMap<>();
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith(app + "-i")
                        && info.getThreadName().contains("StreamThread")) {
                    threadCpu.put(info.getThreadName().substring(app.length() + 1),
                            round(THREADS.getThreadCpuTime(info.getThreadId()) / 1e9));
                }
            }
            run.put("stream_thread_cpu_s", threadCpu);
            run.put("process_cpu_s", round((processCpu() - cpu0) / 1e9));
            return run;
        } finally {
            clients.forEach(c -> c.close(Duration.ofSeconds(30)));
        }
    }

    /** Readings in each partition of the input: the sensors' keys, not the app, decide how the work divides. */
    private List<Long> readingsPerPartition(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = broker.createAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.SENSOR_READINGS.name(), p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            List<Long> counts = new ArrayList<>();
            latest.keySet().forEach(tp -> counts.add(ends.get(tp).offset()));
            return counts;
        }
    }

    /** Every client runs and has active tasks (with two instances: the partitions are shared). */
    private static boolean assigned(List<KafkaStreams> clients) {
        for (KafkaStreams client : clients) {
            if (client.state() != KafkaStreams.State.RUNNING || client.metadataForLocalThreads().stream()
                    .allMatch(thread -> thread.activeTasks().isEmpty())) {
                return false;
            }
        }
        return true;
    }

    /** Until the group's committed offsets reach the end of the input: the run is whole before the next one. */
    private void awaitEnd(EmbeddedKafkaBroker broker, String app) throws Exception {
        try (Admin admin = broker.createAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.SENSOR_READINGS.name(), p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get();
                if (ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue().offset())) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(app + " did not reach the end of the readings");
        }
    }

    private void produce(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        Instant start = Instant.now().minusMillis(50L * samples + 60_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int s = 0; s < samples; s++) {
                for (int i = 0; i < sensors; i++) {
                    String id = "bench-" + i;
                    Instant time = start.plusMillis(50L * s);
                    SensorReading r = SensorReading.newBuilder().setSensorId(id).setSystem(SystemKind.PENDULUM)
                            .setSequence(s).setEventTime(time)
                            .setValues(List.of(Math.sin(0.3 * s + i) + 0.01 * Math.cos(7.1 * s * (i + 1)))).build();
                    producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS.name(), null, time.toEpochMilli(),
                            id.getBytes(StandardCharsets.UTF_8), Topics.SENSOR_READINGS.valueSerde().serializer()
                            .serialize(Topics.SENSOR_READINGS.name(), r)));
                }
            }
            producer.flush();
        }
    }

    private static double medianRate(List<Map<String, Object>> runs) {
        List<Long> rates = runs.stream().map(r -> (Long) r.get("forecasts_per_s")).sorted().toList();
        return rates.get((rates.size() - 1) / 2);
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
