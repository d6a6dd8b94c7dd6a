package io.hybridcast.streams.topology;

import io.hybridcast.avro.Anomaly;
import io.hybridcast.avro.SensorReading;
import io.hybridcast.streams.anomaly.SensorFaultDetector;
import io.hybridcast.streams.config.StreamsSettings;

/**
 * The model-free checks of a reading before it joins the sensor's window: a dropout (sequence gap), after
 * which the window and the detectors' memory start afresh, then range, stuck and spike.
 */
final class SensorFaultChecks {

    private final SensorFaultDetector faults;
    private final AnomalyEmitter emitter;

    SensorFaultChecks(StreamsSettings settings, AnomalyEmitter emitter) {
        this.faults = new SensorFaultDetector(settings);
        this.emitter = emitter;
    }

    void check(SensorState state, SensorReading reading) {
        long time = reading.getEventTime().toEpochMilli();
        Anomaly dropout = faults.dropout(state, reading);
        if (dropout != null) {
            emitter.emit(dropout, time);
        }
        if (state.cursor().gapBefore(reading.getSequence())) {
            // windows must be contiguous: start the window (and the detectors' memory) afresh after a gap
            state.restartAfterGap();
        }
        for (Anomaly fault : faults.check(state, reading)) {
            emitter.emit(fault, time);
        }
    }
}
