package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * On a restart against an existing topic, where each sensor's sequence left off: the tail of sensor-readings, read
 * per partition backwards in growing chunks until every sensor of the fleet that hashes to the partition is found
 * (or the partition's start is reached). A real sensor that reboots continues its count too; restarting at 0 would
 * make the streams app refuse every reading as going backwards.
 */
final class SequenceResume {

    private static final Logger LOG = LoggerFactory.getLogger(SequenceResume.class);
    /** Records read back per partition in the first chunk; each further chunk doubles. */
    private static final long FIRST_CHUNK = 4096;

    /** The newest reading of a sensor on the topic. */
    record Last(long sequence, long eventMillis) {
    }

    private SequenceResume() {
    }

    /**
     * The newest sequence and event time per sensor of {@code sensors} found on sensor-readings; sensors never
     * published are absent. An undecodable record is skipped (it is the streams app's to dead-letter).
     *
     * @param clientConfig settings for the consumer (bootstrap servers at least)
     */
    static Map<String, Last> read(Map<String, Object> clientConfig, Collection<String> sensors, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<String, Last> last = new HashMap<>();
        String topic = Topics.SENSOR_READINGS.name();
        Deserializer<SensorReading> values = Topics.SENSOR_READINGS.valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return last;
            }
            int partitions = infos.size();
            Set<String> fleet = Set.copyOf(sensors);
            Map<Integer, Set<String>> expected = expectedPartitions(sensors, partitions);
            for (PartitionInfo info : infos) {
                TopicPartition tp = new TopicPartition(topic, info.partition());
                consumer.assign(List.of(tp));
                long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
                long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
                Set<String> wanted = new HashSet<>(expected.getOrDefault(tp.partition(), Set.of()));
                long to = end;
                long chunk = FIRST_CHUNK;
                while (to > begin && !wanted.isEmpty()) {
                    long from = Math.max(begin, to - chunk);
                    readRange(consumer, tp, from, to, values, last, fleet, wanted, timeout);
                    to = from;
                    chunk *= 2;
                }
            }
        }
        LOG.info("Resuming {} of {} sensors after their last published sequence", last.size(), sensors.size());
        return last;
    }

    /** Partition of each sensor as the producer's default partitioner puts it (murmur2 of the key bytes). */
    private static Map<Integer, Set<String>> expectedPartitions(Collection<String> sensors, int partitions) {
        Serializer<String> keys = Topics.SENSOR_READINGS.keySerde().serializer();
        Map<Integer, Set<String>> out = new HashMap<>();
        for (String id : sensors) {
            int p = Utils.toPositive(Utils.murmur2(keys.serialize(Topics.SENSOR_READINGS.name(), id))) % partitions;
            out.computeIfAbsent(p, k -> new HashSet<>()).add(id);
        }
        return out;
    }

    private static void readRange(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long from, long to,
                                  Deserializer<SensorReading> values, Map<String, Last> last, Set<String> fleet,
                                  Set<String> wanted, Duration timeout) {
        consumer.seek(tp, from);
        long deadline = System.nanoTime() + timeout.toNanos();
        long position = from;
        while (position < to) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("resuming sequences: could not read " + tp + " offsets " + from + ".."
                        + to + " within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() >= to) {
                    break;
                }
                SensorReading reading;
                try {
                    reading = values.deserialize(tp.topic(), record.value());
                } catch (RuntimeException e) {
                    continue; // not a reading this simulator wrote; the streams app dead-letters it
                }
                if (reading == null) {
                    continue;
                }
                String id = reading.getSensorId();
                if (!fleet.contains(id)) {
                    continue;
                }
                wanted.remove(id);
                Last before = last.get(id);
                if (before == null || reading.getSequence() > before.sequence()) {
                    last.put(id, new Last(reading.getSequence(), reading.getEventTime().toEpochMilli()));
                }
            }
            position = consumer.position(tp, timeout);
        }
    }
}
