package io.hybridcast.streams.validation;

import io.hybridcast.streams.topology.ContextSet;
import io.hybridcast.streams.topology.PendingForecasts;
import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.topology.WriteBehindStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a new session of a sensor that restarted its sequence count ({@link SequencePolicy.Outcome#NEW_SESSION}):
 * its window, context windows and open forecasts belong to the old count and are dropped, so the new count builds
 * them afresh. Its counters, detectors' calibration and histories stay.
 */
public final class SensorSessions {

    private static final Logger LOG = LoggerFactory.getLogger(SensorSessions.class);

    private SensorSessions() {
    }

    /** Resets {@code state} for a new session in place and clears the sensor's context set and open forecasts. */
    public static SensorState restart(SensorState state, WriteBehindStore<ContextSet> contexts,
                                      WriteBehindStore<PendingForecasts> pending, String why) {
        LOG.info("Sensor {}: new session ({})", state.sensorId, why);
        state.lastSequence = -1;
        state.recent.clear();
        state.contiguousSamples = 0;
        state.stuckRun = 0;
        state.due = false;
        state.dueSequence = -1;
        state.dueWindow = new double[0][];
        state.status = SensorState.Status.WARMING_UP;
        // (the store does not delete: an empty value is the same to every reader)
        contexts.write(state.sensorId, new ContextSet());
        pending.write(state.sensorId, new PendingForecasts());
        return state;
    }
}
