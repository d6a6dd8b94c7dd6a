package io.hybridcast.local.chaos;

import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.Forecast;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.schemas.Topic;
import io.hybridcast.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the chaos run can check from the topics alone: forecasts as they arrive (with the wall-clock time the
 * harness saw them, for recovery times), and at the end every reading, dead letter and model-version chunk.
 */
final class ChaosLedger implements AutoCloseable {

    /** One forecast as seen by the harness. */
    record Seen(String sensor, long firstSequence, long seenAtMillis) {
    }

    private final String bootstrap;
    private final List<Seen> forecasts = new CopyOnWriteArrayList<>();
    private final Thread follower;
    private volatile boolean running = true;

    ChaosLedger(String bootstrap) {
        this.bootstrap = bootstrap;
        this.follower = new Thread(this::follow, "chaos-forecast-follower");
        this.follower.setDaemon(true);
        this.follower.start();
    }

    List<Seen> forecasts() {
        return forecasts;
    }

    /** Follows forecasts (read_committed: only what exactly-once committed) from the beginning, across broker restarts. */
    private void follow() {
        Map<String, Object> config = consumerConfig(true);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, Topics.FORECASTS.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        Forecast f = Topics.FORECASTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        forecasts.add(new Seen(f.getSensorId(), f.getFirstSequence(), System.currentTimeMillis()));
                    }
                } catch (org.apache.kafka.common.errors.RetriableException e) {
                    // the broker is restarting: keep polling
                }
            }
        }
    }

    private Map<String, Object> consumerConfig(boolean committedOnly) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_VERSION_MAX_MESSAGE_BYTES * 2);
        if (committedOnly) {
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return config;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    /** Reads a whole topic to its current end. */
    <K, V> void readAll(Topic<K, V> topic, boolean committedOnly, Consumer<V> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(committedOnly),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topic.name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue; // a tombstone (the trainer retires old model versions' chunks): nothing published
                    }
                    each.accept(topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
            }
        }
    }

    /**
     * The readings on the topic per sensor, and the sequence numbers missing between them: readings the simulator
     * made but that never reached the topic (a sensor's records are in one partition, in order; a step back in
     * sequence is a restarted simulator and starts a new run).
     */
    record Readings(Map<String, Long> perSensor, long neverPublished) {
    }

    Readings readings() {
        Map<String, Long> count = new TreeMap<>();
        Map<String, Long> last = new HashMap<>();
        long[] gaps = {0};
        readAll(Topics.SENSOR_READINGS, false, (SensorReading r) -> {
            count.merge(r.getSensorId(), 1L, Long::sum);
            Long previous = last.put(r.getSensorId(), r.getSequence());
            if (previous != null && r.getSequence() > previous + 1) {
                gaps[0] += r.getSequence() - previous - 1;
            }
        });
        return new Readings(count, gaps[0]);
    }

    /** Dead letters per original key (the sensor id for readings). */
    Map<String, Long> deadLettersPerKey() {
        Map<String, Long> count = new TreeMap<>();
        readAll(Topics.DEAD_LETTERS, true, (DeadLetter d) -> count.merge(d.getKey() == null ? "<no key>"
                : StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString(), 1L, Long::sum));
        return count;
    }

    /** Versions visible to read_committed readers with a chunk missing: a publish half done. */
    long halfPublishedVersions() {
        Map<String, TreeSet<Integer>> chunks = new HashMap<>();
        Map<String, Integer> expected = new HashMap<>();
        readAll(Topics.MODEL_VERSIONS, true, (ModelVersion v) -> {
            String id = v.getSystem() + "/v" + v.getVersion();
            chunks.computeIfAbsent(id, k -> new TreeSet<>()).add(v.getChunkIndex());
            expected.put(id, v.getChunkCount());
        });
        return chunks.entrySet().stream().filter(e -> e.getValue().size() < expected.get(e.getKey())).count();
    }

    /** Counts of forecasts per (sensor, hop): expected, missing, duplicated. */
    record ForecastCheck(long expected, long missing, long duplicated) {
    }

    /**
     * Per sensor, the distinct first sequences of its forecasts, in order, must step by {@code hop}: a step of k hops
     * misses k - 1 forecasts; a step that is not a positive multiple of the hop starts a new run of the sensor
     * (a sequence reset or gap re-phases the hops). A (sensor, first sequence) seen twice is a duplicate.
     */
    ForecastCheck checkForecasts(int hop) {
        Map<String, List<Long>> bySensor = new TreeMap<>();
        Map<String, Long> seen = new HashMap<>();
        for (Seen s : forecasts) {
            bySensor.computeIfAbsent(s.sensor(), k -> new ArrayList<>()).add(s.firstSequence());
            seen.merge(s.sensor() + "#" + s.firstSequence(), 1L, Long::sum);
        }
        long duplicated = seen.values().stream().mapToLong(n -> n - 1).sum();
        long expected = 0;
        long missing = 0;
        for (List<Long> sequences : bySensor.values()) {
            List<Long> distinct = new ArrayList<>(new TreeSet<>(sequences));
            expected++;
            for (int i = 1; i < distinct.size(); i++) {
                long step = distinct.get(i) - distinct.get(i - 1);
                if (step % hop == 0) {
                    expected += step / hop;
                    missing += step / hop - 1;
                } else {
                    expected++;
                }
            }
        }
        return new ForecastCheck(expected, missing, duplicated);
    }

    /**
     * Seconds from {@code atMillis} until every sensor that had forecasts before it has one again (0 if none had).
     */
    double recoverySeconds(long atMillis) {
        Map<String, Long> firstAfter = new ConcurrentHashMap<>();
        java.util.Set<String> before = new java.util.HashSet<>();
        for (Seen s : forecasts) {
            if (s.seenAtMillis() < atMillis) {
                before.add(s.sensor());
            } else {
                firstAfter.merge(s.sensor(), s.seenAtMillis(), Math::min);
            }
        }
        double worst = 0;
        for (String sensor : before) {
            Long after = firstAfter.get(sensor);
            double seconds = after == null ? Double.POSITIVE_INFINITY : (after - atMillis) / 1000.0;
            worst = Math.max(worst, seconds);
        }
        return worst;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        follower.join(10_000);
    }
}
