package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ServingModel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Deque;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Unmodelled dynamics of the line: a shift of its advection velocity c, the transport its windows show beyond
 * diffusion ({@link TransportShift}), tested on each newly fused window. The line's model has one neural latent,
 * which never moved when c changed, so the latent check cannot see it. The alarm names c, its old and new value;
 * afterwards the test's reference starts again, so a change raises once.
 */
final class TransportCheck {

    private static final Logger LOG = LoggerFactory.getLogger(TransportCheck.class);

    private final AnomalyEmitter emitter;
    private final WriteBehindStore<SensorPhysics> physicsStore;
    private final double threshold;
    private final double minRelative;

    TransportCheck(StreamsSettings settings, WriteBehindStore<SensorPhysics> physicsStore, AnomalyEmitter emitter) {
        this.emitter = emitter;
        this.physicsStore = physicsStore;
        this.threshold = settings.get(AnomalySettings.UNMODELLED_TRANSPORT_THRESHOLD);
        this.minRelative = settings.get(AnomalySettings.UNMODELLED_TRANSPORT_MIN_CHANGE);
    }

    /** After a forecast; only a newly fused window is new evidence, and only a line's windows carry a transport. */
    void afterForecast(SensorState state, SensorPhysics physics, ServingModel model, long time, boolean fused) {
        if (!fused) {
            return;
        }
        Deque<SensorPhysics.WindowEstimate> windows = physics.windowEstimates();
        if (windows.isEmpty() || Double.isNaN(windows.peekLast().transport())) {
            return;
        }
        SensorConditions conditions = physics.conditions();
        TransportShift.Result r = TransportShift.test(windows, conditions.transportFrom(), minRelative);
        long sequence = state.query().sequence();
        if (r != null && LOG.isDebugEnabled()) {
            LOG.debug("transport {} seq {} newest {} ± {} z {} split {} velocity {} -> {}", state.sensorId, sequence,
                    num(windows.peekLast().transport()), num(windows.peekLast().transportStd()), num(r.z()),
                    r.splitSequence(), num(r.before()), num(r.after()));
        }
        if (r == null || !(r.z() >= threshold)) {
            return;
        }
        conditions.transportFrom(sequence);
        physicsStore.write(state.sensorId, physics);
        SensorPhysics.WindowEstimate newest = windows.peekLast();
        emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.UNMODELLED_DYNAMICS, "c", r.z(),
                threshold, Math.min(r.splitSequence(), sequence), sequence, time, model.version(),
                "Unmodelled dynamics: the line's advection velocity c moved from " + num(r.before()) + " to "
                        + num(r.after()) + " length/s at sequence " + r.splitSequence() + " (newest window "
                        + num(newest.transport()) + " ± " + num(newest.transportStd()) + "; the transport each window "
                        + "shows beyond diffusion, u_t = D u_xx + c u_x fitted to it; z = " + num(r.z()) + " > "
                        + num(threshold) + "); the physics (D) does not model it."), time);
    }
}
