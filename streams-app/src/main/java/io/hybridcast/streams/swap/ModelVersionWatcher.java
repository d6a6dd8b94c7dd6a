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
 * model that is on the topic). A record that fails in any way, even with an {@link Error}, is logged, counted
 * and skipped: the watcher keeps following the topic and the models in service keep serving.
 */
public final class ModelVersionWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelVersionWatcher.class);

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
            List<TopicPartition> partitions = waitForPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endAtStart = endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    handle(record);
                }
                if (!caughtUp && endAtStart.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
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
     * The end offsets, asked again while the broker does not answer in time: a restarted instance on a starved
     * machine or during a broker restart timed out here, gave up the replay and served no model until restarted.
     */
    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        while (true) {
            try {
                return consumer.endOffsets(partitions, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("No end offsets of {} yet ({}); asking again", Topics.MODEL_VERSIONS.name(), e.getMessage());
            }
        }
    }

    private List<TopicPartition> waitForPartitions() {
        while (running) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(Topics.MODEL_VERSIONS.name(), Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // the broker is not reachable (yet): the same as a topic not there yet, not a reason to stop
                LOG.warn("No metadata for {} yet ({}); asking again", Topics.MODEL_VERSIONS.name(), e.getMessage());
                continue;
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>();
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                return partitions;
            }
            LOG.info("Waiting for topic {}", Topics.MODEL_VERSIONS.name());
        }
        return null;
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
