package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Channels;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flags a sensor that has gone silent while the rest of its task still streams: a dropout seen as it happens, not
 * only when the sensor's next reading shows the gap (a sensor that never comes back would otherwise never be
 * flagged). One {@code SENSOR_FAULT/silent} alarm per silence; the gap alarm at the resumption still reports the
 * whole count.
 *
 * <p>Which clock: the task's own, advanced by each reading by the time that has passed since its sensor's previous
 * reading, as both the sensor's own clock and the wall clock say (the smaller), capped at half the silence threshold.
 * Not the wall clock alone, because a stalled partition is not a silent sensor, and replays must give the same
 * alarms. Not the newest event time, because sensors' clocks are offset from one another and one reading may jump
 * ahead (within {@code validation.future.tolerance.ms}). Not the event times alone either: a backlog, or one sensor's
 * readings uploaded after another's, arrive faster than real time, and the wall clock says so. A partition whose
 * readings all stop raises nothing (its clock stops too).
 *
 * <p>Cheap per reading: each system keeps its sensors in the order they were last heard, so a check looks only at
 * the oldest until one is not silent; a flagged sensor leaves the order until it speaks again. Memory only: after a
 * restart a sensor is followed from its first reading (a sensor already silent then is flagged by the gap alarm when
 * it returns).
 */
final class SilentSensors {

    /** When a sensor was last heard, in the task's clock, and where its own sequence and clock stood. */
    private static final class Heard {
        long heardAt;
        long lastSequence;
        long lastEventTime;
        long lastArrival;
    }

    private final int silenceSamples;
    private final AnomalyEmitter emitter;
    /** Per system (one sample interval each): sensors in the order they were last heard, oldest first. */
    private final Map<SystemKind, LinkedHashMap<String, Heard>> bySystem = new EnumMap<>(SystemKind.class);
    private long clock;
    /** The clock at the last check: nothing can have become silent while it stood still. */
    private long checkedAt = Long.MIN_VALUE;

    /**
     * @param silenceSamples a sensor is silent once the task's clock has moved this many of its sample intervals
     *                       past its last reading; 0 disables the check
     */
    SilentSensors(int silenceSamples, AnomalyEmitter emitter) {
        this.silenceSamples = silenceSamples;
        this.emitter = emitter;
    }

    /**
     * Records a valid reading and advances the task's clock by what has passed since its sensor's previous reading.
     *
     * @param arrival the wall clock when the reading is processed (the processor's, mocked in tests and replays)
     */
    void heard(String sensorId, SystemKind system, long sequence, long eventTime, long arrival) {
        if (silenceSamples == 0) {
            return;
        }
        // access order: get() moves the sensor to the end, so the order stays the order of last hearing
        LinkedHashMap<String, Heard> sensors = bySystem.computeIfAbsent(system,
                s -> new LinkedHashMap<>(16, 0.75f, true));
        Heard h = sensors.get(sensorId);
        if (h == null) {
            h = new Heard();
            sensors.put(sensorId, h);
        } else if (eventTime > h.lastEventTime && arrival > h.lastArrival) {
            long cap = silenceMs(system) / 2;
            long passed = Math.min(eventTime - h.lastEventTime, arrival - h.lastArrival);
            clock = Math.max(clock, h.heardAt + Math.min(passed, cap));
        }
        h.heardAt = clock;
        h.lastSequence = sequence;
        h.lastEventTime = eventTime;
        h.lastArrival = arrival;
    }

    /** Emits an alarm for each sensor that has become silent since the last check. */
    void check() {
        if (silenceSamples == 0 || clock == checkedAt) {
            return;
        }
        checkedAt = clock;
        for (Map.Entry<SystemKind, LinkedHashMap<String, Heard>> bySys : bySystem.entrySet()) {
            SystemKind system = bySys.getKey();
            long silenceMs = silenceMs(system);
            Iterator<Map.Entry<String, Heard>> it = bySys.getValue().entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Heard> e = it.next();
                if (clock - e.getValue().heardAt < silenceMs) {
                    break; // the rest were heard later
                }
                it.remove(); // it leaves the order until it speaks again
                Anomaly alarm = alarm(e.getKey(), system, e.getValue());
                emitter.emit(alarm, alarm.getDetectedAt().toEpochMilli());
            }
        }
    }

    private Anomaly alarm(String sensorId, SystemKind system, Heard h) {
        long interval = SensorSystems.of(system).sampleIntervalMillis();
        long missed = (clock - h.heardAt) / interval;
        double seconds = (clock - h.heardAt) / 1000.0;
        return Anomalies.of(sensorId, system, AnomalyKind.SENSOR_FAULT, "silent", missed, silenceSamples,
                h.lastSequence + 1, h.lastSequence + missed, h.lastEventTime + missed * interval, null,
                "Silent: no reading for " + Channels.num(seconds) + " s while the sensor's partition still streams "
                        + "(last sequence " + h.lastSequence + ", about " + missed + " samples missed so far).");
    }

    private long silenceMs(SystemKind system) {
        return silenceSamples * SensorSystems.of(system).sampleIntervalMillis();
    }
}
