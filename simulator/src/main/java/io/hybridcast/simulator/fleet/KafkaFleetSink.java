package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.kafka.KafkaClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes readings to {@link Topics#SENSOR_READINGS} and truth to {@link Topics#SENSOR_TRUTH} with one
 * {@link KafkaProducer}: key = sensor id, record timestamp = event time, values encoded with the topics' serdes.
 *
 * <p>Losing the broker: a send that cannot get metadata within {@code max.block.ms} is retried with
 * exponential backoff (logged), which pauses the simulation; the producer itself retries in-flight batches
 * until the broker takes them ({@code delivery.timeout.ms} is unbounded by default). A reading that still fails
 * (a non-retriable error, or a shorter timeout set by the operator) is counted and logged. A truth record that
 * fails is queued and sent again until it is acknowledged: ground truth is never dropped while the sink is open,
 * and {@link #close} waits (up to {@code closeTimeout}) for every pending truth, logging an error naming how many
 * are left if the broker never comes back.
 *
 * <p>Readings are handed to the producer {@value #BURST} at a time per calling thread, one thread at a time; a thread's
 * pending readings go out with {@link #sendPending}, before its next truth record, and with {@link #flush} or
 * {@link #close} called from that thread. {@link FleetSimulator} calls {@code sendPending} after every reading when
 * paced and when a simulation thread ends.
 */
public final class KafkaFleetSink implements FleetSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaFleetSink.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String bootstrapServers;
    private final Duration closeTimeout;
    private final Serializer<String> keySerializer = Topics.SENSOR_READINGS.keySerde().serializer();
    private final Serializer<SensorReading> readingSerializer = Topics.SENSOR_READINGS.valueSerde().serializer();
    private final Serializer<String> truthKeySerializer = Topics.SENSOR_TRUTH.keySerde().serializer();
    private final Serializer<SensorTruth> truthSerializer = Topics.SENSOR_TRUTH.valueSerde().serializer();
    /** Serialized reading keys per sensor id: a fleet has a handful of sensors, each sends thousands of readings. */
    private final Map<String, byte[]> readingKeys = new ConcurrentHashMap<>();
    private final Queue<SensorTruth> truthRetries = new ConcurrentLinkedQueue<>();
    private final AtomicLong truthsInFlight = new AtomicLong();
    private final AtomicLong lastFailureLogMillis = new AtomicLong();
    private FleetStats stats = new FleetStats();
    private volatile boolean closing;
    /**
     * Readings of each simulation thread not handed to the producer yet. With several simulation threads, sending each
     * reading as it comes makes the threads take turns inside the producer record by record, and the producer's
     * current batch and locks move between the cores every time; a thread sends its readings {@value #BURST} at a time
     * instead, one thread at a time.
     */
    private final ThreadLocal<Burst> bursts = ThreadLocal.withInitial(Burst::new);
    private final Object burstLock = new Object();
    static final int BURST = 64;

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param overrides        producer settings that replace the defaults (see {@link #defaultProducerConfig})
     * @param closeTimeout     how long {@link #close} waits for pending truth records
     */
    public KafkaFleetSink(String bootstrapServers, Map<String, Object> overrides, Duration closeTimeout) {
        this(bootstrapServers, KafkaClientConfig.none(), overrides, closeTimeout);
    }

    /**
     * A sink whose producer also gets the Kafka client properties file (security settings); the defaults and
     * {@code overrides} win over the file.
     */
    public KafkaFleetSink(String bootstrapServers, KafkaClientConfig kafka, Map<String, Object> overrides,
                          Duration closeTimeout) {
        this.bootstrapServers = bootstrapServers;
        this.closeTimeout = closeTimeout;
        Map<String, Object> config = defaultProducerConfig(bootstrapServers);
        config.putAll(overrides);
        this.producer = new KafkaProducer<>(kafka.merge(config, "simulator producer"), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /**
     * Producer defaults: 64 KiB batches and 5 ms linger (batch size matters most for throughput, STACK.md 2.4),
     * acks=all with idempotence so that retries neither duplicate nor reorder, no delivery timeout so that an
     * outage delays readings instead of dropping them, 10 s max.block.ms so that a lost broker surfaces quickly to
     * the retry loop.
     */
    public static Map<String, Object> defaultProducerConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // A batch is retried until the broker takes it, however long it is away: a batch that expired would leave
        // a gap in its sensor's sequence for good. A long outage fills the buffer instead, and then send() blocks
        // and the retry loop below pauses the simulation, as a sensor gateway with a local buffer would.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "hybridcast-simulator");
        return config;
    }

    @Override
    public void bind(FleetStats fleetStats) {
        this.stats = fleetStats;
    }

    @Override
    public void reading(SensorReading reading) {
        String topic = Topics.SENSOR_READINGS.name();
        byte[] key = readingKeys.computeIfAbsent(reading.getSensorId(), id -> keySerializer.serialize(topic, id));
        byte[] value = readingSerializer.serialize(topic, reading);
        stats.bytesSent.add(key.length + value.length);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                reading.getEventTime().toEpochMilli(), key, value);
        Burst burst = bursts.get();
        burst.add(record, new ReadingAck(reading.getSensorId(), reading.getSequence()));
        if (burst.size == BURST) {
            send(burst);
        }
    }

    @Override
    public void sendPending() {
        Burst burst = bursts.get();
        if (burst.size > 0) {
            send(burst);
        }
    }

    private void send(Burst burst) {
        try {
            synchronized (burstLock) {
                for (int i = 0; i < burst.size; i++) {
                    sendWithBackoff(burst.records[i], burst.callbacks[i]);
                }
            }
        } finally {
            burst.clear();
        }
    }

    /** A few readings of one thread, in order. */
    private static final class Burst {
        @SuppressWarnings("unchecked")
        final ProducerRecord<byte[], byte[]>[] records = new ProducerRecord[BURST];
        final org.apache.kafka.clients.producer.Callback[] callbacks = new org.apache.kafka.clients.producer.Callback[BURST];
        int size;

        void add(ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
            records[size] = record;
            callbacks[size] = callback;
            size++;
        }

        void clear() {
            java.util.Arrays.fill(records, 0, size, null);
            java.util.Arrays.fill(callbacks, 0, size, null);
            size = 0;
        }
    }

    /**
     * The acknowledgement of one reading. It holds only what a failure's log line names, not the reading: the
     * producer keeps every callback until the broker answers, which may be many thousands of records.
     */
    private final class ReadingAck implements org.apache.kafka.clients.producer.Callback {
        private final String sensorId;
        private final long sequence;

        ReadingAck(String sensorId, long sequence) {
            this.sensorId = sensorId;
            this.sequence = sequence;
        }

        @Override
        public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception error) {
            if (error == null) {
                stats.readingsAcked.increment();
            } else {
                stats.readingsFailed.increment();
                logFailure("reading of " + sensorId + " #" + sequence, error);
            }
        }
    }

    @Override
    public void truth(SensorTruth truth) {
        sendPending(); // after the readings this thread published before it
        truthsInFlight.incrementAndGet();
        sendTruth(truth);
    }

    private void sendTruth(SensorTruth truth) {
        String topic = Topics.SENSOR_TRUTH.name();
        byte[] key = truthKeySerializer.serialize(topic, truth.getSensorId());
        byte[] value = truthSerializer.serialize(topic, truth);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                truth.getPublishedAt().toEpochMilli(), key, value);
        sendWithBackoff(record, (metadata, error) -> {
            if (error == null) {
                stats.truthsAcked.increment();
                truthsInFlight.decrementAndGet();
            } else {
                // Never dropped: queued and sent again from the simulation thread (poll/flush).
                stats.truthsRetried.increment();
                LOG.warn("Truth record for {} from sequence {} not delivered ({}); it is queued and will be sent again",
                        truth.getSensorId(), truth.getFromSequence(), error.toString());
                truthRetries.add(truth);
            }
        });
    }

    @Override
    public void poll() {
        if (!truthRetries.isEmpty()) {
            resendTruths();
        }
    }

    private void resendTruths() {
        SensorTruth truth;
        while ((truth = truthRetries.poll()) != null) {
            sendTruth(truth);
        }
    }

    /**
     * Sends, waiting with exponential backoff while the broker cannot be reached (the producer's buffer
     * full or its metadata missing for max.block.ms).
     */
    private void sendWithBackoff(ProducerRecord<byte[], byte[]> record,
                                 org.apache.kafka.clients.producer.Callback callback) {
        long backoff = 100;
        while (true) {
            try {
                producer.send(record, callback);
                return;
            } catch (TimeoutException e) {
                if (closing && backoff > MAX_BACKOFF_MS) {
                    throw e;
                }
                stats.sendRetries.increment();
                LOG.warn("Kafka at {} unreachable ({}); retrying {} in {} ms", bootstrapServers, e.getMessage(),
                        record.topic(), backoff);
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } catch (InterruptException e) {
                throw e;
            } catch (KafkaException e) {
                throw new IllegalStateException("Cannot send to " + record.topic() + " at " + bootstrapServers + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public void flush() {
        sendPending();
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        long backoff = 100;
        producer.flush();
        while (truthsInFlight.get() > 0 && System.nanoTime() < deadline) {
            resendTruths();
            producer.flush();
            if (truthsInFlight.get() > 0) {
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
        if (truthsInFlight.get() > 0) {
            LOG.error("{} truth records are still not delivered to {} after {} s; they are lost if the simulator stops now",
                    truthsInFlight.get(), bootstrapServers, closeTimeout.toSeconds());
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            flush();
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void logFailure(String what, Exception error) {
        long now = System.currentTimeMillis();
        long last = lastFailureLogMillis.get();
        // At most one line per second: a lost broker fails thousands of readings at once; the count is in the stats.
        if (now - last >= 1000 && lastFailureLogMillis.compareAndSet(last, now)) {
            LOG.warn("Failed to deliver {} (and maybe more; see failed-readings count): {}", what, error.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }
}
