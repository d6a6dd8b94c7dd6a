package io.hybridcast.trainer.service;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import io.hybridcast.schemas.reading.ReadingChecks;
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
import java.util.Set;
import java.util.TreeMap;

/**
 * A bounded read of {@code sensor-readings}: for each partition, the newest {@code maxPerPartition} records
 * before the end offsets seen at the start (so a run trains on a fixed, reportable range even while sensors
 * keep publishing), grouped per sensor of one system kind and sorted by sequence number. Records that do
 * not decode, or that the streams app would refuse ({@link ReadingChecks}: empty or oversized id, wrong
 * number of values, a value that is not finite, negative sequence or time; a duplicate or backwards sequence;
 * a jump of more than {@value #MAX_SEQUENCE_JUMP} samples) are counted and skipped: the streams app routes
 * them to {@code dead-letters}. A sensor whose sequence restarts low with a later event time rebooted: only
 * its newest session is kept, so two sessions' samples never mix in one window.
 *
 * @param series    per sensor id, its readings' value vectors in sequence order
 * @param sequences per sensor id, the matching sequence numbers
 * @param range     the offsets read, e.g. {@code 0:120-5000,1:0-4800}
 * @param undecodable records skipped because they did not decode
 * @param invalid   readings of this system skipped because they failed a check
 */
public record ReadingsSnapshot(Map<String, List<double[]>> series, Map<String, long[]> sequences, String range,
                               long undecodable, long invalid) {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingsSnapshot.class);
    /** A sequence more than this far ahead of the sensor's last one is taken as corrupt, not as lost samples. */
    public static final long MAX_SEQUENCE_JUMP = 1_000_000;

    /** One sensor's newest session: samples by sequence, the last sequence and event time accepted. */
    private static final class Session {
        TreeMap<Long, double[]> samples = new TreeMap<>();
        long lastSequence = -1;
        long lastEventMs = Long.MIN_VALUE;

        /** Adds a reading; returns why it is refused, or null. */
        String add(SensorReading reading) {
            long sequence = reading.getSequence();
            long eventMs = reading.getEventTime().toEpochMilli();
            if (lastSequence >= 0 && sequence <= lastSequence) {
                if (sequence == lastSequence || eventMs <= lastEventMs) {
                    return sequence == lastSequence ? "sequence " + sequence + " repeats the last one"
                            : "sequence " + sequence + " goes backwards (last was " + lastSequence + ")";
                }
                samples = new TreeMap<>(); // a reboot: sequence low again, time later; a new session starts
            } else if (lastSequence >= 0 && sequence - lastSequence > MAX_SEQUENCE_JUMP) {
                return "sequence " + sequence + " jumps more than " + MAX_SEQUENCE_JUMP + " ahead of " + lastSequence;
            }
            samples.put(sequence, reading.getValues().stream().mapToDouble(Double::doubleValue).toArray());
            lastSequence = sequence;
            lastEventMs = eventMs;
            return null;
        }
    }

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
        Map<String, Session> bySensor = new HashMap<>();
        long undecodable = 0;
        long invalid = 0;
        String firstProblem = null;
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
                    } catch (RuntimeException | OutOfMemoryError e) { // a length bomb may declare gigabytes
                        undecodable++;
                        continue;
                    }
                    if (reading == null || reading.getSystem() != system) {
                        continue;
                    }
                    String problem = ReadingChecks.check(reading, Set.of(system));
                    if (problem == null) {
                        problem = bySensor.computeIfAbsent(reading.getSensorId(), k -> new Session()).add(reading);
                    }
                    if (problem != null) {
                        invalid++;
                        firstProblem = firstProblem == null ? reading.getSensorId() + ": " + problem : firstProblem;
                    }
                }
            }
        }
        Map<String, List<double[]>> series = new TreeMap<>();
        Map<String, long[]> sequences = new TreeMap<>();
        bySensor.forEach((sensor, session) -> {
            series.put(sensor, new ArrayList<>(session.samples.values()));
            sequences.put(sensor, session.samples.keySet().stream().mapToLong(Long::longValue).toArray());
        });
        if (undecodable > 0) {
            LOG.warn("Skipped {} undecodable readings in {}", undecodable, range);
        }
        if (invalid > 0) {
            LOG.warn("Skipped {} invalid {} readings in {} (first: {})", invalid, system, range, firstProblem);
        }
        return new ReadingsSnapshot(series, sequences, range.toString(), undecodable, invalid);
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
