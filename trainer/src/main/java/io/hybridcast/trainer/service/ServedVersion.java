package io.hybridcast.trainer.service;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The newest complete, intact model version of one system on {@code model-versions}: all chunks present,
 * the reassembled payload matching its SHA-256 and, when a key is configured, its signature. The trainer
 * warm-starts from it and scores candidates against it.
 *
 * @param header  the version's metadata (first chunk)
 * @param payload the reassembled model bundle
 */
public record ServedVersion(ModelVersion header, byte[] payload) {

    private static final Logger LOG = LoggerFactory.getLogger(ServedVersion.class);

    /**
     * What the topic holds for one system.
     *
     * @param newest         the newest intact version, if any
     * @param highestVersion the highest version number present, intact or not (0 when none): a new version
     *                       must be numbered above it, never reuse a broken one's number
     */
    public record Lookup(Optional<ServedVersion> newest, long highestVersion) {
    }

    /** Reads the whole (compacted) topic and finds the newest intact version of {@code system}. */
    public static Lookup lookup(String bootstrapServers, SystemKind system, String hmacKey, Duration timeout) {
        return lookup(bootstrapServers, KafkaClientConfig.none(), system, hmacKey, timeout);
    }

    /** {@link #lookup(String, SystemKind, String, Duration)} with the Kafka client properties file. */
    public static Lookup lookup(String bootstrapServers, KafkaClientConfig kafka, SystemKind system, String hmacKey,
                                Duration timeout) {
        Map<Long, TreeMap<Integer, ModelVersion>> chunksByVersion = new HashMap<>();
        try (KafkaConsumer<String, ModelVersion> consumer = new KafkaConsumer<>(kafka.merge(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_VERSION_MAX_MESSAGE_BYTES * 2),
                "trainer model reader"),
                new StringDeserializer(), Topics.MODEL_VERSIONS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(Topics.MODEL_VERSIONS.name(), timeout)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading " + Topics.MODEL_VERSIONS.name());
                }
                for (ConsumerRecord<String, ModelVersion> r : consumer.poll(Duration.ofMillis(200))) {
                    ModelVersion v = r.value();
                    if (v != null && v.getSystem() == system) {
                        chunksByVersion.computeIfAbsent(v.getVersion(), k -> new TreeMap<>()).put(v.getChunkIndex(), v);
                    }
                }
            }
        }
        List<Long> versions = new ArrayList<>(chunksByVersion.keySet());
        versions.sort(java.util.Comparator.reverseOrder());
        long highest = versions.isEmpty() ? 0 : versions.get(0);
        for (long version : versions) {
            TreeMap<Integer, ModelVersion> chunks = chunksByVersion.get(version);
            ModelVersion first = chunks.firstEntry().getValue();
            if (chunks.size() != first.getChunkCount()) {
                LOG.warn("Model version {} of {} is incomplete ({} of {} chunks); skipping it", version, system,
                        chunks.size(), first.getChunkCount());
                continue;
            }
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            for (ModelVersion chunk : chunks.values()) {
                ByteBuffer bytes = chunk.getPayload().duplicate();
                byte[] part = new byte[bytes.remaining()];
                bytes.get(part);
                payload.writeBytes(part);
            }
            byte[] whole = payload.toByteArray();
            if (!ModelPayloads.sha256(whole).equals(first.getSha256())) {
                LOG.warn("Model version {} of {} does not match its SHA-256; skipping it", version, system);
                continue;
            }
            if (hmacKey != null && !hmacKey.isEmpty()
                    && !ModelPayloads.sign(hmacKey, whole).equals(first.getSignature())) {
                LOG.warn("Model version {} of {} is not signed with the configured key; skipping it", version, system);
                continue;
            }
            return new Lookup(Optional.of(new ServedVersion(first, whole)), highest);
        }
        return new Lookup(Optional.empty(), highest);
    }

    /** This version's number. */
    public long version() {
        return header.getVersion();
    }
}
