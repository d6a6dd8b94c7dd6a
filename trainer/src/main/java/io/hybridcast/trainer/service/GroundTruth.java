package io.hybridcast.trainer.service;

import io.hybridcast.avro.SensorTruth;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The simulator's ground truth of one system, when {@code sensor-truth} has any: per sensor, the true
 * physics parameter over sequence ranges. Used only to <em>report</em> how well a model version recovers the
 * true physics (identifiability), never to train or to promote.
 */
public final class GroundTruth {

    private record Range(long from, long to, double value) {
    }

    private final Map<String, List<Range>> bySensor;

    private GroundTruth(Map<String, List<Range>> bySensor) {
        this.bySensor = bySensor;
    }

    /** True physics parameter of a sensor at a sequence number, if known. */
    public OptionalDouble at(String sensor, long sequence) {
        double found = Double.NaN;
        for (Range r : bySensor.getOrDefault(sensor, List.of())) {
            if (sequence >= r.from && sequence <= r.to) {
                found = r.value; // later records win: they describe the newest state of that range
            }
        }
        return Double.isNaN(found) ? OptionalDouble.empty() : OptionalDouble.of(found);
    }

    /** Reads the whole topic up to its current end; empty when the topic has no truth for the system. */
    public static Optional<GroundTruth> read(String bootstrapServers, SystemKind system, Duration timeout) {
        return read(bootstrapServers, KafkaClientConfig.none(), system, timeout);
    }

    /** {@link #read(String, SystemKind, Duration)} with the Kafka client properties file (security settings). */
    public static Optional<GroundTruth> read(String bootstrapServers, KafkaClientConfig kafka, SystemKind system,
                                             Duration timeout) {
        Map<String, List<Range>> bySensor = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.merge(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), "trainer truth reader"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(Topics.SENSOR_TRUTH.name(), timeout)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    SensorTruth truth;
                    try {
                        truth = Topics.SENSOR_TRUTH.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    } catch (RuntimeException e) {
                        continue; // truth is for reporting only: an unreadable record just is not scored
                    }
                    if (truth == null || truth.getSystem() != system || truth.getPhysics().isEmpty()) {
                        continue;
                    }
                    double value = truth.getPhysics().values().iterator().next();
                    long to = truth.getToSequence() == null ? Long.MAX_VALUE : truth.getToSequence();
                    bySensor.computeIfAbsent(truth.getSensorId(), k -> new ArrayList<>())
                            .add(new Range(truth.getFromSequence(), to, value));
                }
            }
        }
        return bySensor.isEmpty() ? Optional.empty() : Optional.of(new GroundTruth(bySensor));
    }
}
