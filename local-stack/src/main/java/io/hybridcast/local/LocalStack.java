package io.hybridcast.local;

import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.simulator.fleet.FleetSimulator;
import io.hybridcast.simulator.fleet.Rate;
import io.hybridcast.simulator.fleet.Scenario;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.streams.StreamsService;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.trainer.service.ContinuationSettings;
import io.hybridcast.trainer.service.TrainerService;
import io.hybridcast.trainer.service.TrainerSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's main job: the whole hybridcast stack in one process on an embedded KRaft broker. It starts
 * the broker, creates the topics, starts the simulated sensor fleet and logs a one-line status every few
 * seconds (sensors, readings/s, records per topic) until Ctrl-C or {@code --duration}, then shuts
 * everything down in reverse order.
 */
@Command(name = "run-local.sh", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the whole hybridcast stack locally on an embedded Kafka broker.")
public final class LocalStack implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kafka-port", defaultValue = "9092",
            description = "Port of the embedded broker for outside clients; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir",
            description = "Keep broker data here across runs; default: a temporary folder deleted on exit.")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "2",
            description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--pendulums", defaultValue = "4", description = "Forced damped pendulum sensors (default: ${DEFAULT-VALUE}).")
    int pendulums;

    @Option(names = "--advection-diffusion", defaultValue = "1",
            description = "Advection-diffusion line sensors (default: ${DEFAULT-VALUE}).")
    int advectionDiffusion;

    @Option(names = "--double-pendulums", defaultValue = "1", description = "Double pendulum sensors (default: ${DEFAULT-VALUE}).")
    int doublePendulums;

    @Option(names = "--rate", defaultValue = "real-time",
            description = "Simulation speed: real-time, <N>x (e.g. 10x) or max (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--scenario", description = "Fault-injection scenario file (JSON; see docs/simulator.md).")
    Path scenario;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulated fleet (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--random-faults", defaultValue = "0",
            description = "Also inject N faults drawn with the seed (every fault kind in turn), plus some drive-off "
                    + "events, spread over --duration (or 10 minutes); see docs/simulator.md (default: ${DEFAULT-VALUE}).")
    int randomFaults;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "Port of the dashboard and HTTP API on localhost; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--retrain-every", defaultValue = "PT3M",
            description = "How often the trainer re-meta-trains, ISO-8601 (default: ${DEFAULT-VALUE}).")
    java.time.Duration retrainEvery;

    @Option(names = "--hmac-key",
            description = "Key the trainer signs model versions with and the streams app checks (default: a random "
                    + "key made once per installation, kept owner-only in <data-dir>/" + InstallationKey.FILE_NAME
                    + ", or ~/.cache/hybridcast/ without --data-dir).")
    String hmacKey;

    @Option(names = "--status-interval", defaultValue = "5",
            description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
    int statusIntervalSeconds;

    @Option(names = "--summary-file",
            description = "On shutdown, write the fleet summary (anomalies by kind, live score against the "
                    + "simulator's ground truth) as JSON here; it is logged either way.")
    Path summaryFile;

    @Option(names = "--duration", description = "Stop after this many seconds (default: run until Ctrl-C).")
    Long durationSeconds;

    /** {@link System#nanoTime()} when the stack started (the zero of {@code first_model_s}). */
    private long startNanos;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Run the services against this Kafka cluster instead of the embedded broker.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:HYBRIDCAST_KAFKA_CONFIG:-}",
            description = "Kafka client properties file (security.protocol, ssl.*, sasl.*) for every Kafka client of "
                    + "the stack; needs --bootstrap-servers (the embedded broker is plaintext).")
    String kafkaConfig;

    @Override
    public Integer call() throws Exception {
        startNanos = System.nanoTime();
        validate();
        Rate parsedRate = Rate.parse(rate);
        Scenario parsedScenario = scenario == null ? Scenario.NONE : Scenario.read(scenario);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: ask the main thread to stop, then keep the JVM alive until it has closed everything in order
        // (the JVM exits as soon as its shutdown hooks return)
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runStack(parsedRate, parsedScenario, stop);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and waits for us
            }
        }
    }

    private int runStack(Rate parsedRate, Scenario parsedScenario, CountDownLatch stop) throws Exception {
        KafkaClientConfig kafka;
        try {
            kafka = KafkaClientConfig.load(kafkaConfig);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        require(bootstrapServers != null || kafka.file().isEmpty(), spec, "--kafka-config", kafkaConfig,
                "used with --bootstrap-servers (the embedded broker is plaintext)");
        EmbeddedKafkaBroker.Builder brokerBuilder = EmbeddedKafkaBroker.builder()
                .port(kafkaPort).defaultPartitions(partitions);
        if (dataDir != null) {
            brokerBuilder.logDir(dataDir.resolve("kafka"));
        }
        try (EmbeddedKafkaBroker broker = bootstrapServers == null ? brokerBuilder.start() : null;
             Admin admin = Admin.create(kafka.merge(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker == null ? bootstrapServers : broker.bootstrapServers()), "local stack admin"))) {
            String bootstrap = broker == null ? bootstrapServers : broker.bootstrapServers();
            Topics.createAll(admin, partitions);
            LOG.info("Kafka broker ready at {} (point any Kafka client here)", bootstrap);
            try (FleetSimulator fleet = FleetSimulator.builder()
                    .bootstrapServers(bootstrap).kafkaConfig(kafka)
                    .pendulums(pendulums).advectionDiffusion(advectionDiffusion).doublePendulums(doublePendulums)
                    .rate(parsedRate).scenario(parsedScenario).seed(seed)
                    .randomFaults(randomFaults).randomFaultsHorizon(randomFaultsHorizon(parsedRate))
                    .build().start();
                 FirstForecastClock firstForecast = new FirstForecastClock(admin, startNanos).start()) {
                LOG.info("Simulating {} sensors at {}: {}", fleet.sensorIds().size(), parsedRate, fleet.sensorIds());
                Path work = dataDir != null ? dataDir : java.nio.file.Files.createTempDirectory("hybridcast-local-");
                if (hmacKey == null || hmacKey.isBlank()) {
                    Path keyFile = InstallationKey.file(dataDir);
                    hmacKey = InstallationKey.loadOrCreate(keyFile);
                    LOG.info("Model versions are signed with the key in {}", keyFile);
                }
                Map<String, String> streamsSettings = new java.util.HashMap<>(Map.of(
                        "bootstrap.servers", bootstrap, "kafka.config", kafka.toString(),
                        "state.dir", work.resolve("streams-state").toString(),
                        "http.port", Integer.toString(httpPort),
                        "model.hmac.key", hmacKey));
                if (parsedRate.unpaced() || parsedRate.speedup() > 1) {
                    // faster than real time, event time runs ahead of the wall clock on purpose: do not
                    // dead-letter those readings as "from the future"
                    streamsSettings.put("validation.future.tolerance.ms", Long.toString(365L * 24 * 3600 * 1000));
                }
                try (StreamsService streams = StreamsService.start(StreamsSettings.fromMap(streamsSettings,
                        "local stack"));
                     Trainers trainers = startTrainers(bootstrap, kafka, fleet)) {
                    LOG.info("Dashboard: http://127.0.0.1:{}/  (API under /api, metrics at /metrics)",
                            streams.httpPort());
                    return report(fleet, admin, stop, streams, firstForecast);
                }
            }
        }
    }

    /** The trainers of every system in the fleet, closed together. */
    private record Trainers(List<TrainerService> services) implements AutoCloseable {
        @Override
        public void close() {
            // all stop at once, so that no trainer starts a run while another is being closed
            services.forEach(TrainerService::stop);
            services.forEach(TrainerService::close);
        }
    }

    private Trainers startTrainers(String bootstrapServers, KafkaClientConfig kafka, FleetSimulator fleet) {
        List<TrainerService> services = new ArrayList<>();
        for (SystemKind system : new TreeSet<>(fleet.sensorKinds().values())) {
            // the shipped base model at once (trainer base-models), then warm-started runs on the live history
            // with a replay of the simulated population (ContinuationSettings.DEFAULTS)
            TrainerService trainer = new TrainerService(TrainerSettings.builder()
                    .setBootstrapServers(bootstrapServers).setSystem(system).setHmacKey(hmacKey)
                    .optInterval(retrainEvery).optMinNewAnomalies(200).optMaxReadingsPerPartition(20_000)
                    .optEpochs(3, 10).optSeed(seed).optKafkaConfig(kafka).build(),
                    ContinuationSettings.DEFAULTS,
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            trainer.start();
            services.add(trainer);
        }
        return new Trainers(services);
    }

    /** Random faults are spread over the run's event time: --duration at the rate's speed-up (else the default). */
    private java.time.Duration randomFaultsHorizon(Rate parsedRate) {
        if (durationSeconds == null || parsedRate.unpaced()) {
            return null;
        }
        return java.time.Duration.ofMillis((long) (durationSeconds * 1000 * parsedRate.speedup()));
    }

    private int report(FleetSimulator fleet, Admin admin, CountDownLatch stop, StreamsService streams,
                       FirstForecastClock firstForecast) throws Exception {
        TopicStatus status = new TopicStatus(admin);
        Set<SystemKind> systems = new TreeSet<>(fleet.sensorKinds().values());
        long deadline = durationSeconds == null ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
        while (!stop.await(statusIntervalSeconds, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            if (fleet.failure() != null) {
                LOG.error("The simulator stopped with an error", fleet.failure());
                return 1;
            }
            StringBuilder models = new StringBuilder();
            for (SystemKind system : systems) {
                long version = streams.models().version(system);
                models.append(models.length() == 0 ? "" : ",").append(system).append('=')
                        .append(version > 0 ? "v" + version : "waiting");
            }
            var stats = fleet.stats();
            LOG.info("sensors={} readings/s={} models[{}] | {}", stats.readingsPerSensor().size(),
                    String.format("%.1f", stats.readingsPerSecond()), models, status.line());
        }
        summarise(streams, firstForecast.seconds());
        if (summaryFile != null) {
            AlarmTables.write(streams.httpPort(), fleet.sensorIds(),
                    summaryFile.resolveSibling(summaryFile.getFileName() + ".alarms.json"));
        }
        LOG.info("Shutting down");
        return 0;
    }

    /**
     * Logs (and with --summary-file writes) what the streams app's own API says of the whole fleet: the anomalies
     * by kind and the live score against sensor-truth, so a run's quality can be compared with another's. The local
     * stack adds {@code first_model_s}: seconds from start until the first forecast was served (null if none was).
     */
    private void summarise(StreamsService streams, Double firstModelSeconds) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + streams.httpPort() + "/api/fleet")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = FirstForecastClock.addTo(response.body(), firstModelSeconds);
            LOG.info("Fleet summary: {}", body);
            if (summaryFile != null) {
                Files.writeString(summaryFile, body);
                LOG.info("Fleet summary written to {}", summaryFile.toAbsolutePath());
            }
        } catch (IOException e) {
            LOG.warn("Could not write the fleet summary: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void validate() {
        require(kafkaPort >= 0 && kafkaPort <= 65535, spec, "--kafka-port", kafkaPort, "0..65535");
        require(partitions >= 1, spec, "--partitions", partitions, ">= 1");
        require(pendulums >= 0, spec, "--pendulums", pendulums, ">= 0");
        require(advectionDiffusion >= 0, spec, "--advection-diffusion", advectionDiffusion, ">= 0");
        require(doublePendulums >= 0, spec, "--double-pendulums", doublePendulums, ">= 0");
        require(pendulums + advectionDiffusion + doublePendulums > 0, spec, "fleet size",
                pendulums + advectionDiffusion + doublePendulums, "at least one sensor");
        require(randomFaults >= 0, spec, "--random-faults", randomFaults, ">= 0");
        require(statusIntervalSeconds >= 1, spec, "--status-interval", statusIntervalSeconds, ">= 1");
        require(durationSeconds == null || durationSeconds >= 1, spec, "--duration", durationSeconds, ">= 1");
    }

    private static void require(boolean ok, CommandLine.Model.CommandSpec spec, String setting, Object value,
                                String expected) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    setting + " must be " + expected + ", got " + value);
        }
    }

    /** Runs the local stack; the exit code is non-zero on a bad flag or a failure. */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new LocalStack());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            LOG.error("Local stack failed: {}", e.getMessage(), e);
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
