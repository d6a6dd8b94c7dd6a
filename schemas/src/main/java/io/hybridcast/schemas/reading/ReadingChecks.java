package io.hybridcast.schemas.reading;

import io.hybridcast.avro.SensorReading;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;

import java.util.List;
import java.util.Set;

/**
 * The checks of a decoded reading's own values, shared by every reader of {@code sensor-readings} (the
 * streams app before a reading touches a sensor's state, the trainer before it trains on one), so that both
 * refuse the same readings for the same reasons. Each failed check yields a sentence naming what is wrong.
 * Checks that need more than the reading (its key, the wall clock, the sensor's history) stay with the reader.
 */
public final class ReadingChecks {

    /** Longest sensor id accepted, in characters (an id is a name, not a payload). */
    public static final int MAX_SENSOR_ID_LENGTH = 256;

    private ReadingChecks() {
    }

    /**
     * The reason {@code reading} is invalid, or null: a sensor id of 1 to {@value #MAX_SENSOR_ID_LENGTH}
     * characters, a system among {@code systems}, exactly as many values as the system has channels, each
     * finite, a sequence number and an event time that are not negative.
     */
    public static String check(SensorReading reading, Set<SystemKind> systems) {
        String id = reading.getSensorId() == null ? null : reading.getSensorId().toString();
        if (id == null || id.isBlank()) {
            return "sensorId is empty";
        }
        if (id.length() > MAX_SENSOR_ID_LENGTH) {
            return "sensorId has " + id.length() + " characters, at most " + MAX_SENSOR_ID_LENGTH + " are accepted";
        }
        SystemKind system = reading.getSystem();
        if (system == null || !systems.contains(system)) {
            return "unknown system " + system + ": expected one of " + systems;
        }
        SensorSystems.Spec spec = SensorSystems.of(system);
        List<Double> values = reading.getValues();
        if (values == null || values.size() != spec.channels()) {
            return "values has " + (values == null ? 0 : values.size()) + " entries, " + system + " expects "
                    + spec.channels();
        }
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v == null || !Double.isFinite(v)) {
                return "values[" + i + "] is " + v + " (not a finite number)";
            }
        }
        if (reading.getSequence() < 0) {
            return "sequence " + reading.getSequence() + " is negative";
        }
        if (reading.getEventTime() == null || reading.getEventTime().toEpochMilli() < 0) {
            return "eventTime " + reading.getEventTime() + " is before 1970";
        }
        return null;
    }
}
