package io.hybridcast.streams.swap;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.streams.AppMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Follows {@code model-versions} from the beginning on its own thread (no consumer group: every instance
 * reads every version) and hands each chunk to the {@link ModelSwapper}. It is {@link #caughtUp() caught up}
 * once it has read up to the end offsets seen at start, which the readiness check waits for and which runs
 * the {@link #onCaughtUp} actions (the service starts its streams then, so no hop is skipped for want of a
 * model that is on the topic). An unreachable broker is waited for, not given up on. A record that fails in any way, even with an {@link Error}, is logged, counted
 * and skipped: the watcher keeps following the topic and the models in service keep serving.
 */
public final class ModelVersionWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelVersionWatcher.class);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ModelSwapper swapper;
    private final AppMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private final List<Runnable> onCaughtUp = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ModelVersionWatcher(String bootstrapServers, ModelSwapper swapper, AppMetrics metrics) {
        this(bootstrapServers, KafkaClientConfig.none(), swapper, metrics);
    }

    /** A watcher whose consumer also gets the Kafka client properties file (security settings). */
    public ModelVersionWatcher(String bootstrapServers, KafkaClientConfig kafkaConfig, ModelSwapper swapper,
                               AppMetrics metrics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Integer.toString(Topics.MODEL_VERSION_MAX_MESSAGE_BYTES + 1024 * 1024));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "hybridcast-streams-model-watcher");
        this.consumer = new KafkaConsumer<>(kafkaConfig.merge(props, "model watcher"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.swapper = swapper;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "model-version-watcher");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** Runs {@code action} on the watcher's thread once it has caught up (at once if it already has). */
    public void onCaughtUp(Runnable action) {
        synchronized (onCaughtUp) {
            if (!caughtUp) {
                onCaughtUp.add(action);
                return;
            }
        }
        action.run();
    }

    private void markCaughtUp() {
        synchronized (onCaughtUp) {
            caughtUp = true;
        }
        LOG.info("Model versions caught up");
        for (Runnable action : onCaughtUp) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.error("An action waiting for the model versions failed", e);
            }
        }
        onCaughtUp.clear();
    }

    private void run() {
        try {
            Map<TopicPartition, Long> endAtStart = assignFromTheBeginning();
            if (endAtStart == null) {
                return;
            }
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    handle(record);
                }
                if (!caughtUp && reachedAll(endAtStart)) {
                    markCaughtUp();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            LOG.error("Model-version watcher stopped; the models in service keep serving", e);
            if (running && !caughtUp) {
                // the replay cannot finish: run what waits for it (the streams) rather than stay stopped;
                // /ready keeps saying the versions were not read
                LOG.error("Starting what waited for the model versions without them");
                new ArrayList<>(onCaughtUp).forEach(Runnable::run);
                onCaughtUp.clear();
            }
        } finally {
            consumer.close();
        }
    }

    /**
     * Assigns every partition of the topic from its beginning and returns their end offsets, retrying while the
     * broker cannot be reached (a service started before its broker, or during a broker restart), so the
     * watcher does not give up for good on a transient outage; {@code null} once closed.
     */
    private Map<TopicPartition, Long> assignFromTheBeginning() {
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(Topics.MODEL_VERSIONS.name(),
                        Duration.ofSeconds(10));
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> partitions = new ArrayList<>();
                    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    return consumer.endOffsets(partitions);
                }
                LOG.info("Waiting for topic {}", Topics.MODEL_VERSIONS.name());
            } catch (RetriableException e) {
                LOG.warn("Cannot reach the broker to read {} yet ({}); retrying", Topics.MODEL_VERSIONS.name(),
                        e.getMessage());
            }
            pause(RETRY_BACKOFF);
        }
        return null;
    }

    /** Whether every partition has been read up to {@code end}; false while the positions cannot be had. */
    private boolean reachedAll(Map<TopicPartition, Long> end) {
        try {
            return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), RETRY_BACKOFF) >= e.getValue());
        } catch (RetriableException e) {
            return false;
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        ModelVersion chunk;
        try {
            chunk = Topics.MODEL_VERSIONS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException | Error e) { // an Avro length bomb may throw OutOfMemoryError
            LOG.warn("Model-version record {}-{}@{} refused: cannot decode ({})", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            metrics.modelVersion("unknown", "refused");
            return;
        }
        if (chunk == null) {
            return; // a tombstone: compaction removing an old version
        }
        try {
            ModelSwapper.Outcome outcome = swapper.accept(chunk);
            LOG.debug("Model-version chunk {} -> {}", Topics.modelVersionKey(chunk), outcome);
        } catch (Throwable e) { // NOPMD: the swapper refuses what fails; this is the last line of defence
            LOG.error("Model-version record {}-{}@{} refused: handling it failed", record.topic(), record.partition(),
                    record.offset(), e);
            metrics.modelVersion(chunk.getSystem().name(), "refused");
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
