package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.anomaly.NoiseBurstCheck;
import io.hybridcast.streams.anomaly.SensorFaultDetector;
import io.hybridcast.streams.config.StreamsSettings;

/**
 * The model-free checks of a reading before it joins the sensor's window: a dropout (sequence gap), after
 * which the window and the detectors' memory start afresh, then range, stuck, spike and noise. Also says which
 * readings are under a sensor-fault flag, so that the windows holding them are kept out of the sensor-level
 * physics (a noise burst's windows swing like a free swing and passed the pendulum's reveal gate).
 */
final class SensorFaultChecks {

    private final SensorFaultDetector faults;
    private final AnomalyEmitter emitter;

    SensorFaultChecks(StreamsSettings settings, AnomalyEmitter emitter) {
        this.faults = new SensorFaultDetector(settings);
        this.emitter = emitter;
    }

    /**
     * Checks the reading and emits what it raises. Returns the range of readings (inclusive) this reading puts or
     * keeps under a sensor-fault flag, null when none: a flag's own range, the readings since an active flag first
     * scored above its threshold, and for a noise burst also the readings its test holds silent after the alarm
     * (it cannot vouch for them, and a burst lasts seconds).
     */
    long[] check(SensorState state, SensorReading reading) {
        long time = reading.getEventTime().toEpochMilli();
        long seq = reading.getSequence();
        long[] range = null;
        Anomaly dropout = faults.dropout(state, reading);
        if (dropout != null) {
            emitter.emit(dropout, time);
            range = widen(range, dropout.getFromSequence(), dropout.getToSequence());
        }
        if (state.cursor().gapBefore(seq)) {
            // windows must be contiguous: start the window (and the detectors' memory) afresh after a gap
            state.restartAfterGap();
        }
        for (Anomaly fault : faults.check(state, reading)) {
            emitter.emit(fault, time);
            long to = "noise".equals(fault.getDetail()) ? fault.getToSequence() + NoiseBurstCheck.HOLD_AFTER_ALARM
                    : fault.getToSequence();
            range = widen(range, fault.getFromSequence(), to);
        }
        for (Latch latch : new Latch[]{state.faults().spike(), state.faults().stuck(), state.faults().range()}) {
            if (latch.active()) {
                range = widen(range, Math.min(latch.firstAboveSequence(), seq), seq);
            }
        }
        return range;
    }

    private static long[] widen(long[] range, long from, long to) {
        return range == null ? new long[]{from, to} : new long[]{Math.min(range[0], from), Math.max(range[1], to)};
    }
}
