package io.hybridcast.streams.topology;

import io.hybridcast.avro.DeadLetter;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.schemas.Topics;
import io.hybridcast.streams.AppMetrics;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.validation.DeadLetters;
import io.hybridcast.streams.validation.ReadingValidator;
import io.hybridcast.streams.validation.SequencePolicy;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forecaster's intake: decodes a raw record, validates it on its own and against the sensor's history, and
 * sends what fails to the dead-letter sink with the reason and the record's coordinates.
 */
final class ReadingIntake {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingIntake.class);

    /** A reading that passed the intake, with the sensor's state (a fresh one for a new sensor). */
    record Accepted(String sensorId, SensorReading reading, SensorState state) {
    }

    /** Where a raw record came from, for its dead letter. */
    record Origin(Record<byte[], byte[]> record, String topic, int partition, long offset) {
    }

    private final ReadingValidator validator;
    private final SequencePolicy sequences = new SequencePolicy();
    private final AppMetrics metrics;
    private final ProcessorContext<Object, Object> context;

    ReadingIntake(StreamsSettings settings, AppMetrics metrics, ProcessorContext<Object, Object> context) {
        this.validator = new ReadingValidator(settings.servedSystems(), settings.get(StreamsSettings.FUTURE_TOLERANCE_MS));
        this.metrics = metrics;
        this.context = context;
    }

    Origin origin(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        return new Origin(record, meta == null ? Topics.SENSOR_READINGS.name() : meta.topic(),
                meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset());
    }

    /** The decoded, valid reading with its sensor's state, or null when it went to dead letters. */
    Accepted take(Origin origin, ForecasterStores stores, long now) {
        WriteBehindStore<SensorState> states = stores.states;
        WriteBehindStore<ContextSet> contexts = stores.contexts;
        Record<byte[], byte[]> record = origin.record();
        String key;
        SensorReading reading;
        try {
            key = record.key() == null ? null : Topics.SENSOR_READINGS.keySerde().deserializer()
                    .deserialize(origin.topic(), record.key());
            reading = Topics.SENSOR_READINGS.valueSerde().deserializer().deserialize(origin.topic(), record.value());
            if (reading == null) {
                throw new IllegalArgumentException("value is null (a tombstone is not a reading)");
            }
        } catch (RuntimeException e) {
            deadLetter(origin, DeadLetters.Stage.DECODE, e.getMessage(), e, now);
            return null;
        }
        String invalid = validator.check(key, reading, now);
        if (invalid != null) {
            deadLetter(origin, DeadLetters.Stage.VALIDATE, invalid, null, now);
            return null;
        }
        SensorState state = states.read(key);
        SequencePolicy.Verdict sequence = sequences.judge(reading, state == null ? null : state.system,
                state == null ? -1 : state.lastSequence(), state == null ? 0 : state.cursor().lastEventTime());
        if (sequence.refused()) {
            deadLetter(origin, DeadLetters.Stage.VALIDATE, sequence.reason(), null, now);
            return null;
        }
        if (sequence.newSession()) {
            // a reboot: the window, context and open forecasts of the old count go; the sensor's physics stays
            LOG.info("Sensor {}: new session ({})", key, sequence.reason());
            state.startNewSession();
            contexts.write(key, new ContextSet());
            stores.pending.reset(key);
        }
        return new Accepted(key, reading, state == null ? new SensorState(key, reading.getSystem()) : state);
    }

    void deadLetter(Origin origin, DeadLetters.Stage stage, String reason, Throwable error, long now) {
        Record<byte[], byte[]> record = origin.record();
        DeadLetter letter = DeadLetters.of(origin.topic(), origin.partition(), origin.offset(), record.key(),
                record.value(), stage, reason == null ? String.valueOf(error) : reason, error, now);
        context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()),
                TopologyFactory.DEAD_LETTERS_SINK);
        metrics.deadLetter(letter.getStage());
        LOG.debug("Dead letter from {}-{}@{}: {}", origin.topic(), origin.partition(), origin.offset(),
                letter.getReason());
    }
}
