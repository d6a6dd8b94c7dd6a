package io.hybridcast.streams.topology;

import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SensorTruth;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.validation.DeadLetters;
import io.hybridcast.streams.validation.Ids;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each sensor's published ground truth in the {@link StoreNames#TRUTH} store for live scoring. */
final class TruthProcessor implements Processor<byte[], byte[], Object, Object> {

    private final int capacity;
    private final AppMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, TruthLog> truth;

    TruthProcessor(int capacity, AppMetrics metrics) {
        this.capacity = capacity;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.truth = context.getStateStore(StoreNames.TRUTH);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        String topic = meta == null ? Topics.SENSOR_TRUTH.name() : meta.topic();
        SensorTruth value;
        try {
            value = Topics.SENSOR_TRUTH.valueSerde().deserializer().deserialize(topic, record.value());
            if (value == null) {
                throw new IllegalArgumentException("value is null (a tombstone is not a truth record)");
            }
        } catch (RuntimeException e) {
            deadLetter(record, meta, topic, DeadLetters.Stage.DECODE, e.getMessage(), e);
            return;
        }
        // the id keys a store written with writeUTF at commit: an unbounded one would fail there, for ever
        String badId = Ids.problem("sensorId", value.getSensorId());
        if (badId != null) {
            deadLetter(record, meta, topic, DeadLetters.Stage.VALIDATE, badId, null);
            return;
        }
        TruthLog log = truth.get(value.getSensorId());
        if (log == null) {
            log = new TruthLog();
        }
        log.add(value, capacity);
        truth.put(value.getSensorId(), log);
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata meta, String topic, DeadLetters.Stage stage,
                            String reason, Throwable error) {
        DeadLetter letter = DeadLetters.of(topic, meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset(), record.key(), record.value(), stage, reason, error,
                context.currentSystemTimeMs());
        context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()),
                TopologyFactory.DEAD_LETTERS_SINK);
        metrics.deadLetter(letter.getStage());
    }
}
