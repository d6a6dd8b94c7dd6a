package io.hybridcast.streams.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.StreamsService;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StateSettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.config.SystemSettings;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.inference.ServingModel;
import io.hybridcast.streams.topology.TopologyFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * End-to-end benchmark of the streams app on the in-process broker, in one run: a pass-through topology
 * (decode + re-encode, same guarantees), the forecaster and a baseline forecaster (the band and state path as
 * they were before issue 4: Monte-Carlo band, one-entry state cache) over the same sensors and records, then the
 * latency from a sample's append to the forecast it completes, at half the forecaster's maximum rate.
 * Writes {@code docs/benchmarks/streams.json}.
 *
 * <pre>
 * mvn -pl streams-app exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.hybridcast.streams.benchmark.StreamsBenchmark -Dexec.args="--sensors 200"
 * </pre>
 */
@Command(name = "streams-benchmark", mixinStandardHelpOptions = true)
public final class StreamsBenchmark implements Callable<Integer> {

    @Option(names = "--sensors", description = "Sensors (default ${DEFAULT-VALUE}).")
    int sensors = 200;
    @Option(names = "--samples", description = "Samples per sensor for the throughput runs (default ${DEFAULT-VALUE}).")
    int samples = 1200;
    @Option(names = "--latency-seconds", description = "Duration of the latency run (default ${DEFAULT-VALUE}).")
    int latencySeconds = 20;
    @Option(names = "--latency-rate", description = "Records/s of the latency run (default: half the forecaster's "
            + "measured rate, as the issue asks; e.g. 4000 = 200 sensors at 20 Hz, real time).")
    double latencyRateOption;
    @Option(names = "--out", description = "Report file (default ${DEFAULT-VALUE}).")
    Path out = Path.of("docs/benchmarks/streams.json");
    @Option(names = "--set", description = "Streams-app settings, key=value (e.g. commit.interval.ms=50).")
    Map<String, String> overrides = new LinkedHashMap<>();
    @Option(names = "--broker-set", description = "Settings of the embedded broker, key=value (e.g. "
            + "add.partitions.to.txn.retry.backoff.ms=2).")
    Map<String, String> brokerOverrides = new LinkedHashMap<>();
    @Option(names = "--rounds", description = "Alternating pass-through / forecaster rounds; medians are reported "
            + "(default ${DEFAULT-VALUE}).")
    int rounds = 3;
    @Option(names = "--warmup-rounds", description = "Untimed rounds first, to let the JIT compile both paths "
            + "(default ${DEFAULT-VALUE}).")
    int warmupRounds = 2;
    @Option(names = "--compare-guarantees", description = "Also run the forecaster and the latency run under the "
            + "other processing guarantee (exactly_once_v2 / at_least_once), side by side in the report.")
    boolean compareGuarantees;
    @Option(names = "--skip-baseline", description = "Do not also run the forecaster the way it ran before the "
            + "issue-4 work (Monte-Carlo band of 16 samples, one-entry state cache) side by side.")
    boolean skipBaseline;
    @Option(names = "--latency-warmup-seconds", description = "With --latency-only: an untimed latency run of this "
            + "many seconds first (own sensors and application id), so the JIT has compiled the path the measured runs "
            + "take; the full benchmark's throughput rounds do that already (default ${DEFAULT-VALUE}).")
    int latencyWarmupSeconds;
    @Option(names = "--latency-settle-samples", description = "Samples per sensor sent before the latency run's "
            + "timed readings, beyond the K context windows, so the fleet is timed as it runs once settled: its own "
            + "errors calibrate every horizon step (forecast.calibration.warmup) after about that many hops; -1: "
            + "(warmup + 1) x hop + horizon; 0: timed from the first forecast on, a fleet that just started "
            + "(default ${DEFAULT-VALUE}).")
    int latencySettleSamples = -1;
    @Option(names = "--latency-linger-ms", description = "linger.ms of the producer that sends the latency run's "
            + "readings: 0 sends each reading in a request of its own (the clock starts at the send); a sensor gateway "
            + "that batches for a few ms costs the broker fewer requests on the same cores (default ${DEFAULT-VALUE}).")
    int latencyLingerMs;
    @Option(names = "--latency-only", description = "Only the latency run(s) at --latency-rate (with "
            + "--compare-guarantees under both guarantees), no throughput rounds: for quick before/after comparisons.")
    boolean latencyOnly;

    private final SystemKind system = SystemKind.PENDULUM;
    private final Function<BandMethod, ServingModel> models;

