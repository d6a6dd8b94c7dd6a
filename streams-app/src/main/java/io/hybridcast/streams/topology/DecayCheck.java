package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.fusion.FreeOscillation;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.schemas.SensorSystems;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.streams.inference.ServingModel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Unmodelled dynamics of a pendulum: a change of its damping, read from the decay of its free swing
 * ({@link FreeDecay}). In forced steady state a damping change leaves no trace (γ W ≪ W² in the forced response),
 * and the neural latents had not settled when the example's changed; but while a free swing from an event (a
 * start-up, a re-excitation) still decays, its amplitude at ω ({@link FreeOscillation}) falls by exp(−γ T / 2) per
 * window, and a changed γ bends that line. Tested on each newly fused window of a pendulum whose published ω is
 * revealed, over its newest five context windows and the query window, all after the last operating event and the
 * last such alarm and under no sensor-fault flag, at the published ω and at both ends of its 95 % interval (an ω
 * off by 10 % bends the fitted amplitudes as a damping change would). The alarm names γ with the rates before and
 * after.
 */
final class DecayCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DecayCheck.class);

    private final WriteBehindStore<ContextSet> contexts;
    private final WriteBehindStore<SensorPhysics> physicsStore;
    private final AnomalyEmitter emitter;
    private final double threshold;

    DecayCheck(StreamsSettings settings, WriteBehindStore<ContextSet> contexts,
               WriteBehindStore<SensorPhysics> physicsStore, AnomalyEmitter emitter) {
        this.contexts = contexts;
        this.physicsStore = physicsStore;
        this.emitter = emitter;
        this.threshold = settings.get(AnomalySettings.UNMODELLED_DECAY_THRESHOLD);
    }

    /** After a forecast; only a newly fused pendulum window with a revealed ω is judged. */
    void afterForecast(SensorState state, SensorPhysics physics, ServingModel model, long time, boolean fused) {
        if (!fused || state.system != SystemKind.PENDULUM || !physics.revealed() || physics.estimates().length == 0) {
            return;
        }
        ContextSet contextSet = contexts.read(state.sensorId);
        double[][] query = state.query().window();
        long sequence = state.query().sequence();
        if (contextSet == null || query == null || query.length == 0) {
            return;
        }
        int length = query.length;
        long queryFirst = sequence - length + 1;
        SensorConditions conditions = physics.conditions();
        long after = Math.max(physics.lastEventSequence(), conditions.decayFrom());
        List<ContextSet.Window> earlier = new ArrayList<>();
        for (ContextSet.Window w : contextSet.windows) {
            if (w.samples.length == length && w.firstSequence + length <= queryFirst) {
                earlier.add(w);
            }
        }
        earlier.sort(Comparator.comparingLong(w -> w.firstSequence));
        if (earlier.size() < FreeDecay.WINDOWS - 1) {
            return;
        }
        List<ContextSet.Window> used = new ArrayList<>(earlier.subList(earlier.size() - (FreeDecay.WINDOWS - 1),
                earlier.size()));
        used.add(new ContextSet.Window(queryFirst, query));
        for (ContextSet.Window w : used) {
            if (w.firstSequence <= after || conditions.underFault(w.firstSequence + length - 1, length)) {
                return;
            }
        }
        double dt = SensorSystems.of(state.system).sampleIntervalMillis() / 1000.0;
        double omega = physics.estimates()[0].mean();
        double[] amplitude = new double[FreeDecay.WINDOWS];
        FreeDecay.Result r = flagged(used, length, dt, physics.estimates()[0], conditions.forcingHz(), threshold,
                amplitude);
        LOG.debug("decay {} seq {} result {} amplitudes {}", state.sensorId, sequence, r, amplitude);
        if (r == null) {
            return;
        }
        conditions.decayFrom(sequence);
        physicsStore.write(state.sensorId, physics);
        String way = r.zNewest() < 0 ? "faster" : "slower";
        emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.UNMODELLED_DYNAMICS, "gamma",
                r.statistic(), threshold, used.get(FreeDecay.REFERENCE).firstSequence, sequence, time,
                model.version(), "Unmodelled dynamics: the free swing decays " + way + " than it did (damping rate "
                        + "gamma about " + num(r.gammaBefore()) + " /s over the windows before, " + num(r.gammaAfter())
                        + " /s over the newest two; its amplitude at omega " + num(omega) + " rad/s fell to "
                        + num(amplitude[FreeDecay.WINDOWS - 1]) + " rad; statistic " + num(r.statistic()) + " > "
                        + num(threshold) + "); the physics (omega) does not model damping."), time);
    }

    /**
     * The decay test's result at the published ω when it reaches {@code threshold} there and at both ends of the
     * published 95 % interval, else null; {@code amplitude} gets the amplitudes at the published ω. Why the ends too:
     * an ω off by 10 % bends the amplitudes fitted at it across the windows as a damping change would (on clean
     * simulated looks the statistic reached 7.6 against at most 4.6 at the true ω; docs/trainer.md, "The random run
     * with 48 pendulums").
     */
    static FreeDecay.Result flagged(List<ContextSet.Window> windows, int length, double dt,
                                    RandomEffects.Estimate published, double forcingHz, double threshold,
                                    double[] amplitude) {
        FreeDecay.Result r = test(windows, length, dt, published.mean(), forcingHz, amplitude);
        if (r == null || !(r.statistic() >= threshold)) {
            return null;
        }
        for (double bound : new double[] {published.lower95(), published.upper95()}) {
            FreeDecay.Result atBound = bound > 0 && bound != published.mean()
                    ? test(windows, length, dt, bound, forcingHz, new double[FreeDecay.WINDOWS]) : r;
            if (atBound == null || !(atBound.statistic() >= threshold)) {
                return null;
            }
        }
        return r;
    }

    /** The decay test on the windows' free-swing amplitudes fitted at {@code omega}; fills {@code amplitude}. */
    private static FreeDecay.Result test(List<ContextSet.Window> windows, int length, double dt, double omega,
                                         double forcingHz, double[] amplitude) {
        double[] x = new double[FreeDecay.WINDOWS];
        double[] std = new double[FreeDecay.WINDOWS];
        for (int i = 0; i < FreeDecay.WINDOWS; i++) {
            ContextSet.Window w = windows.get(i);
            double[] a = FreeOscillation.amplitude(w.samples, 0, dt, omega, forcingHz);
            x[i] = (double) w.firstSequence / length;
            amplitude[i] = a[0];
            std[i] = a[1];
        }
        return FreeDecay.test(x, amplitude, std, length * dt);
    }
}
