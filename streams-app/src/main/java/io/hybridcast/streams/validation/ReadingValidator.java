package io.hybridcast.streams.validation;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.reading.ReadingChecks;

import java.util.Set;

/**
 * The checks a decoded reading must pass before it may touch a sensor's state. Each failed check yields a
 * sentence naming what is wrong, which becomes the dead letter's reason. Range violations of finite values
 * are not invalid input but a sensor fault, flagged by the anomaly detectors instead.
 */
public final class ReadingValidator {

    private final Set<SystemKind> servedSystems;
    private final long futureToleranceMillis;

    public ReadingValidator(Set<SystemKind> servedSystems, long futureToleranceMillis) {
        this.servedSystems = servedSystems;
        this.futureToleranceMillis = futureToleranceMillis;
    }

    /**
     * Stateless checks. Returns the reason the reading is invalid, or null when it is valid.
     *
     * @param key          the record key (must equal the sensor id, so the sensor's state lives on one partition)
     * @param wallClockMs  the processing wall-clock time
     */
    public String check(String key, SensorReading reading, long wallClockMs) {
        String badId = Ids.problem("sensorId", reading.getSensorId());
        if (badId != null) {
            return badId;
        }
        String badKey = key == null ? null : Ids.problem("record key", key);
        if (badKey != null) {
            return badKey;
        }
        if (key == null || !key.equals(reading.getSensorId())) {
            return "record key '" + key + "' differs from sensorId '" + reading.getSensorId()
                    + "' (readings must be keyed by sensor id)";
        }
        SystemKind system = reading.getSystem();
        if (system == null || !servedSystems.contains(system)) {
            return "unknown system " + system + ": this app serves " + servedSystems;
        }
        long eventTime = reading.getEventTime().toEpochMilli();
        if (eventTime < 0) {
            // a Kafka record cannot carry it: forwarding anything stamped with it would fail outside this check
            return "eventTime " + eventTime + " ms is before 1970-01-01T00:00:00Z (not a plausible sample time)";
        }
        // the value and sequence checks the trainer applies too, so both refuse the same readings
        String shared = ReadingChecks.check(reading, servedSystems);
        if (shared != null) {
            return shared;
        }
        if (eventTime > wallClockMs + futureToleranceMillis) {
            return "eventTime " + reading.getEventTime() + " is " + (eventTime - wallClockMs)
                    + " ms in the future (tolerance " + futureToleranceMillis + " ms)";
        }
        return null;
    }
    // the check against the sensor's history (sequence, system) is SequencePolicy's
}
