package io.hybridcast.streams;

import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.streams.api.HttpApi;
import io.hybridcast.streams.config.FailOverSettings;
import io.hybridcast.streams.config.StateSettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.errors.StreamThreadHealth;
import io.hybridcast.streams.errors.UnproducibleRecordHandler;
import io.hybridcast.streams.inference.ModelRegistry;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.swap.ModelLoader;
import io.hybridcast.streams.swap.ModelSwapper;
import io.hybridcast.streams.swap.ModelVersionWatcher;
import io.hybridcast.streams.topology.TopologyFactory;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The streams app as one object: the Kafka Streams forecaster, the model-version watcher that hot-swaps
 * models, the HTTP API with dashboard and Prometheus metrics. {@link #start} returns once everything is
 * started (not necessarily ready: see {@link #ready()}; the stream processing itself starts once the model
 * versions on the topic are read); {@link #close} stops it all. Used by
 * {@link StreamsMain} and by the one-command local stack.
 */
public final class StreamsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ModelRegistry models = new ModelRegistry();
    private final HttpApi api;
    private final KafkaStreams streams;
    private final ModelVersionWatcher watcher;
    private final KafkaStreamsMetrics streamsMetrics;
    /** Replaces a failed stream thread and makes /health DEGRADED or DOWN when they fail repeatedly. */
    private final StreamThreadHealth threadHealth = new StreamThreadHealth(java.time.Clock.systemUTC());

    private StreamsService(StreamsSettings settings, ModelLoader loader) {
        // the serdes are the process's (Topics): the wire format is set once, before any record is written
        io.hybridcast.schemas.AvroSerde.useRegistry(io.hybridcast.schemas.registry.SchemaRegistryClient.ofOrNone(
                settings.get(StreamsSettings.SCHEMA_REGISTRY_URL)));
        AppMetrics metrics = new AppMetrics(prometheus);
        ModelSwapper swapper = new ModelSwapper(models, loader, settings, metrics);
        try {
            api = new HttpApi(settings, models, swapper, prometheus::scrape);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind the HTTP API to " + settings.get(StreamsSettings.HTTP_HOST)
                    + ":" + settings.get(StreamsSettings.HTTP_PORT) + " (settings http.host / http.port)", e);
        }
        api.start();
        Properties properties = streamsProperties(settings, api.port());
        properties.put(UnproducibleRecordHandler.METER_REGISTRY_CONFIG, prometheus);
        streams = new KafkaStreams(TopologyFactory.buildTopology(settings, models, metrics), properties);
        streams.setUncaughtExceptionHandler(threadHealth);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(prometheus);
        watcher = new ModelVersionWatcher(settings.get(StreamsSettings.BOOTSTRAP_SERVERS),
                settings.get(StreamsSettings.KAFKA_CONFIG), swapper, metrics);
        api.attach(streams, watcher::caughtUp, threadHealth);
        // The streams start once the published model versions are replayed: started together, the hops that fall
        // due during the replay were skipped for want of a model that was already on the topic.
        watcher.onCaughtUp(this::startStreams);
        watcher.start();
        LOG.info("Streams app started (stream processing starts once the model versions are read): {}",
                settings.describe());
    }

    private void startStreams() {
        try {
            streams.start();
        } catch (IllegalStateException e) {
            LOG.info("Streams not started: the app is closing ({})", e.getMessage());
        }
    }

    /** Starts the app with the given settings, loading published model bundles with {@link BundleModelLoader}. */
    public static StreamsService start(StreamsSettings settings) {
        return new StreamsService(settings, new BundleModelLoader(
                BandMethod.parse(settings.get(StreamsSettings.MODEL_BAND_METHOD)),
                settings.get(StreamsSettings.MODEL_SAMPLES)));
    }

    /** Starts the app with the given settings and model loader. */
    public static StreamsService start(StreamsSettings settings, ModelLoader loader) {
        return new StreamsService(settings, loader);
    }

    /** The Kafka Streams properties derived from the settings. */
    public static Properties streamsProperties(StreamsSettings settings, int httpPort) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.get(StreamsSettings.APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(StreamsSettings.BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.STATE_DIR_CONFIG, settings.get(StateSettings.STATE_DIR).toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, settings.get(StreamsSettings.PROCESSING_GUARANTEE));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.get(StreamsSettings.STREAM_THREADS));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.get(StreamsSettings.COMMIT_INTERVAL_MS));
        // where other instances reach this one's API for interactive queries
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.get(StreamsSettings.HTTP_HOST) + ":" + httpPort);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Readings and ground truth share a task (one sub-topology, so a sensor's truth lives beside its state for
        // live scoring on any instance) but need no event-time alignment: truth is only recorded. The default (0)
        // makes the task check the empty truth partition's fetch lag before every record, and Kafka Streams
        // formats a log message for it each time: 16 % of the stream thread's Java time in the benchmark (JFR).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // a record that can never be produced is logged and counted, not a stream thread failing on it for ever
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, UnproducibleRecordHandler.class.getName());
        // fail-over in seconds rather than the defaults' 45 s session and 10 s transaction (docs/decisions.md)
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.get(FailOverSettings.STANDBY_REPLICAS));
        p.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, settings.get(FailOverSettings.ACCEPTABLE_RECOVERY_LAG));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                settings.get(FailOverSettings.SESSION_TIMEOUT_MS));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                settings.get(FailOverSettings.HEARTBEAT_INTERVAL_MS));
        p.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                settings.get(FailOverSettings.TRANSACTION_TIMEOUT_MS));
        return settings.get(StreamsSettings.KAFKA_CONFIG).merge(p, "streams app");
    }

    public int httpPort() {
        return api.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public ModelRegistry models() {
        return models;
    }

    /** The stream threads' failures, as /health reports them. */
    public StreamThreadHealth threadHealth() {
        return threadHealth;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return prometheus;
    }

    /** True once the streams run and every published model version has been read. */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING && watcher.caughtUp();
    }

    @Override
    public void close() {
        watcher.close();
        // Leave the consumer group: the remaining instances (or a restarted one, which joins as a new member) take
        // this instance's sensors over at once instead of after the session timeout, 45 s without forecasts.
        streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(java.time.Duration.ofSeconds(30)));
        streamsMetrics.close();
        api.close();
        models.close();
        prometheus.close();
    }
}
