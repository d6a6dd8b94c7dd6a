package io.hybridcast.local.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hybridcast.kafka.embedded.EmbeddedKafkaBroker;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The chaos benchmark of issue 14: the simulator, two streams-app instances and the trainer, each in its own JVM,
 * on the in-process broker at 2x; once forecasts flow, it kills -9 and restarts a streams instance, restarts the
 * broker on the same data, kills -9 the trainer at the end of a training run (just before or during its
 * publish) and restarts the simulator, spread evenly over {@code --minutes}; then stops the simulator, lets the
 * streams drain and checks every reading and every (sensor, hop) from the topics ({@link ChaosLedger}).
 * Writes {@code docs/benchmarks/chaos.json}. Run from the repository root; the command is in docs/chaos.md.
 */
@Command(name = "chaos-benchmark", mixinStandardHelpOptions = true,
        description = "Kills and restarts the services and the broker under load and checks nothing was lost.")
public final class ChaosBenchmark implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosBenchmark.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String HMAC_KEY = "chaos-benchmark";
    private static final int HOP = 10;
    private static final String APPLICATION_ID = "hybridcast-chaos";

    @Option(names = "--minutes", defaultValue = "10", description = "Minutes of faults after the first forecast.")
    double minutes;

    @Option(names = "--faults-each", defaultValue = "3", description = "How many of each of the four faults.")
    int faultsEach;

    @Option(names = "--pendulums", defaultValue = "4", description = "Simulated pendulum sensors.")
    int pendulums;

    @Option(names = "--rate", defaultValue = "2x", description = "Simulation rate.")
    String rate;

    @Option(names = "--label", defaultValue = "full run", description = "What kind of run the report is.")
    String label;

    @Option(names = "--out", defaultValue = "docs/benchmarks/chaos.json", description = "The report.")
    Path out;

    @Option(names = "--faults", split = ",", defaultValue = "streams,broker,trainer,simulator",
            description = "Which faults to cycle through, in order (CI's short pass: streams).")
    List<String> faults;

    @Option(names = "--tiny-model", description = "No trainer JVM: the harness trains a small model for a few steps "
            + "and publishes it, so forecasts start within seconds (the short pass in CI; no trainer faults then).")
    boolean tinyModel;

    @Option(names = "--first-forecast-timeout", defaultValue = "PT10M",
            description = "How long to wait for the trainer's first model and the first forecast.")
    Duration firstForecastTimeout;

    private final HttpClient http = HttpClient.newHttpClient();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (minutes <= 0 || faultsEach < 1 || pendulums < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--minutes must be > 0, --faults-each and --pendulums >= 1; got " + minutes + ", " + faultsEach
                            + ", " + pendulums);
        }
        if (!List.of("streams", "broker", "trainer", "simulator").containsAll(faults)
                || (tinyModel && faults.contains("trainer"))) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--faults takes streams, broker, trainer, "
                    + "simulator (no trainer with --tiny-model); got " + faults);
        }
        Path work = Files.createTempDirectory("hybridcast-chaos-");
        LOG.info("Chaos benchmark working in {} (logs of every JVM there)", work);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(work.resolve("kafka"))
                .defaultPartitions(2).start();
        int port = broker.port();
        int controllerPort = broker.controllerPort();
        String bootstrap = broker.bootstrapServers();
        try (Admin admin = broker.createAdmin()) {
            Topics.createAll(admin, 2);
        }
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-D") || a.startsWith("--add-modules")).toList(); // DJL and the Vector API
        int[] httpPorts = {freePort(), freePort()};
        List<ChildJvm> streams = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            streams.add(new ChildJvm("streams-" + (char) ('a' + i), "1g", flags, "io.hybridcast.streams.StreamsMain",
                    List.of("--bootstrap-servers", bootstrap, "--http-port", Integer.toString(httpPorts[i]),
                            "--set", "application.id=" + APPLICATION_ID,
                            "--set", "state.dir=" + work.resolve("streams-" + i),
                            "--set", "model.hmac.key=" + HMAC_KEY, "--set", "pendulum.hop=" + HOP,
                            // at 2x event time runs ahead of the wall clock on purpose
                            "--set", "validation.future.tolerance.ms=31536000000"), work));
            if (tinyModel) {
                streams.set(i, streams.get(i).withArgs(TinyModelPublisher.STREAMS_SETTINGS));
            }
        }
        ChildJvm trainer = tinyModel ? null : new ChildJvm("trainer", "1500m", flags, "io.hybridcast.trainer.TrainerCommand",
                List.of("service", "--bootstrap-servers", bootstrap, "--systems", "PENDULUM", "--interval", "PT30S",
                        "--bootstrap-epochs", "3", "--epochs", "2", "--promotion", "ALWAYS", "--hmac-key", HMAC_KEY,
                        "--max-readings-per-partition", "20000", "--hop", Integer.toString(HOP)), work);
        ChildJvm simulator = new ChildJvm("simulator", "512m", flags, "io.hybridcast.simulator.SimulatorCommand",
                List.of("--bootstrap-servers", bootstrap, "--rate", rate, "--pendulums", Integer.toString(pendulums),
                        "--advection-diffusion", "0", "--double-pendulums", "0", "--partitions", "2", "--seed", "7"),
                work);
        List<ChildJvm> all = new ArrayList<>(streams);
        if (trainer != null) {
            all.add(trainer);
        }
        all.add(simulator);
        Map<String, Object> report = new LinkedHashMap<>();
        List<Map<String, Object>> events = new ArrayList<>();
        try (ChaosLedger ledger = new ChaosLedger(bootstrap)) {
            all.forEach(ChildJvm::start);
            if (tinyModel) {
                TinyModelPublisher.publish(bootstrap, HMAC_KEY);
            }
            long firstForecast = awaitFirstForecast(ledger);
            LOG.info("First forecast after {} s; faults start", (firstForecast - startMillis) / 1000);
            long window = (long) (minutes * 60_000);
            int n = faults.size() * faultsEach;
            int streamsKills = 0;
            int brokerRestarts = 0;
            int trainerKills = 0;
            int simulatorRestarts = 0;
            double maxRecovery = 0;
            double maxStreamsKillRecovery = 0;
            for (int i = 0; i < n; i++) {
                sleepUntil(firstForecast + window * (i + 1) / (n + 1));
                long at = System.currentTimeMillis();
                String fault;
                switch (faults.get(i % faults.size())) {
                    case "streams" -> {
                        ChildJvm victim = streams.get(streamsKills % 2);
                        victim.kill();
                        victim.start();
                        streamsKills++;
                        fault = "kill -9 and restart " + victim.name();
                    }
                    case "broker" -> {
                        broker.close();
                        broker = EmbeddedKafkaBroker.builder().port(port).controllerPort(controllerPort)
                                .logDir(work.resolve("kafka")).defaultPartitions(2).start();
                        brokerRestarts++;
                        fault = "broker restart";
                    }
                    case "trainer" -> {
                        fault = killTrainerAtTheEndOfARun(trainer);
                        trainer.start();
                        trainerKills++;
                    }
                    default -> {
                        simulator.restart();
                        simulatorRestarts++;
                        fault = "simulator stop (SIGTERM) and restart";
                    }
                }
                LOG.info("Fault {}/{}: {}", i + 1, n, fault);
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("at_s", (at - firstForecast) / 1000.0);
                event.put("fault", fault);
                events.add(event);
            }
            sleepUntil(firstForecast + window);
            simulator.stop();
            awaitCaughtUp(broker);
            awaitQuiet(ledger);
            for (Map<String, Object> event : events) {
                long at = firstForecast + (long) ((double) event.get("at_s") * 1000);
                double recovery = ledger.recoverySeconds(at);
                event.put("recovery_s", recovery);
                if (!event.get("fault").toString().startsWith("simulator")) {
                    maxRecovery = Math.max(maxRecovery, recovery);
                }
                if (event.get("fault").toString().startsWith("kill -9 and restart streams")) {
                    maxStreamsKillRecovery = Math.max(maxStreamsKillRecovery, recovery);
                }
            }
            ChaosLedger.Readings readings = ledger.readings();
            Map<String, Long> sent = readings.perSensor();
            Map<String, Long> dead = ledger.deadLettersPerKey();
            long lost = readings.neverPublished();
            long countedTwice = 0;
            for (Map.Entry<String, Long> e : sent.entrySet()) {
                long accepted = accepted(httpPorts, e.getKey());
                long accounted = accepted + dead.getOrDefault(e.getKey(), 0L);
                lost += Math.max(0, e.getValue() - accounted);
                countedTwice += Math.max(0, accounted - e.getValue());
            }
            ChaosLedger.ForecastCheck forecasts = ledger.checkForecasts(HOP);
            report.put("label", label);
            report.put("command", "java <DJL flags> -cp <local-stack test classpath> "
                    + "io.hybridcast.local.chaos.ChaosBenchmark --minutes " + minutes + " --faults-each " + faultsEach
                    + " --pendulums " + pendulums + " --rate " + rate + " --faults " + String.join(",", faults)
                    + (tinyModel ? " --tiny-model" : "") + " --label '" + label + "'");
            report.put("minutes", minutes);
            report.put("streams_kills", streamsKills);
            report.put("broker_restarts", brokerRestarts);
            report.put("trainer_kills", trainerKills);
            report.put("simulator_restarts", simulatorRestarts);
            report.put("readings_sent", sent.values().stream().mapToLong(Long::longValue).sum());
            report.put("readings_lost", lost);
            report.put("readings_dead_lettered", dead.values().stream().mapToLong(Long::longValue).sum());
            report.put("forecasts_expected", forecasts.expected());
            report.put("forecasts_missing", forecasts.missing());
            report.put("forecasts_duplicated", forecasts.duplicated());
            report.put("half_published_versions", ledger.halfPublishedVersions());
            report.put("max_recovery_s", maxRecovery);
            report.put("max_streams_kill_recovery_s", maxStreamsKillRecovery);
            report.put("readings_counted_twice", countedTwice);
            report.put("readings_never_published", readings.neverPublished());
            report.put("sensors", sent.size());
            report.put("seconds_to_first_forecast", (firstForecast - startMillis) / 1000.0);
            report.put("events", events);
            report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, load average "
                    + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            report.put("finished", java.time.Instant.now().toString());
        } finally {
            for (ChildJvm child : all) {
                child.close();
            }
            broker.close();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), report);
        LOG.info("Chaos report written to {}: {}", out.toAbsolutePath(), JSON.writeValueAsString(report));
        return 0;
    }

    private final long startMillis = System.currentTimeMillis();

    private long awaitFirstForecast(ChaosLedger ledger) throws InterruptedException {
        long deadline = System.nanoTime() + firstForecastTimeout.toNanos();
        while (ledger.forecasts().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No forecast within " + firstForecastTimeout + "; see the JVM logs");
            }
            Thread.sleep(500);
        }
        return System.currentTimeMillis();
    }

    /** Waits for the last training step's log line (the publish follows it) for up to 2 minutes, then kills. */
    private static String killTrainerAtTheEndOfARun(ChildJvm trainer) throws Exception {
        long start = Files.exists(trainer.log()) ? Files.size(trainer.log()) : 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        java.util.regex.Pattern last = java.util.regex.Pattern.compile("step (\\d+)/(\\1)\\b");
        while (System.nanoTime() < deadline) {
            String fresh = Files.readString(trainer.log()).substring((int) Math.min(start, Files.size(trainer.log())));
            if (last.matcher(fresh).find()) {
                trainer.kill();
                return "kill -9 trainer at the last step of a training run, then restart";
            }
            Thread.sleep(20);
        }
        trainer.kill();
        return "kill -9 trainer (no training run ended within 2 min), then restart";
    }

    /**
     * Waits (up to 5 minutes) until the streams' committed offsets reach the end of the readings: a just restarted
     * instance on a busy machine can take longer than the quiet period to start, and its readings are not lost.
     */
    private static void awaitCaughtUp(EmbeddedKafkaBroker broker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try (Admin admin = broker.createAdmin()) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new LinkedHashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(Topics.SENSOR_READINGS.name(), p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            while (System.nanoTime() < deadline) {
                var committed = admin.listConsumerGroupOffsets(APPLICATION_ID).partitionsToOffsetAndMetadata().get();
                if (ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue().offset())) {
                    return;
                }
                Thread.sleep(500);
            }
            LOG.warn("The streams did not reach the end of the readings within 5 minutes");
        }
    }

    /** Waits until no new forecast arrived for 15 s (at most 2 minutes): the streams have drained. */
    private static void awaitQuiet(ChaosLedger ledger) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = ledger.forecasts().size();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(15)) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /** Readings the streams app accepted for a sensor, asked of either instance (each answers for every sensor). */
    private long accepted(int[] ports, String sensor) throws Exception {
        for (int attempt = 0; attempt < 60; attempt++) {
            for (int port : ports) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/sensors/" + sensor)).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        JsonNode node = JSON.readTree(r.body());
                        return node.get("readings").asLong();
                    }
                } catch (java.io.IOException e) {
                    // that instance is not answering (yet): try the other one
                }
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("No streams instance answers for sensor " + sensor);
    }

    private static void sleepUntil(long millis) throws InterruptedException {
        long wait = millis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