    public StreamsBenchmark(Function<BandMethod, ServingModel> models) {
        this.models = models;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamsBenchmark(BenchmarkModels::trainedPendulumModel)).execute(args));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static double loadAverage() {
        return Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                * 100) / 100.0;
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("streams-bench");
        double loadBefore = loadAverage();
        EmbeddedKafkaBroker.Builder brokerBuilder = EmbeddedKafkaBroker.builder();
        brokerOverrides.forEach(brokerBuilder::config);
        try (EmbeddedKafkaBroker broker = brokerBuilder.start()) {
            String passthroughTopic = Topics.SENSOR_READINGS.name() + "-passthrough-benchmark";
            try (Admin admin = broker.createAdmin()) {
                Topics.createAll(admin, 1);
                // the broker stamps each forecast with its append time, which splits a forecast's latency into the
                // way to the broker (intake, batch, model call, the producer's send at the commit's flush) and what
                // follows it (the transaction's commit, the consumer's fetch); the app never reads these timestamps
                admin.incrementalAlterConfigs(Map.of(new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.FORECASTS.name()), List.of(
                        new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                                "message.timestamp.type", "LogAppendTime"),
                                org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
                admin.createTopics(List.of(new NewTopic(passthroughTopic, 1, (short) 1))).all().get();
            }
            StreamsSettings base = StreamsSettings.fromMap(overrides, "--set").with(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(), "http.port", "0"));
            SystemSettings windowing = base.system(system);
            if (latencyOnly) {
                return latencyOnly(broker, base, windowing, loadBefore, work);
            }
            long n = (long) sensors * samples;
            System.out.printf("Producing %d readings (%d sensors x %d samples)...%n", n, sensors, samples);
            Instant start = Instant.now().minusMillis(50L * samples + 60_000);
            try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
                for (int s = 0; s < samples; s++) {
                    for (int i = 0; i < sensors; i++) {
                        sendReading(producer, i, s, start.plusMillis(50L * s));
                    }
                }
                producer.flush();
            }

            // Pass-through and forecaster alternate, each round on fresh application ids (empty state, input from
            // the start): the machine is shared and its speed drifts, so a ratio is only fair from neighbouring runs.
            ModelRegistry registry = new ModelRegistry();
            CpuTimedModel served = new CpuTimedModel(models.apply(BandMethod.parse(
                    base.get(StreamsSettings.MODEL_BAND_METHOD))));
            registry.swap(served);
            List<Double> passthroughRuns = new ArrayList<>();
            List<Double> forecasterRuns = new ArrayList<>();
            List<Double> passthroughCpu = new ArrayList<>();
            List<Double> forecasterCpu = new ArrayList<>();
            List<Double> roundRatios = new ArrayList<>();
            List<Double> nonModelUs = new ArrayList<>();
            List<Double> nonModelCpuUs = new ArrayList<>();
            List<Double> modelCpuUs = new ArrayList<>();
            List<Double> passthroughThreadCpuUs = new ArrayList<>();
            List<Map<String, Object>> inferenceRuns = new ArrayList<>();
            List<Map<String, Double>> changelogBytes = new ArrayList<>();
            double forecasts = 0;
            // Untimed warm-up rounds first: a profile of this benchmark (perf) showed the JIT compilers taking 45 % of
            // the process's CPU over a cold run, which slows both topologies while they share the cores.
            for (int round = -warmupRounds; round < rounds; round++) {
                String label = round < 0 ? "Warm-up round " + (round + warmupRounds + 1) + " of " + warmupRounds
                        : "Round " + (round + 1) + " of " + rounds;
                System.out.printf("%s: pass-through run...%n", label);
                long cpu0 = processCpuNanos();
                long[] passthroughThreadCpu = new long[1];
                double pt = runToEnd(passthroughThreadCpu, broker, passthroughTopology(passthroughTopic), base.with(Map.of(
                        "application.id", "bench-passthrough-" + round,
                        "state.dir", work.resolve("pt" + round).toString())), n);
                long cpu1 = processCpuNanos();
                System.out.printf("  %.0f records/s%n", pt);
                // System.nanoTime is CLOCK_MONOTONIC: `perf record -k CLOCK_MONOTONIC` samples can be cut to this run
                System.out.printf("%s: forecaster run (monotonic clock %d ns)...%n", label, System.nanoTime());
                AppMetrics metrics = AppMetrics.inMemory();
                StreamsSettings forecasterSettings = base.with(Map.of("application.id", "bench-forecaster-" + round,
                        "state.dir", work.resolve("fc" + round).toString()));
                long modelCpu0 = served.cpuNanos();
                long[] streamThreadCpu = new long[1];
                double fc = runToEnd(streamThreadCpu, broker, TopologyFactory.buildTopology(forecasterSettings,
                        registry, metrics), forecasterSettings, n);
                long modelCpu = served.cpuNanos() - modelCpu0;
                long cpu2 = processCpuNanos();
                forecasts = metrics.registry().find("hybridcast.forecasts").counter().count();
                var batches = metrics.registry().find("hybridcast.inference.batch.size").summary();
                var inferenceTime = metrics.registry().find("hybridcast.inference.time").timer();
                Map<String, Object> inference = new LinkedHashMap<>();
                inference.put("calls", batches.count());
                inference.put("mean_batch_size", Math.round(batches.mean() * 10) / 10.0);
                inference.put("mean_call_ms", Math.round(inferenceTime.mean(java.util.concurrent.TimeUnit.MILLISECONDS) * 10) / 10.0);
                inference.put("total_inference_s", Math.round(inferenceTime.totalTime(java.util.concurrent.TimeUnit.SECONDS) * 10) / 10.0);
                System.out.printf("  %.0f records/s, %.0f forecasts, inference %s (ended at %d ns)%n", fc, forecasts,
                        inference, System.nanoTime());
                if (round < 0) {
                    continue;
                }
                inferenceRuns.add(inference);
                passthroughRuns.add(pt);
                forecasterRuns.add(fc);
                passthroughCpu.add((cpu1 - cpu0) / 1e3 / n);
                forecasterCpu.add((cpu2 - cpu1) / 1e3 / n);
                roundRatios.add(Math.round(fc / pt * 1000) / 1000.0);
                // the stream thread's time per record outside the model calls (one thread, one partition)
                nonModelUs.add(Math.round((1e6 / fc - inferenceTime.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)
                        / 1e3 / n) * 10) / 10.0);
                nonModelCpuUs.add(Math.round((streamThreadCpu[0] - modelCpu) / 1e3 / n * 10) / 10.0);
                passthroughThreadCpuUs.add(Math.round(passthroughThreadCpu[0] / 1e3 / n * 10) / 10.0);
                modelCpuUs.add(Math.round(modelCpu / 1e3 / n * 10) / 10.0);
                changelogBytes.add(changelogBytesPerRecord(broker, "bench-forecaster-" + round, n));
            }
            double passthrough = median(passthroughRuns);
            double forecaster = median(forecasterRuns);
            Map<String, Object> inference = inferenceRuns.get(forecasterRuns.indexOf(forecaster));

            Map<String, Object> before = null;
            if (!skipBaseline) {
                System.out.println("Baseline forecaster run (Monte-Carlo band, no state cache)...");
                ModelRegistry baselineModels = new ModelRegistry();
                baselineModels.swap(models.apply(BandMethod.MONTE_CARLO));
                AppMetrics baselineMetrics = AppMetrics.inMemory();
                StreamsSettings baselineSettings = base.with(Map.of("application.id", "bench-baseline",
                        "state.dir", work.resolve("bl").toString(), "state.cache.entries", "1",
                        "model.band.method", "monte-carlo"));
                double rate = runToEnd(null, broker, TopologyFactory.buildTopology(baselineSettings, baselineModels,
                        baselineMetrics), baselineSettings, n);
                var baselineTime = baselineMetrics.registry().find("hybridcast.inference.time").timer();
                before = new LinkedHashMap<>();
                before.put("records_per_s", Math.round(rate));
                before.put("ratio", Math.round(rate / passthrough * 1000) / 1000.0);
                before.put("mean_call_ms", Math.round(baselineTime.mean(java.util.concurrent.TimeUnit.MILLISECONDS)
                        * 10) / 10.0);
                before.put("mean_batch_size", Math.round(baselineMetrics.registry()
                        .find("hybridcast.inference.batch.size").summary().mean() * 10) / 10.0);
                before.put("settings", "model.band.method=monte-carlo (16 samples), state.cache.entries=1");
                baselineModels.close();
                System.out.printf("  %.0f records/s, %s%n", rate, before);
            }

            String guarantee = base.get(StreamsSettings.PROCESSING_GUARANTEE);
            String other = guarantee.equals("exactly_once_v2") ? "at_least_once" : "exactly_once_v2";
            Map<String, Object> otherGuarantee = null;
            if (compareGuarantees) {
                System.out.printf("Forecaster run under %s...%n", other);
                AppMetrics otherMetrics = AppMetrics.inMemory();
                StreamsSettings otherSettings = base.with(Map.of("application.id", "bench-forecaster-" + other,
                        "state.dir", work.resolve("fc-" + other).toString(), "processing.guarantee", other));
                double rate = runToEnd(null, broker, TopologyFactory.buildTopology(otherSettings, registry, otherMetrics),
                        otherSettings, n);
                otherGuarantee = new LinkedHashMap<>();
                otherGuarantee.put("processing_guarantee", other);
                otherGuarantee.put("forecaster_records_per_s", Math.round(rate));
                otherGuarantee.put("ratio", Math.round(rate / passthrough * 1000) / 1000.0);
                System.out.printf("  %.0f records/s%n", rate);
            }

            double latencyRate = latencyRateOption > 0 ? latencyRateOption : forecaster / 2;
            System.out.printf("Latency run at %.0f records/s...%n", latencyRate);
            LatencyRun latency = latencyRun(broker, base.with(Map.of("application.id", "bench-latency",
                    "state.dir", work.resolve("lat").toString())), registry, windowing, latencyRate);
            long[] latencies = latency.latencies();
            if (otherGuarantee != null) {
                System.out.printf("Latency run under %s at %.0f records/s...%n", other, latencyRate);
                LatencyRun otherLatency = latencyRun(broker, base.with(Map.of("application.id", "bench-latency-" + other,
                        "state.dir", work.resolve("lat-" + other).toString(), "processing.guarantee", other)),
                        registry, windowing, latencyRate, 2_000_000);
                otherGuarantee.put("latency_ms", latencyReport(otherLatency));
            }
            String engine;
            try (ModelRegistry.Lease lease = registry.acquire(system)) {
                engine = served.real() instanceof io.hybridcast.streams.inference.HybridServingModel h ? h.engine() : "?";
            }
            if (engine.equals("kernel")) {
                engine += " (" + io.hybridcast.model.kernel.ServingKernel.Backend.available() + " backend)";
            }
            registry.close();

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("passthrough_records_per_s", Math.round(passthrough));
            report.put("forecaster_records_per_s", Math.round(forecaster));
            report.put("ratio", Math.round(forecaster / passthrough * 1000) / 1000.0);
            report.put("latency_ms", latencyReport(latency));
            report.put("non_model_us_per_record", median(nonModelUs));
            report.put("non_model_runs_us_per_record", nonModelUs);
            // the same split in CPU time of the stream thread: robust to waiting for a core on a loaded machine
            report.put("non_model_cpu_us_per_record", median(nonModelCpuUs));
            // what the commits write: every changed sensor's values, serialised, to the stores' changelogs
            report.put("changelog_bytes_per_record", changelogBytes.get(forecasterRuns.indexOf(forecaster)));
            report.put("non_model_cpu_runs_us_per_record", nonModelCpuUs);
            report.put("model_cpu_runs_us_per_record", modelCpuUs);
            report.put("passthrough_stream_thread_cpu_runs_us_per_record", passthroughThreadCpuUs);
            report.put("served_by", engine);
            if (otherGuarantee != null) {
                report.put("other_guarantee_same_run", otherGuarantee);
            }
            report.put("sensors", sensors);
            report.put("hop", windowing.hop());
            report.put("forecaster_inference", inference);
            report.put("statistic", "median of " + rounds + " alternating rounds (pass-through, forecaster) after "
                    + warmupRounds + " untimed warm-up round(s); "
                    + "forecaster_inference is the median forecaster run's");
            report.put("passthrough_runs_records_per_s", passthroughRuns.stream().map(Math::round).toList());
            report.put("forecaster_runs_records_per_s", forecasterRuns.stream().map(Math::round).toList());
            report.put("round_ratios", roundRatios);
            // CPU of the whole process (broker, clients, stream thread, JIT, GC) per input record: less noisy than
            // rates on a shared machine, since it does not count time the process waited for a core
            report.put("passthrough_cpu_us_per_record", passthroughCpu.stream().map(v -> Math.round(v * 10) / 10.0).toList());
            report.put("forecaster_cpu_us_per_record", forecasterCpu.stream().map(v -> Math.round(v * 10) / 10.0).toList());
            report.put("cpu_ratio", Math.round(median(passthroughCpu) / median(forecasterCpu) * 1000) / 1000.0);
            if (before != null) {
                report.put("baseline_same_run", before);
            }
            report.put("forecasts_per_s", Math.round(forecasts / (n / forecaster)));
            report.put("latency_rate_records_per_s", Math.round(latencyRate));
            report.put("latency_rate_is", latencyRateOption > 0 ? "set by --latency-rate" : "half the forecaster's rate");
            report.put("model", Map.of("algorithm", BenchmarkModels.SPEC.algorithm(), "hidden", BenchmarkModels.SPEC.hidden(), "embedding", BenchmarkModels.SPEC.embedding(), "neural_latents", BenchmarkModels.SPEC.neuralLatents(), "solver", BenchmarkModels.SPEC.solver(), "substeps", BenchmarkModels.SPEC.substeps()));
            Map<String, Object> used = new LinkedHashMap<>();
            used.put("system", system.name());
            used.put("window_length", windowing.windowLength());
            used.put("context_windows", windowing.contextWindows());
            used.put("horizon", windowing.horizon());
            used.put("samples_per_sensor", samples);
            used.put("processing_guarantee", base.get(StreamsSettings.PROCESSING_GUARANTEE));
            used.put("commit_interval_ms", base.get(StreamsSettings.COMMIT_INTERVAL_MS));
            used.put("batch_max_size", base.get(StreamsSettings.BATCH_MAX_SIZE));
            used.put("batch_max_latency_ms", base.get(StreamsSettings.BATCH_MAX_LATENCY_MS));
            used.put("batch_mode", base.get(StreamsSettings.BATCH_MODE));
            used.put("forecast_phase", base.get(StreamsSettings.FORECAST_PHASE));
            used.put("commit_on_forecast", base.get(StreamsSettings.COMMIT_ON_FORECAST));
            used.put("state_writeback_quiet_ms", base.get(StateSettings.STATE_WRITEBACK_QUIET_MS));
            used.put("sensor_phases", "all sensors sample in step (sensor i of 200 sent 0.25 ms after sensor i - 1, "
                    + "every 50 ms); with forecast.phase=aligned all are due within the same 50 ms of each 500 ms hop");
            used.put("model_band_method", base.get(StreamsSettings.MODEL_BAND_METHOD));
            used.put("state_cache_entries", base.get(StateSettings.STATE_CACHE_ENTRIES));
            used.put("state_store_type", base.get(StateSettings.STATE_STORE_TYPE));
            used.put("partitions", 1);
            used.put("broker", "in-process KRaft, same JVM and cores");
            used.put("broker_overrides", brokerOverrides);
            report.put("settings", used);
            // the machine is shared: its load average says how much of it the run had
            report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                    "java", System.getProperty("java.version"), "load_average_1m_before", loadBefore,
                    "load_average_1m_after", loadAverage()));
            report.put("measured_at", Instant.now().toString());
            Files.createDirectories(out.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            return 0;
        }
    }

    private void sendReading(KafkaProducer<byte[], byte[]> producer, int sensor, long seq, Instant time) {
        String id = "bench-" + sensor;
        double value = Math.sin(0.3 * seq + sensor) + 0.01 * Math.cos(7.1 * seq * (sensor + 1));
        SensorReading r = SensorReading.newBuilder().setSensorId(id).setSystem(system).setSequence(seq)
                .setEventTime(time).setValues(List.of(value)).build();
        producer.send(new ProducerRecord<>(Topics.SENSOR_READINGS.name(), null, time.toEpochMilli(),
                id.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Topics.SENSOR_READINGS.valueSerde().serializer().serialize(Topics.SENSOR_READINGS.name(), r)));
    }

    /** Decode + re-encode, nothing else: the cost of reading and writing the same records through Streams. */
    private static Topology passthroughTopology(String outputTopic) {
        Topology t = new Topology();
        t.addSource("in", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.SENSOR_READINGS.name());
        t.addProcessor("copy", () -> new Processor<byte[], byte[], byte[], byte[]>() {
            private ProcessorContext<byte[], byte[]> context;
            @Override
            public void init(ProcessorContext<byte[], byte[]> context) {
                this.context = context;
            }
            @Override
            public void process(Record<byte[], byte[]> record) {
                SensorReading r = Topics.SENSOR_READINGS.valueSerde().deserializer()
                        .deserialize(Topics.SENSOR_READINGS.name(), record.value());
                context.forward(record.withValue(Topics.SENSOR_READINGS.valueSerde().serializer()
                        .serialize(outputTopic, r)));
            }
        }, "in");
        t.addSink("out", outputTopic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "copy");
        return t;
    }

    /**
     * Runs a topology until its committed input offsets reach the end; returns records per second, and the CPU time
     * of its stream threads in {@code streamThreadCpu[0]} when that is not null.
     */
    private static double runToEnd(long[] streamThreadCpu, EmbeddedKafkaBroker broker, Topology topology,
                                   StreamsSettings settings, long n) throws Exception {
        Properties props = StreamsService.streamsProperties(settings, 0);
        props.remove(org.apache.kafka.streams.StreamsConfig.APPLICATION_SERVER_CONFIG);
        String app = settings.get(StreamsSettings.APPLICATION_ID);
        try (Admin admin = broker.createAdmin(); KafkaStreams streams = new KafkaStreams(topology, props)) {
            TopicPartition input = new TopicPartition(Topics.SENSOR_READINGS.name(), 0);
            long end = admin.listOffsets(Map.of(input, OffsetSpec.latest())).all().get().get(input).offset();
            long[] runningAt = {0};
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING && runningAt[0] == 0) {
                    runningAt[0] = System.nanoTime();
                }
            });
            streams.start();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get();
                OffsetAndMetadata at = committed.get(input);
                if (at != null && at.offset() >= end) {
                    break;
                }
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING
                        || streams.state() == KafkaStreams.State.PENDING_ERROR) {
                    throw new IllegalStateException(app + " stopped (" + streams.state() + ") before the end");
                }
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - runningAt[0]) / 1e9;
            if (streamThreadCpu != null) {
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().startsWith(app + "-") && t.getName().contains("StreamThread")) {
                        streamThreadCpu[0] += threads.getThreadCpuTime(t.getId());
                    }
                }
            }
            streams.close(Duration.ofSeconds(30));
            return n / seconds;
        }
    }

    /**
     * Bytes each store's changelog grew by per input record in one run of application {@code app} (log segment
     * sizes on the broker, before compaction: what the commits wrote), and their total.
     */
    private static Map<String, Double> changelogBytesPerRecord(EmbeddedKafkaBroker broker, String app, long records)
            throws Exception {
        return perRecord(changelogBytes(broker, app), Map.of(), records);
    }

    /** Bytes each store's changelog grew by from {@code before} to {@code after}, per record, and their total. */
    private static Map<String, Double> perRecord(Map<String, Double> after, Map<String, Double> before, long records) {
        Map<String, Double> out = new java.util.TreeMap<>();
        after.forEach((store, bytes) -> out.put(store,
                Math.round((bytes - before.getOrDefault(store, 0.0)) / records * 10) / 10.0));
        out.put("total", Math.round(out.values().stream().mapToDouble(Double::doubleValue).sum() * 10) / 10.0);
        return out;
    }

    /** The size of each store's changelog of application {@code app} on the broker (log segments, bytes). */
    private static Map<String, Double> changelogBytes(EmbeddedKafkaBroker broker, String app) throws Exception {
        Map<String, Double> out = new java.util.TreeMap<>();
        try (Admin admin = broker.createAdmin()) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(org.apache.kafka.common.Node::id)
                    .toList();
            String prefix = app + "-";
            admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(
                    dir -> dir.replicaInfos().forEach((tp, info) -> {
                        if (tp.topic().startsWith(prefix) && tp.topic().endsWith("-changelog")) {
                            String store = tp.topic().substring(prefix.length(), tp.topic().length() - "-changelog".length());
                            out.merge(store, (double) info.size(), Double::sum);
                        }
                    })));
        }
        return out;
    }

    /** {@code --latency-only}: the latency run under the configured guarantee (and the other one), no throughput. */
    private int latencyOnly(EmbeddedKafkaBroker broker, StreamsSettings base, SystemSettings windowing,
                            double loadBefore, Path work) throws Exception {
        if (latencyRateOption <= 0) {
            throw new IllegalArgumentException("--latency-only needs --latency-rate");
        }
        ModelRegistry registry = new ModelRegistry();
        registry.swap(models.apply(BandMethod.parse(base.get(StreamsSettings.MODEL_BAND_METHOD))));
        Map<String, Object> report = new LinkedHashMap<>();
        String guarantee = base.get(StreamsSettings.PROCESSING_GUARANTEE);
        if (latencyWarmupSeconds > 0) {
            int measured = latencySeconds;
            latencySeconds = latencyWarmupSeconds;
            System.out.printf("Untimed warm-up latency run of %d s...%n", latencyWarmupSeconds);
            latencyRun(broker, base.with(Map.of("application.id", "bench-latency-warmup", "state.dir",
                    work.resolve("lat-warmup").toString())), registry, windowing, latencyRateOption, 3_000_000);
            latencySeconds = measured;
            report.put("latency_warmup_seconds", latencyWarmupSeconds);
        }
        report.put("latency_ms", latencyReport(latencyRun(broker, base.with(Map.of("application.id", "bench-latency",
                "state.dir", work.resolve("lat").toString())), registry, windowing, latencyRateOption)));
        if (compareGuarantees) {
            String other = guarantee.equals("exactly_once_v2") ? "at_least_once" : "exactly_once_v2";
            report.put("other_guarantee_same_run", Map.of("processing_guarantee", other, "latency_ms",
                    latencyReport(latencyRun(broker, base.with(Map.of("application.id", "bench-latency-" + other,
                            "state.dir", work.resolve("lat-" + other).toString(), "processing.guarantee", other)),
                            registry, windowing, latencyRateOption, 2_000_000))));
        }
        registry.close();
        report.put("latency_rate_records_per_s", Math.round(latencyRateOption));
        report.put("settings", Map.of("processing_guarantee", guarantee, "overrides", overrides,
                "broker_overrides", brokerOverrides));
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "load_average_1m_before", loadBefore, "load_average_1m_after", loadAverage()));
        report.put("measured_at", Instant.now().toString());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        return 0;
    }

    /** The append-to-forecast latencies of a latency run (sorted, ms) and its model calls. */
    private record LatencyRun(long[] latencies, long calls, double meanBatch, Map<String, Object> stages) {
    }

    private static Map<String, Object> latencyReport(LatencyRun run) {
        long[] l = run.latencies();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("p50", pct(l, 0.50));
        out.put("p99", pct(l, 0.99));
        out.put("p999", pct(l, 0.999));
        out.put("max", l.length == 0 ? -1 : l[l.length - 1]);
        out.put("samples", l.length);
        out.put("model_calls", run.calls());
        out.put("mean_batch_size", Math.round(run.meanBatch() * 10) / 10.0);
        out.put("stages", run.stages());
        return out;
    }

    /** Sends live readings at {@code rate} and measures append-to-forecast latency, ms. */
    private LatencyRun latencyRun(EmbeddedKafkaBroker broker, StreamsSettings settings, ModelRegistry registry,
                              SystemSettings windowing, double rate) throws Exception {
        return latencyRun(broker, settings, registry, windowing, rate, 1_000_000);
    }

    /**
     * The same, with sensor ids from {@code offset} on: the run under the other guarantee needs sensors of its own,
     * since it reads the topic from the start and the first run's sensors' sequences would make its readings
     * duplicates (dead letters, no forecasts: one such run measured 40 forecasts instead of 8 000).
     */
    private LatencyRun latencyRun(EmbeddedKafkaBroker broker, StreamsSettings settings, ModelRegistry registry,
                              SystemSettings windowing, double rate, int offset) throws Exception {
        // fresh sensors, so the run starts with empty state and ends with the warm-up behind it
        Properties props = StreamsService.streamsProperties(settings, 0);
        props.remove(org.apache.kafka.streams.StreamsConfig.APPLICATION_SERVER_CONFIG);
        int settle = latencySettleSamples >= 0 ? latencySettleSamples
                : (settings.get(AnomalySettings.FORECAST_CALIBRATION_WARMUP) + 1) * windowing.hop() + windowing.horizon();
        int warmUp = windowing.windowLength() * windowing.contextWindows() + settle;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
        List<Long> toAppend = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> appendToVisible = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AppMetrics appMetrics = AppMetrics.inMemory();
        Map<String, Object> stages;
        try (KafkaStreams streams = new KafkaStreams(TopologyFactory.buildTopology(settings, registry,
                appMetrics), props); KafkaProducer<byte[], byte[]> producer = producer(broker);
             KafkaProducer<byte[], byte[]> live = producer(broker, latencyLingerMs);
             KafkaConsumer<String, Forecast> consumer = forecastConsumer(broker)) {
            streams.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Instant base = Instant.now().minusSeconds(3600);
            for (int s = 0; s < warmUp; s++) {
                for (int i = 0; i < sensors; i++) {
                    sendReading(producer, offset + i, s, base.plusMillis(50L * s));
                }
            }
            producer.flush();
            Thread consumerThread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        for (var rec : consumer.poll(Duration.ofMillis(50))) {
                            String reading = rec.key() + "#" + (rec.value().getFirstSequence() - 1);
                            Long sent = sentAt.remove(reading);
                            Long sentMillis = sentAtMillis.remove(reading);
                            if (sent != null) {
                                latencies.add((System.nanoTime() - sent) / 1_000_000);
                                // the forecasts topic stamps the broker's append time: the split at the broker
                                if (sentMillis != null && rec.timestampType()
                                        == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME) {
                                    toAppend.add(rec.timestamp() - sentMillis);
                                    appendToVisible.add(System.currentTimeMillis() - rec.timestamp());
                                }
                            }
                        }
                    } catch (org.apache.kafka.common.errors.InterruptException e) {
                        return;
                    }
                }
            });
            consumerThread.start();
            awaitCommitted(broker, settings.get(StreamsSettings.APPLICATION_ID), streams); // warm-up processed
            // what the live readings' commits write (the warm-up's burst is coalesced into fewer commits)
            Map<String, Double> changelogBefore = changelogBytes(broker, settings.get(StreamsSettings.APPLICATION_ID));
            double cpuAtLiveStart = streamThreadCpuSeconds(settings.get(StreamsSettings.APPLICATION_ID));
            long liveStartNanos = System.nanoTime();
            long processCpuAtLiveStart = processCpuNanos();
            ThreadCpuSplit cpuSplit = ThreadCpuSplit.start(settings.get(StreamsSettings.APPLICATION_ID));
            long[] sent = {0};
            var readings = appMetrics.registry().find("hybridcast.readings").tag("outcome", "valid").counter();
            var batchSizes = appMetrics.registry().find("hybridcast.inference.batch.size").summary();
            var progress = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            progress.scheduleAtFixedRate(() -> {
                int got;
                long last = -1;
                synchronized (latencies) {
                    got = latencies.size();
                    if (got > 0) {
                        last = latencies.get(got - 1);
                    }
                }
                System.out.printf("  live: sent %d, processed %.0f, forecasts received %d (last latency %d ms), "
                        + "model calls %d (mean batch %.0f, largest %.0f)%n", sent[0], readings.count(), got, last,
                        batchSizes.count(), batchSizes.mean(), batchSizes.max());
            }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
            long intervalNanos = (long) (1e9 / rate);
            long next = System.nanoTime();
            long stop = next + Duration.ofSeconds(latencySeconds).toNanos();
            int seq = warmUp;
            outer:
            while (true) {
                for (int i = 0; i < sensors; i++) {
                    // sleep, not spin: a spinning sender would take one of the two cores from the app it measures
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    if (next > stop) {
                        break outer;
                    }
                    // every reading is timed: which of them complete a hop depends on the sensor's phase
                    // (forecast.phase), and a forecast names the reading it completes (first sequence - 1)
                    String id = "bench-" + (offset + i);
                    sentAt.put(id + "#" + seq, System.nanoTime());
                    sentAtMillis.put(id + "#" + seq, System.currentTimeMillis());
                    // the clock starts at the send; with --latency-linger-ms 0 the record leaves at once
                    // (a flush here would block this loop for a round trip per hop and send the rest in bursts)
                    sendReading(live, offset + i, seq, base.plusMillis(50L * seq));
                    sent[0]++;
                    next += intervalNanos;
                }
                seq++;
            }
            live.flush();
            Thread.sleep(2000);
            progress.shutdownNow();
            stages = latencyStages(appMetrics, streams);
            synchronized (toAppend) {
                stages.put("send_to_broker_append_ms", percentiles(toAppend));
            }
            synchronized (appendToVisible) {
                stages.put("broker_append_to_visible_ms", percentiles(appendToVisible));
            }
            stages.put("forecast_phase", settings.get(StreamsSettings.FORECAST_PHASE));
            stages.put("forecast_model_band", settings.get(StreamsSettings.FORECAST_MODEL_BAND));
            stages.put("settle_samples_per_sensor", settle);
            stages.put("windows_with_model_band_settle_included", appMetrics.count("hybridcast.inference.windows", "band", "model"));
            stages.put("windows_without_settle_included", appMetrics.count("hybridcast.inference.windows", "band", "calibrated"));
            stages.put("reading_producer_linger_ms", latencyLingerMs);
            stages.put("commit_interval_ms", settings.get(StreamsSettings.COMMIT_INTERVAL_MS));
            stages.put("batch_max_latency_ms", settings.get(StreamsSettings.BATCH_MAX_LATENCY_MS));
            // the share of a core the stream thread used while the live readings streamed (and the 2 s after)
            stages.put("stream_thread_cpu_share", Math.round((streamThreadCpuSeconds(settings.get(
                    StreamsSettings.APPLICATION_ID)) - cpuAtLiveStart) / ((System.nanoTime() - liveStartNanos) / 1e9)
                    * 1000) / 1000.0);
            // the whole JVM's (broker, transactions, clients, app): what a commit interval costs the machine
            stages.put("process_cpu_share", Math.round((processCpuNanos() - processCpuAtLiveStart)
                    / (double) (System.nanoTime() - liveStartNanos) * 1000) / 1000.0);
            stages.put("cpu_share_by_thread_group", cpuSplit.shares());
            stages.put("changelog_bytes_per_live_record", perRecord(changelogBytes(broker,
                    settings.get(StreamsSettings.APPLICATION_ID)), changelogBefore, sent[0]));
            consumerThread.interrupt();
            consumerThread.join(5000);
        }
        long[] out;
        synchronized (latencies) {
            out = latencies.stream().mapToLong(Long::longValue).toArray();
        }
        Arrays.sort(out);
        var batches = appMetrics.registry().find("hybridcast.inference.batch.size").summary();
        return new LatencyRun(out, batches.count(), batches.mean(), stages);
    }

    /**
     * Where a forecast's latency goes inside the app: from the reading that makes its sensor due to the forecast's
     * emission (waiting for a batch, the model call), and the stream thread's commits (under exactly-once a
     * forecast becomes visible only when its transaction commits); the rest of the end-to-end latency is the
     * transport, the commit interval and the consumer.
     */
    private static Map<String, Object> latencyStages(AppMetrics metrics, KafkaStreams streams) {
        Map<String, Object> out = new LinkedHashMap<>();
        var delay = metrics.registry().find("hybridcast.forecast.delay").timer();
        if (delay != null) {
            for (var p : delay.takeSnapshot().percentileValues()) {
                out.put("due_to_emit_ms_p" + Math.round(p.percentile() * 100),
                        Math.round(p.value(java.util.concurrent.TimeUnit.MICROSECONDS)) / 1000.0);
            }
            out.put("due_to_emit_ms_max", Math.round(delay.max(java.util.concurrent.TimeUnit.MICROSECONDS)) / 1000.0);
        }
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && (name.name().equals("commit-latency-avg")
                    || name.name().equals("commit-latency-max") || name.name().equals("commit-rate"))
                    && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                out.put(name.name().replace('-', '_') + (name.name().startsWith("commit-latency") ? "_ms" : "_per_s"),
                        Math.round(n.doubleValue() * 10) / 10.0);
            }
        });
        // where the stream thread's loop spends its time (Kafka Streams' own split of each iteration)
        Map<String, Object> loop = new java.util.TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && LOOP_METRICS.contains(name.name())
                    && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                loop.put(name.name().replace('-', '_'), Math.round(n.doubleValue() * 1000) / 1000.0);
            }
        });
        out.put("stream_thread_loop", loop);
        return out;
    }

    /** p50 / p99 / max of millisecond values (wall clock, so the split is good to a millisecond). */
    private static Map<String, Long> percentiles(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("p50", pct(sorted, 0.5));
        out.put("p99", pct(sorted, 0.99));
        out.put("max", sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
        return out;
    }

    /** CPU seconds of the application's stream threads so far (the cost of its guarantee and commit interval). */
    private static double streamThreadCpuSeconds(String app) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long nanos = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(app + "-") && t.getName().contains("StreamThread")) {
                nanos += threads.getThreadCpuTime(t.getId());
            }
        }
        return Math.round(nanos / 1e7) / 100.0;
    }

    private static final java.util.Set<String> LOOP_METRICS = java.util.Set.of("poll-ratio", "process-ratio",
            "punctuate-ratio", "commit-ratio", "poll-latency-avg", "poll-records-avg", "poll-rate",
            "process-records-avg", "punctuate-rate", "punctuate-latency-avg");

    /** Waits until the app's committed input offset reaches the current end of the input. */
    private static void awaitCommitted(EmbeddedKafkaBroker broker, String app, KafkaStreams streams) throws Exception {
        try (Admin admin = broker.createAdmin()) {
            TopicPartition input = new TopicPartition(Topics.SENSOR_READINGS.name(), 0);
            long end = admin.listOffsets(Map.of(input, OffsetSpec.latest())).all().get().get(input).offset();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                OffsetAndMetadata at = admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get()
                        .get(input);
                if (at != null && at.offset() >= end) {
                    return;
                }
                if (streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(app + " failed");
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException(app + " did not catch up within 5 minutes");
        }
    }

    private static KafkaConsumer<String, Forecast> forecastConsumer(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, System.getProperty("bench.fetch.wait", "500"));
        KafkaConsumer<String, Forecast> c = new KafkaConsumer<>(p, Topics.FORECASTS.keySerde().deserializer(),
                Topics.FORECASTS.valueSerde().deserializer());
        TopicPartition tp = new TopicPartition(Topics.FORECASTS.name(), 0);
        c.assign(List.of(tp));
        c.seekToEnd(List.of(tp));
        c.position(tp);
        return c;
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafkaBroker broker) {
        return producer(broker, 5);
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafkaBroker broker, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
