package io.hybridcast.simulator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.simulator.fleet.FleetBuilder;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.FleetSink;
import io.hybridcast.simulator.fleet.FleetStats;
import io.hybridcast.simulator.fleet.KafkaFleetSink;
import io.hybridcast.simulator.fleet.Rate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark command (not a test): the simulator's publish rate against a raw {@link KafkaProducer} sending the same
 * number of records, with the same keys and the same serialized bytes, to the same in-process broker with the same
 * producer settings, in one run. Writes docs/benchmarks/simulator.json. The command line is in docs/simulator.md.
 */
@Command(name = "publish-benchmark", mixinStandardHelpOptions = true,
        description = "Simulator publish rate vs a raw KafkaProducer on an in-process broker.")
public final class PublishBenchmark implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "500000", description = "Readings per measured run (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--warmup", defaultValue = "500000", description = "Readings per warm-up run (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "45", description = "Untimed warm-up: raw and simulator runs"
            + " alternate until this long has passed (default ${DEFAULT-VALUE}). The JIT compiles the broker's, the"
            + " producer's and the simulator's code for 30-40 s on 2 cores; until then both rates keep rising.")
    double warmupSeconds;

    @Option(names = "--rounds", defaultValue = "9", description = "Measured rounds, raw and simulator alternating (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--pendulums", defaultValue = "4")
    int pendulums;

    @Option(names = "--advection-diffusion", defaultValue = "1")
    int advectionDiffusion;

    @Option(names = "--double-pendulums", defaultValue = "1")
    int doublePendulums;

    @Option(names = "--threads", defaultValue = "2", description = "Simulation threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--tolerance", defaultValue = "1e-10", description = "Integrator tolerance (default ${DEFAULT-VALUE}).")
    double tolerance;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "docs/benchmarks/simulator.json", description = "Report file (default ${DEFAULT-VALUE}).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PublishBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (records < 1 || warmup < 0 || rounds < 1 || !(warmupSeconds >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--records and --rounds must be >= 1, --warmup and --warmup-seconds >= 0,"
                    + " got records " + records + ", rounds " + rounds + ", warmup " + warmup + ", warmup-seconds "
                    + warmupSeconds);
        }
        int sensors = pendulums + advectionDiffusion + doublePendulums;
        double loadAtStart = loadAverage();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = broker.createAdmin()) {
                Topics.createAll(admin, 1);
            }
            // The raw producer's payload: exactly the records the simulator publishes (same seed), pre-serialized.
            List<byte[][]> payload = capture(records);
            long payloadBytes = bytesOf(payload);
            System.out.printf(Locale.ROOT, "broker %s, %d sensors, %d records of %.1f bytes on average%n", bootstrap,
                    sensors, records, (double) payloadBytes / records);

            long warmupStart = System.nanoTime();
            int warmupRuns = 0;
            do {
                runRaw(bootstrap, payload.subList(0, Math.min(warmup, payload.size())));
                runSimulator(bootstrap, Math.max(warmup, 1));
                warmupRuns++;
            } while ((System.nanoTime() - warmupStart) / 1e9 < warmupSeconds);
            double warmedUpSeconds = (System.nanoTime() - warmupStart) / 1e9;
            System.out.printf(Locale.ROOT, "warm-up: %d runs of each in %.0f s%n", warmupRuns, warmedUpSeconds);
            List<Double> raw = new ArrayList<>();
            List<Double> sim = new ArrayList<>();
            List<Double> rawCpu = new ArrayList<>();
            List<Double> simCpu = new ArrayList<>();
            List<Map<String, Double>> rawByThread = new ArrayList<>();
            List<Map<String, Double>> simByThread = new ArrayList<>();
            long simulatorBytes = 0;
            ThreadCpu threadCpu = ThreadCpu.start();
            for (int round = 0; round < rounds; round++) {
                threadCpu.take();
                long cpu = processCpuNanos();
                Run rawRun = runRaw(bootstrap, payload);
                raw.add(rawRun.recordsPerSecond());
                long rawProcess = processCpuNanos() - cpu;
                rawCpu.add(rawProcess / 1e3 / records);
                rawByThread.add(byThread(threadCpu.take(), "raw-sender", rawRun.threadCpuNanos(), rawProcess));
                cpu = processCpuNanos();
                Run simRun = runSimulator(bootstrap, records);
                sim.add(simRun.recordsPerSecond());
                simulatorBytes += simRun.bytes();
                long simProcess = processCpuNanos() - cpu;
                simCpu.add(simProcess / 1e3 / records);
                simByThread.add(byThread(threadCpu.take(), "simulation", simRun.threadCpuNanos(), simProcess));
                System.out.printf(Locale.ROOT, "round %d: raw %.0f records/s (%.2f cpu-us/record), simulator %.0f records/s"
                        + " (%.2f cpu-us/record)%n", round + 1, raw.get(round), rawCpu.get(round), sim.get(round),
                        simCpu.get(round));
            }
            // What the simulation alone costs (warm, one thread, serialization included, no Kafka): the bound the
            // publishing rate cannot beat per thread.
            long cpu = processCpuNanos();
            double simulationOnlyRate = runSimulationOnly(records);
            double simulationOnlyCpu = (processCpuNanos() - cpu) / 1e3 / records;
            System.out.printf(Locale.ROOT, "simulation alone (1 thread, no Kafka): %.0f records/s (%.2f cpu-us/record)%n",
                    simulationOnlyRate, simulationOnlyCpu);
            double rawMedian = median(raw);
            double simMedian = median(sim);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode report = json.createObjectNode();
            report.put("raw_producer_records_per_s", Math.round(rawMedian));
            report.put("simulator_records_per_s", Math.round(simMedian));
            report.put("ratio", Math.round(simMedian / rawMedian * 1000) / 1000.0);
            report.put("records", records);
            report.put("sensors", sensors);
            report.put("fleet", String.format(Locale.ROOT, "%d pendulums, %d advection-diffusion, %d double pendulums",
                    pendulums, advectionDiffusion, doublePendulums));
            report.put("simulator_threads", threads);
            report.put("integrator_tolerance", tolerance);
            report.put("simulation_only_records_per_s_1_thread", Math.round(simulationOnlyRate));
            // CPU time of the whole process (broker, producer, simulation, JIT and GC) per record: with every core
            // busy, rate = cores / cpu per record, so the ratio cannot beat raw cpu / simulator cpu.
            report.put("raw_cpu_us_per_record", Math.round(median(rawCpu) * 100) / 100.0);
            report.put("simulator_cpu_us_per_record", Math.round(median(simCpu) * 100) / 100.0);
            report.put("simulation_only_cpu_us_per_record", Math.round(simulationOnlyCpu * 100) / 100.0);
            // Where the CPU time goes, per record (median over the rounds of each group's CPU time in the round).
            report.set("raw_cpu_us_per_record_by_thread", medianByGroup(json, rawByThread, records));
            report.set("simulator_cpu_us_per_record_by_thread", medianByGroup(json, simByThread, records));
            report.put("cpu_by_thread_note", ThreadCpu.NOTE);
            report.put("warmup_runs_each", warmupRuns);
            report.put("warmup_seconds", Math.round(warmedUpSeconds));
            report.put("record_bytes_avg", Math.round(10.0 * payloadBytes / records) / 10.0);
            // With two threads the fleet's mix of records follows which thread is faster, not event time: the size
            // the simulator actually sent, to compare with the raw producer's
            report.put("simulator_record_bytes_avg", Math.round(10.0 * simulatorBytes / ((long) records * rounds)) / 10.0);
            report.put("statistic", String.format(Locale.ROOT, "median of %d alternating rounds after %d untimed warm-up"
                    + " runs of each (%.0f s)", rounds, warmupRuns, warmedUpSeconds));
            ArrayNode rawRuns = report.putArray("raw_runs_records_per_s");
            raw.forEach(v -> rawRuns.add(Math.round(v)));
            ArrayNode simRuns = report.putArray("simulator_runs_records_per_s");
            sim.forEach(v -> simRuns.add(Math.round(v)));
            ArrayNode roundRatios = report.putArray("round_ratios");
            for (int round = 0; round < rounds; round++) {
                roundRatios.add(Math.round(sim.get(round) / raw.get(round) * 1000) / 1000.0);
            }
            ArrayNode rawCpuRuns = report.putArray("raw_runs_cpu_us_per_record");
            rawCpu.forEach(v -> rawCpuRuns.add(Math.round(v * 100) / 100.0));
            ArrayNode simCpuRuns = report.putArray("simulator_runs_cpu_us_per_record");
            simCpu.forEach(v -> simCpuRuns.add(Math.round(v * 100) / 100.0));
            // The machine may be shared: the 1-minute load average says how much else was running.
            report.put("load_average_1min_at_start", loadAtStart);
            report.put("load_average_1min_at_end", loadAverage());
            report.put("producer", "batch.size=65536, linger.ms=5, acks=all, idempotence on (KafkaFleetSink defaults, both sides)");
            report.put("broker", "in-process KRaft (EmbeddedKafkaBroker), 1 partition, same JVM");
            report.put("java_version", System.getProperty("java.version"));
            report.put("cpus", Runtime.getRuntime().availableProcessors());
            report.put("date", Instant.now().toString());
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json.writeValueAsString(report) + "\n");
            System.out.printf(Locale.ROOT, "median: raw %.0f records/s, simulator %.0f records/s, ratio %.3f -> %s%n",
                    rawMedian, simMedian, simMedian / rawMedian, out);
        }
        return 0;
    }

    private FleetBuilder fleet() {
        return FleetSimulator.builder().pendulums(pendulums).advectionDiffusion(advectionDiffusion)
                .doublePendulums(doublePendulums).seed(1).threads(threads).tolerance(tolerance).rate(Rate.AS_FAST_AS_POSSIBLE)
                .startEventTime(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Runs the fleet into memory and serializes the readings exactly as the Kafka sink does. */
    private List<byte[][]> capture(int count) throws InterruptedException {
        List<byte[][]> payload = new ArrayList<>(count);
        String topic = Topics.SENSOR_READINGS.name();
        FleetSink capture = new FleetSink() {
            @Override
            public void reading(SensorReading reading) {
                payload.add(new byte[][] {
                    Topics.SENSOR_READINGS.keySerde().serializer().serialize(topic, reading.getSensorId()),
                    Topics.SENSOR_READINGS.valueSerde().serializer().serialize(topic, reading)});
            }

            @Override
            public void truth(SensorTruth truth) {
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        // One thread: the capture list is not thread-safe.
        try (FleetSimulator sim = fleet().threads(1).sink(capture).maxRecords(count).build().start()) {
            if (!sim.awaitCompletion(Duration.ofMinutes(10))) {
                throw new IllegalStateException("capturing the payload did not finish in 10 minutes");
            }
        }
        return payload;
    }

    private double runSimulationOnly(int count) throws InterruptedException {
        String topic = Topics.SENSOR_READINGS.name();
        long[] bytes = {0};
        FleetSink serializeOnly = new FleetSink() {
            @Override
            public void reading(SensorReading reading) {
                bytes[0] += Topics.SENSOR_READINGS.valueSerde().serializer().serialize(topic, reading).length;
            }

            @Override
            public void truth(SensorTruth truth) {
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        long start = System.nanoTime();
        try (FleetSimulator sim = fleet().threads(1).sink(serializeOnly).maxRecords(count).build().start()) {
            if (!sim.awaitCompletion(Duration.ofMinutes(10))) {
                throw new IllegalStateException("simulation-only run did not finish in 10 minutes");
            }
        }
        double rate = count / ((System.nanoTime() - start) / 1e9);
        if (bytes[0] == 0) {
            throw new IllegalStateException("simulation-only run serialized nothing");
        }
        return rate;
    }

    /** The JVM's own threads' CPU, the given thread's, and the rest of the process (Kafka: producer I/O, broker). */
    private static Map<String, Double> byThread(Map<String, Double> jvm, String thread, long threadNanos, long processNanos) {
        Map<String, Double> groups = new java.util.TreeMap<>(jvm);
        groups.put(thread, (double) threadNanos);
        double rest = processNanos - threadNanos - jvm.values().stream().mapToDouble(Double::doubleValue).sum();
        groups.put("kafka-and-rest", rest);
        return groups;
    }

    /**
     * One timed run.
     *
     * @param recordsPerSecond acknowledged records per wall-clock second
     * @param threadCpuNanos   CPU time of the sending thread (raw) or of the simulation threads (simulator)
     * @param bytes            key and value bytes handed to the producer
     */
    private record Run(double recordsPerSecond, long threadCpuNanos, long bytes) {
    }

    /** Key and value bytes of pre-serialized records. */
    private static long bytesOf(List<byte[][]> records) {
        return records.stream().mapToLong(kv -> kv[0].length + kv[1].length).sum();
    }

    private static Run runRaw(String bootstrap, List<byte[][]> payload) {
        if (payload.isEmpty()) {
            return new Run(0, 0, 0);
        }
        String topic = Topics.SENSOR_READINGS.name();
        AtomicLong acked = new AtomicLong();
        Map<String, Object> config = KafkaFleetSink.defaultProducerConfig(bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long timestamp = System.currentTimeMillis();
            long senderCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (byte[][] kv : payload) {
                producer.send(new ProducerRecord<>(topic, null, timestamp, kv[0], kv[1]), (m, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            long senderCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - senderCpu;
            if (acked.get() != payload.size()) {
                throw new IllegalStateException("raw producer: only " + acked.get() + " of " + payload.size() + " acked");
            }
            return new Run(payload.size() / seconds, senderCpuNanos, bytesOf(payload));
        }
    }

    private Run runSimulator(String bootstrap, int count) throws InterruptedException {
        FleetStats.Snapshot stats;
        long simulationCpuNanos;
        try (FleetSimulator sim = fleet().bootstrapServers(bootstrap).createTopics(false).maxRecords(count).build().start()) {
            if (!sim.awaitCompletion(Duration.ofMinutes(10))) {
                throw new IllegalStateException("simulator run did not finish in 10 minutes");
            }
            stats = sim.stats();
            simulationCpuNanos = sim.simulationCpuNanos();
        }
        if (stats.readingsAcked() != count) {
            throw new IllegalStateException("simulator: only " + stats.readingsAcked() + " of " + count + " acked");
        }
        return new Run(stats.readingsPerSecond(), simulationCpuNanos, stats.bytesSent());
    }

    /** 1-minute load average of the machine (-1 where unknown). */
    private static double loadAverage() {
        return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
    }

    /** CPU time of this process (all threads), ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static ObjectNode medianByGroup(ObjectMapper json, List<Map<String, Double>> rounds, int records) {
        ObjectNode node = json.createObjectNode();
        java.util.SortedSet<String> groups = new java.util.TreeSet<>();
        rounds.forEach(r -> groups.addAll(r.keySet()));
        for (String group : groups) {
            List<Double> values = rounds.stream().map(r -> r.getOrDefault(group, 0.0) / 1e3 / records).toList();
            node.put(group, Math.round(median(values) * 100) / 100.0);
        }
        return node;
    }

    /**
     * CPU time of the JVM's own threads (JIT compilers, garbage collector, VM thread), which live as long as the JVM,
     * read from /proc/self/task (Linux; empty elsewhere) at the start and end of each run.
     */
    private static final class ThreadCpu {
        static final String NOTE = "CPU time per record, median over the rounds: simulation = the simulator's simulation"
                + " threads (simulating, encoding, KafkaProducer.send), raw-sender = the thread sending the raw records"
                + " (KafkaProducer.send), jit/gc/vm = the JVM's own threads (from /proc, Linux), kafka-and-rest = the rest"
                + " of the process: the producer's I/O thread and the in-process broker";
        private final Map<String, Long> last = new java.util.HashMap<>();

        static ThreadCpu start() {
            ThreadCpu cpu = new ThreadCpu();
            cpu.take();
            return cpu;
        }

        /** CPU nanoseconds of the JVM's own threads by group since the last call. */
        Map<String, Double> take() {
            Map<String, Double> sums = new java.util.TreeMap<>();
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return sums;
            }
            long tick = 10_000_000L; // USER_HZ = 100 on Linux
            try (var dirs = Files.list(tasks)) {
                for (Path task : (Iterable<Path>) dirs::iterator) {
                    try {
                        String name = Files.readString(task.resolve("comm")).trim();
                        String group = name.startsWith("C1 ") || name.startsWith("C2 ") ? "jit"
                                : name.startsWith("G1 ") || name.startsWith("GC ") ? "gc"
                                : name.startsWith("VM ") ? "vm" : null;
                        if (group == null) {
                            continue;
                        }
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long nanos = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * tick;
                        Long before = last.put(task.getFileName() + " " + name, nanos);
                        sums.merge(group, (double) (nanos - (before == null ? 0 : before)), Double::sum);
                    } catch (java.io.IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                // no per-thread view of the JVM's own threads
            }
            return sums;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
