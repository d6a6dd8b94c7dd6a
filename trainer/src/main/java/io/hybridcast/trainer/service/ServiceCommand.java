package io.hybridcast.trainer.service;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code trainer service}: runs the continuous re-meta-training loop, one {@link TrainerService} per system,
 * until stopped. Every flag can also come from the environment ({@code HYBRIDCAST_TRAINER_<FLAG>}, e.g.
 * {@code HYBRIDCAST_TRAINER_INTERVAL=PT10M}) or from an argument file ({@code trainer service @trainer.args}).
 */
@Command(name = "service", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Continuously re-meta-trains on sensor-readings and publishes better models to model-versions.")
public final class ServiceCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:HYBRIDCAST_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--systems", split = ",", defaultValue = "${env:HYBRIDCAST_TRAINER_SYSTEMS:-PENDULUM}",
            description = "Systems to train, comma-separated: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    List<SystemKind> systems;

    @Option(names = "--algorithm", defaultValue = "${env:HYBRIDCAST_TRAINER_ALGORITHM:-meta-hybrid-vae}",
            description = "meta-hybrid-vae or phys-vae (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--interval", defaultValue = "${env:HYBRIDCAST_TRAINER_INTERVAL:-PT5M}",
            description = "Train this often, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--min-new-readings", defaultValue = "${env:HYBRIDCAST_TRAINER_MIN_NEW_READINGS:-0}",
            description = "Also train as soon as this many new readings arrived; 0 = off (default: ${DEFAULT-VALUE}).")
    long minNewReadings;

    @Option(names = "--min-new-anomalies", defaultValue = "${env:HYBRIDCAST_TRAINER_MIN_NEW_ANOMALIES:-0}",
            description = "Also train as soon as this many anomalies were flagged since the last run (the world "
                    + "changed); 0 = off (default: ${DEFAULT-VALUE}).")
    long minNewAnomalies;

    @Option(names = "--metrics-port", defaultValue = "${env:HYBRIDCAST_TRAINER_METRICS_PORT:-0}",
            description = "Serve Prometheus metrics on 127.0.0.1:<port>/metrics; 0 = off (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--max-readings-per-partition",
            defaultValue = "${env:HYBRIDCAST_TRAINER_MAX_READINGS_PER_PARTITION:-50000}",
            description = "Newest readings per partition in a run's snapshot (default: ${DEFAULT-VALUE}).")
    long maxReadingsPerPartition;

    @Option(names = "--window-length", defaultValue = "${env:HYBRIDCAST_TRAINER_WINDOW_LENGTH:-50}",
            description = "Samples per window; must equal the streams app's (default: ${DEFAULT-VALUE}).")
    int windowLength;

    @Option(names = "--horizon", defaultValue = "${env:HYBRIDCAST_TRAINER_HORIZON:-20}",
            description = "Forecast steps the model supports and is scored on (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--hop", defaultValue = "${env:HYBRIDCAST_TRAINER_HOP:-10}",
            description = "Samples between training window starts (default: ${DEFAULT-VALUE}).")
    int hop;

    @Option(names = "--context-size", defaultValue = "${env:HYBRIDCAST_TRAINER_CONTEXT_SIZE:-5}",
            description = "K, context windows per query (default: ${DEFAULT-VALUE}).")
    int contextSize;

    @Option(names = "--epochs", defaultValue = "${env:HYBRIDCAST_TRAINER_EPOCHS:-5}",
            description = "Epochs of a warm-started run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--bootstrap-epochs", defaultValue = "${env:HYBRIDCAST_TRAINER_BOOTSTRAP_EPOCHS:-10}",
            description = "Epochs of the first model, trained from scratch (default: ${DEFAULT-VALUE}).")
    int bootstrapEpochs;

    @Option(names = "--held-out-fraction", defaultValue = "${env:HYBRIDCAST_TRAINER_HELD_OUT_FRACTION:-0.2}",
            description = "Newest share of each sensor's samples held out for scoring (default: ${DEFAULT-VALUE}).")
    double heldOutFraction;

    @Option(names = "--promotion", defaultValue = "${env:HYBRIDCAST_TRAINER_PROMOTION:-BETTER}",
            description = "Which candidates to publish: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TrainerSettings.Promotion promotion;

    @Option(names = "--spread-tolerance", defaultValue = "${env:HYBRIDCAST_TRAINER_SPREAD_TOLERANCE:-1.1}",
            description = "Promotion: candidate z_p spread at most this times the served one (default: ${DEFAULT-VALUE}).")
    double spreadTolerance;

    @Option(names = "--hmac-key", defaultValue = "${env:HYBRIDCAST_TRAINER_HMAC_KEY:-}",
            description = "Sign versions (their metadata and payload checksum) with HMAC-SHA256 under this key, "
                    + "shared with the streams app's model.hmac.key; required unless --allow-unsigned.")
    String hmacKey;

    @Option(names = "--allow-unsigned", defaultValue = "${env:HYBRIDCAST_TRAINER_ALLOW_UNSIGNED:-false}",
            description = "Publish unsigned versions when no key is given, and accept an unsigned served version "
                    + "(the streams app's model.allow.unsigned); anyone who can write model-versions can then "
                    + "publish a model (default: ${DEFAULT-VALUE}).")
    boolean allowUnsigned;

    @Option(names = "--seed", defaultValue = "${env:HYBRIDCAST_TRAINER_SEED:-1}",
            description = "Training seed of the first run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:HYBRIDCAST_KAFKA_CONFIG:-}",
            description = "Kafka client properties file (security.protocol, ssl.*, sasl.*) for every Kafka client "
                    + "(default: none, a plaintext cluster).")
    String kafkaConfig;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            defaultValue = "${env:HYBRIDCAST_SCHEMA_REGISTRY_URL:-}",
            description = "Schema registry with the Confluent-compatible API (e.g. "
                    + "http://apicurio:8080/apis/ccompat/v7): write records in its wire format (magic byte 0 + schema "
                    + "id). Default: none, Avro single-object encoding. Both are read either way.")
    String schemaRegistryUrl;
    @Option(names = "--base-model", defaultValue = "${env:HYBRIDCAST_TRAINER_BASE_MODEL:-true}", arity = "1",
            description = "Publish the shipped base model as the first version when nothing is served "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean baseModel;

    @Option(names = "--replay-tasks", defaultValue = "${env:HYBRIDCAST_TRAINER_REPLAY_TASKS:-100}",
            description = "Simulated population sensors replayed with the live windows in warm-started runs; "
                    + "0 = none (default: ${DEFAULT-VALUE}).")
    int replayTasks;

    @Option(names = "--warm-steps", defaultValue = "${env:HYBRIDCAST_TRAINER_WARM_STEPS:-600}",
            description = "Optimiser steps of a warm-started run; 0 = --epochs over the live windows "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmSteps;

    @Option(names = "--guard-sensors", defaultValue = "${env:HYBRIDCAST_TRAINER_GUARD_SENSORS:-40}",
            description = "Held-out simulated sensors (the digital twin, never the live fleet) on which a warm-started "
                    + "candidate's sensor-level z_p error must not exceed the served version's before it is "
                    + "promoted; 0 = no guard (default: ${DEFAULT-VALUE}).")
    int guardSensors;

    /** How the trainers start from and continue the base models. */
    public ContinuationSettings continuation() {
        return new ContinuationSettings(baseModel, replayTasks, warmSteps, guardSensors);
    }

    /** The settings of one system's trainer. */
    public TrainerSettings settings(SystemKind system) {
        return TrainerSettings.builder().setBootstrapServers(bootstrapServers).setSystem(system).setHmacKey(hmacKey)
                .optAlgorithm(algorithm).optInterval(interval).optMinNewReadings(minNewReadings)
                .optMinNewAnomalies(minNewAnomalies).optMaxReadingsPerPartition(maxReadingsPerPartition)
                .optWindows(windowLength, horizon, hop).optContextSize(contextSize).optEpochs(epochs, bootstrapEpochs)
                .optHeldOutFraction(heldOutFraction).optPromotion(promotion).optSpreadTolerance(spreadTolerance)
                .optSeed(seed).optAllowUnsigned(allowUnsigned).optKafkaConfig(KafkaClientConfig.load(kafkaConfig))
                .build();
    }

    /** Prometheus scrape endpoint on localhost: runs by outcome, run time, progress, last published version. */
    private HttpServer serveMetrics(PrometheusMeterRegistry meters) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", metricsPort), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        LOG.info("Trainer metrics at http://127.0.0.1:{}/metrics", server.getAddress().getPort());
        return server;
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        // the serdes are the process's (Topics): the wire format is set once, before any record is written
        io.hybridcast.schemas.AvroSerde.useRegistry(
                io.hybridcast.schemas.registry.SchemaRegistryClient.ofOrNone(schemaRegistryUrl));
        List<TrainerSettings> all = new ArrayList<>();
        for (SystemKind system : systems) {
            try {
                all.add(settings(system));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Setting --metrics-port must be 0..65535, got " + metricsPort);
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer metricsServer = metricsPort == 0 ? null : serveMetrics(meters);
        ContinuationSettings continuation;
        try {
            continuation = continuation();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<TrainerService> services = all.stream().map(s -> new TrainerService(s, continuation, meters)).toList();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            services.forEach(TrainerService::stop); // all at once: none starts a run while another closes
            services.forEach(TrainerService::close);
            if (metricsServer != null) {
                metricsServer.stop(0);
            }
            stop.countDown();
        }, "trainer-shutdown"));
        services.forEach(TrainerService::start);
        LOG.info("Trainer running for {} every {} ({} algorithm)", systems, interval, algorithm);
        stop.await();
        return 0;
    }
}
