package io.hybridcast.trainer.service;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The newest complete, intact model version of one system on {@code model-versions}: all chunks present,
 * the reassembled payload matching its SHA-256 and its signature (over the metadata) under the configured key,
 * or, only when unsigned versions are allowed, unsigned. The trainer warm-starts from it and scores
 * candidates against it. A record that does not decode or breaks the limits of {@link ModelPayloads} is
 * skipped with a warning and counted ({@value #SKIPPED_METER}); it never stops the trainer.
 *
 * @param header  the version's metadata (first chunk)
 * @param payload the reassembled model bundle
 */
public record ServedVersion(ModelVersion header, byte[] payload) {

    private static final Logger LOG = LoggerFactory.getLogger(ServedVersion.class);
    /** Counter of model-version records and versions the trainer skipped, tagged by system and reason. */
    public static final String SKIPPED_METER = "hybridcast.trainer.model.versions.skipped";
    /** Chunk bytes held at most while reading the topic: a few versions of the largest size. */
    static final long MAX_HELD_BYTES = 4 * ModelPayloads.MAX_PAYLOAD_BYTES;

    /**
     * What the topic holds for one system.
     *
     * @param newest         the newest intact version, if any
     * @param highestVersion the highest version number to number a new version above (0 when none): every
     *                       intact version's, and an incomplete one's when it is plausible (at most
     *                       {@link ModelPayloads#MAX_UNSIGNED_VERSION_JUMP} above the newest intact one), so a
     *                       broken version's number is never reused; a forged or implausible number is ignored
     */
    public record Lookup(Optional<ServedVersion> newest, long highestVersion) {
    }

    /** Reads the whole (compacted) topic with signatures required, metrics discarded; for tests and tools. */
    public static Lookup lookup(String bootstrapServers, SystemKind system, String hmacKey, Duration timeout) {
        return lookup(bootstrapServers, KafkaClientConfig.none(), system, hmacKey, timeout);
    }

    /** {@link #lookup(String, SystemKind, String, Duration)} with the Kafka client properties file. */
    public static Lookup lookup(String bootstrapServers, KafkaClientConfig kafka, SystemKind system, String hmacKey,
                                Duration timeout) {
        return lookup(bootstrapServers, kafka, system, hmacKey, false, new SimpleMeterRegistry(), timeout);
    }

    /** Reads the whole (compacted) topic as the trainer of {@code settings} does, counting skips in {@code meters}. */
    public static Lookup lookup(TrainerSettings settings, MeterRegistry meters, Duration timeout) {
        return lookup(settings.bootstrapServers(), settings.kafkaConfig(), settings.system(), settings.hmacKey(),
                settings.allowUnsigned(), meters, timeout);
    }

    /** {@link #lookup(String, KafkaClientConfig, SystemKind, String, boolean, MeterRegistry, Duration)} on a plaintext cluster. */
    public static Lookup lookup(String bootstrapServers, SystemKind system, String hmacKey, boolean allowUnsigned,
                                MeterRegistry meters, Duration timeout) {
        return lookup(bootstrapServers, KafkaClientConfig.none(), system, hmacKey, allowUnsigned, meters, timeout);
    }

    /** Reads the whole (compacted) topic and finds the newest intact version of {@code system}. */
    public static Lookup lookup(String bootstrapServers, KafkaClientConfig kafka, SystemKind system, String hmacKey,
                                boolean allowUnsigned, MeterRegistry meters, Duration timeout) {
        Map<Long, TreeMap<Integer, ModelVersion>> chunksByVersion = read(bootstrapServers, kafka, system, meters,
                timeout);
        boolean signed = hmacKey != null && !hmacKey.isEmpty();
        long newestIntact = -1;
        ServedVersion newest = null;
        long highestIncomplete = 0;
        for (Map.Entry<Long, TreeMap<Integer, ModelVersion>> e : chunksByVersion.entrySet()) { // ascending
            long version = e.getKey();
            TreeMap<Integer, ModelVersion> chunks = e.getValue();
            ModelVersion first = chunks.firstEntry().getValue();
            if (chunks.size() != first.getChunkCount() || chunks.firstKey() != 0) {
                LOG.warn("Model version {} of {} is incomplete ({} of {} chunks); skipping it", version, system,
                        chunks.size(), first.getChunkCount());
                highestIncomplete = Math.max(highestIncomplete, version);
                continue;
            }
            byte[] whole = reassemble(chunks);
            String problem = ModelPayloads.verify(first, whole, hmacKey, allowUnsigned);
            if (problem == null) {
                problem = ModelPayloads.implausibleVersion(version, newestIntact, signed);
            }
            if (problem != null) {
                skipped(meters, system, "refused");
                LOG.warn("Model version {} of {} skipped: {}", version, system, problem);
                continue;
            }
            newestIntact = version;
            newest = new ServedVersion(first, whole);
        }
        long highest = Math.max(newestIntact, 0);
        if (highestIncomplete > highest && highestIncomplete - highest <= ModelPayloads.MAX_UNSIGNED_VERSION_JUMP) {
            highest = highestIncomplete;
        }
        return new Lookup(Optional.ofNullable(newest), highest);
    }

    private static Map<Long, TreeMap<Integer, ModelVersion>> read(String bootstrapServers, KafkaClientConfig kafka,
                                                                  SystemKind system, MeterRegistry meters,
                                                                  Duration timeout) {
        TreeMap<Long, TreeMap<Integer, ModelVersion>> chunksByVersion = new TreeMap<>();
        long held = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.merge(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_VERSION_MAX_MESSAGE_BYTES * 2),
                "trainer model reader"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ModelVersion v = decode(r, system, meters);
                    if (v == null || v.getSystem() != system) {
                        continue;
                    }
                    if (v.getChunkCount() < 1 || v.getChunkCount() > ModelPayloads.MAX_CHUNKS || v.getChunkIndex() < 0
                            || v.getChunkIndex() >= v.getChunkCount()) {
                        skipped(meters, system, "out-of-range");
                        LOG.warn("Model-version record {}-{}@{} skipped: chunk {} of {} (at most {} chunks)",
                                r.topic(), r.partition(), r.offset(), v.getChunkIndex(), v.getChunkCount(),
                                ModelPayloads.MAX_CHUNKS);
                        continue;
                    }
                    ModelVersion replaced = chunksByVersion.computeIfAbsent(v.getVersion(), k -> new TreeMap<>())
                            .put(v.getChunkIndex(), v);
                    held += v.getPayload().remaining() - (replaced == null ? 0 : replaced.getPayload().remaining());
                    while (held > MAX_HELD_BYTES && chunksByVersion.size() > 1) {
                        // bounded memory: the lowest versions go first, the newest is what the trainer needs
                        Map.Entry<Long, TreeMap<Integer, ModelVersion>> lowest = chunksByVersion.pollFirstEntry();
                        held -= lowest.getValue().values().stream().mapToLong(c -> c.getPayload().remaining()).sum();
                        skipped(meters, system, "memory-bound");
                        LOG.warn("Model version {} of {} dropped while reading: more than {} bytes of chunks",
                                lowest.getKey(), system, MAX_HELD_BYTES);
                    }
                }
            }
        }
        return chunksByVersion;
    }

    /** The record's version, or null (skipped, with a warning and a count) when it does not decode. */
    private static ModelVersion decode(ConsumerRecord<byte[], byte[]> r, SystemKind system, MeterRegistry meters) {
        if (r.value() == null) {
            return null; // a tombstone: a superseded chunk slot
        }
        try {
            return Topics.MODEL_VERSIONS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException | OutOfMemoryError e) { // an Avro length bomb may declare gigabytes
            skipped(meters, system, "undecodable");
            LOG.warn("Model-version record {}-{}@{} skipped: it does not decode ({})", r.topic(), r.partition(),
                    r.offset(), e.toString());
            return null;
        }
    }

    private static byte[] reassemble(TreeMap<Integer, ModelVersion> chunks) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (ModelVersion chunk : chunks.values()) {
            ByteBuffer bytes = chunk.getPayload().duplicate();
            byte[] part = new byte[bytes.remaining()];
            bytes.get(part);
            payload.writeBytes(part);
        }
        return payload.toByteArray();
    }

    private static void skipped(MeterRegistry meters, SystemKind system, String reason) {
        meters.counter(SKIPPED_METER, "system", system.name(), "reason", reason).increment();
    }

    /** This version's number. */
    public long version() {
        return header.getVersion();
    }
}
