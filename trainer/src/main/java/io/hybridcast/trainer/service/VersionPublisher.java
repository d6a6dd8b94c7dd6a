package io.hybridcast.trainer.service;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes a model bundle as one version of {@code model-versions}: split into 1 MiB chunks with the
 * SHA-256 and (with a key) the HMAC-SHA256 of the whole payload, all chunks in one Kafka transaction, so a
 * crash mid-publication publishes nothing a read_committed reader sees.
 */
public final class VersionPublisher {

    /** What travels in every chunk's header besides the payload. */
    public record Version(long version, Long parent, String algorithm, String settingsJson, String trainingData,
                          Map<String, Double> metrics) {
    }

    private final String bootstrapServers;
    private final SystemKind system;
    private final String hmacKey;
    private final KafkaClientConfig kafkaConfig;

    /** Publishes as the trainer of {@code settings}: its cluster, client file, system and signing key. */
    public VersionPublisher(TrainerSettings settings) {
        this.bootstrapServers = settings.bootstrapServers();
        this.system = settings.system();
        this.hmacKey = settings.hmacKey();
        this.kafkaConfig = settings.kafkaConfig();
    }

    /** Publishes {@code bundle} as {@code version}; returns the number of chunks sent. */
    public int publish(byte[] bundle, Version version) {
        ModelVersion header = ModelVersion.newBuilder()
                .setSystem(system).setVersion(version.version()).setParentVersion(version.parent())
                .setAlgorithm(version.algorithm()).setSettingsJson(version.settingsJson())
                .setTrainingData(version.trainingData())
                .setMetrics(version.metrics()).setCreatedAt(Instant.now())
                .setPayload(ByteBuffer.allocate(0)).setSha256("").build();
        List<ModelVersion> chunks = ModelPayloads.chunks(header, bundle, ModelPayloads.DEFAULT_CHUNK_BYTES, hmacKey);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "hybridcast-trainer-" + system);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_VERSION_MAX_MESSAGE_BYTES);
        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(
                kafkaConfig.merge(config, "trainer producer"),
                Topics.MODEL_VERSIONS.keySerde().serializer(), Topics.MODEL_VERSIONS.valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ProducerRecord<String, ModelVersion> record : ModelPayloads.records(chunks)) {
                producer.send(record); // the chunks under their slot keys, tombstones for the unused slots
            }
            producer.commitTransaction();
        }
        return chunks.size();
    }
}
