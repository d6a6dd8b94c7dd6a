package io.hybridcast.trainer.service;

import io.hybridcast.avro.SensorReading;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bounded read of {@code sensor-readings}: for each partition, the newest {@code maxPerPartition} records
 * before the end offsets seen at the start (so a run trains on a fixed, reportable range even while sensors
 * keep publishing), grouped per sensor of one system kind and sorted by sequence number. Records that do
 * not decode are counted and skipped: the streams app already routes them to {@code dead-letters}.
 *
 * @param series    per sensor id, its readings' value vectors in sequence order
 * @param sequences per sensor id, the matching sequence numbers
 * @param range     the offsets read, e.g. {@code 0:120-5000,1:0-4800}
 * @param undecodable records skipped because they did not decode
 */
public record ReadingsSnapshot(Map<String, List<double[]>> series, Map<String, long[]> sequences, String range,
                               long undecodable) {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingsSnapshot.class);

    /** Total readings in the snapshot. */
    public long readings() {
        return series.values().stream().mapToLong(List::size).sum();
    }

    /** Reads the snapshot. */
    public static ReadingsSnapshot read(String bootstrapServers, SystemKind system, long maxPerPartition,
                                        Duration timeout) {
        return read(bootstrapServers, KafkaClientConfig.none(), system, maxPerPartition, timeout);
    }

    /** {@link #read(String, SystemKind, long, Duration)} with the Kafka client properties file. */
    public static ReadingsSnapshot read(String bootstrapServers, KafkaClientConfig kafka, SystemKind system,
                                        long maxPerPartition, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, TreeMap<Long, double[]>> bySensor = new HashMap<>();
        long undecodable = 0;
        StringBuilder range = new StringBuilder();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.merge(config, "trainer reader"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(Topics.SENSOR_READINGS.name(), timeout)) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            partitions.sort(Comparator.comparingInt(TopicPartition::partition));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> start = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long from = Math.max(begin.get(tp), end.get(tp) - maxPerPartition);
                start.put(tp, from);
                consumer.seek(tp, from);
                if (range.length() > 0) {
                    range.append(',');
                }
                range.append(tp.partition()).append(':').append(from).append('-').append(end.get(tp));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done(consumer, partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading " + Topics.SENSOR_READINGS.name()
                            + " up to offsets " + range);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    SensorReading reading;
                    try {
                        reading = Topics.SENSOR_READINGS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    } catch (RuntimeException e) {
                        undecodable++;
                        continue;
                    }
                    if (reading == null || reading.getSystem() != system) {
                        continue;
                    }
                    double[] values = reading.getValues().stream().mapToDouble(Double::doubleValue).toArray();
                    bySensor.computeIfAbsent(reading.getSensorId(), k -> new TreeMap<>())
                            .put(reading.getSequence(), values);
                }
            }
        }
        Map<String, List<double[]>> series = new TreeMap<>();
        Map<String, long[]> sequences = new TreeMap<>();
        bySensor.forEach((sensor, samples) -> {
            series.put(sensor, new ArrayList<>(samples.values()));
            sequences.put(sensor, samples.keySet().stream().mapToLong(Long::longValue).toArray());
        });
        if (undecodable > 0) {
            LOG.warn("Skipped {} undecodable readings in {}", undecodable, range);
        }
        return new ReadingsSnapshot(series, sequences, range.toString(), undecodable);
    }

    private static boolean done(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
