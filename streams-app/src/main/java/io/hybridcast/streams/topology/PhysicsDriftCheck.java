package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Channels;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.streams.inference.ServingModel;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Physics drift at sensor level: the recent posterior of a parameter (the sensor's newest few disjoint windows,
 * short memory) against its long-run posterior (the windows before them, with forgetting), both random-effects
 * fusions ({@link RandomEffects}), so a drift is flagged when the sensor's own evidence says the parameter moved
 * beyond what the windows' scatter explains. Hysteresis over successive fused windows; the sentence names the
 * parameter with its old (long-run) and new (recent) value. Also records each forecast in the z_p history.
 *
 * <p>Why not the newest window against the context prior, as before: a single window's posterior is too noisy
 * and too correlated with its neighbours to flag a slow drift early without flagging noise; the sensor-level
 * posteriors pool the evidence of several windows on each side.
 */
final class PhysicsDriftCheck {

    private final StreamsSettings settings;
    private final WriteBehindStore<ZpHistory> histories;
    private final AnomalyEmitter emitter;
    private final int historySize;
    private final int recentWindows;
    private final int longRunMin;
    private final double forgetting;

    PhysicsDriftCheck(StreamsSettings settings, WriteBehindStore<ZpHistory> histories, AnomalyEmitter emitter) {
        this.settings = settings;
        this.histories = histories;
        this.emitter = emitter;
        this.historySize = settings.get(StreamsSettings.HISTORY_SIZE);
        this.recentWindows = settings.get(StreamsSettings.RECENT_WINDOWS);
        this.longRunMin = settings.get(StreamsSettings.LONG_RUN_MIN_WINDOWS);
        this.forgetting = settings.get(StreamsSettings.PHYSICS_FORGETTING);
    }

    /** After a forecast; {@code fused} says whether its window was added to the sensor-level physics. */
    void afterForecast(SensorState state, SensorPhysics physics, ServingModel.Prediction p, ServingModel model,
                       long time, boolean fused) {
        int params = physics.names().size();
        RandomEffects.Estimate[] longRun = new RandomEffects.Estimate[params];
        RandomEffects.Estimate[] recent = new RandomEffects.Estimate[params];
        boolean comparable = physics.windows() >= recentWindows + longRunMin;
        for (int j = 0; j < params && comparable; j++) {
            longRun[j] = physics.fuse(j, recentWindows, forgetting);
            recent[j] = physics.recent(j, recentWindows);
        }
        record(state, physics, p, model, time, comparable ? longRun : null);
        if (comparable && fused) {
            check(state, physics, recent, longRun, model, time);
        }
    }

    private void record(SensorState state, SensorPhysics physics, ServingModel.Prediction p, ServingModel model,
                        long time, RandomEffects.Estimate[] longRun) {
        ZpHistory history = histories.read(state.sensorId);
        if (history == null) {
            history = new ZpHistory();
        }
        RandomEffects.Estimate[] sensor = physics.estimates();
        history.add(new ZpHistory.Point(state.query().sequence(), time, model.version(), model.physicsNames(),
                p.zpMean(), p.zpStd(), field(longRun, 0), field(longRun, 1), field(sensor, 0), field(sensor, 1),
                field(sensor, 2), field(sensor, 3)), historySize);
        histories.write(state.sensorId, history);
    }

    /** One field of each estimate: 0 mean, 1 std, 2 lower, 3 upper; empty for none. */
    private static double[] field(RandomEffects.Estimate[] estimates, int which) {
        if (estimates == null) {
            return new double[0];
        }
        double[] out = new double[estimates.length];
        for (int j = 0; j < out.length; j++) {
            RandomEffects.Estimate e = estimates[j];
            out[j] = switch (which) {
                case 0 -> e.mean();
                case 1 -> e.std();
                case 2 -> e.lower95();
                default -> e.upper95();
            };
        }
        return out;
    }

    private void check(SensorState state, SensorPhysics physics, RandomEffects.Estimate[] recent,
                       RandomEffects.Estimate[] longRun, ServingModel model, long time) {
        double minRelative = settings.get(StreamsSettings.DRIFT_MIN_RELATIVE_CHANGE);
        double score = 0;
        int worst = 0;
        for (int j = 0; j < recent.length; j++) {
            double change = Math.abs(recent[j].mean() - longRun[j].mean());
            if (change < minRelative * Math.abs(longRun[j].mean())) {
                continue;
            }
            double z = change / Math.sqrt(recent[j].std() * recent[j].std() + longRun[j].std() * longRun[j].std()
                    + 1e-24);
            if (z > score) {
                score = z;
                worst = j;
            }
        }
        double threshold = settings.get(StreamsSettings.DRIFT_THRESHOLD);
        Latch drift = state.checks().drift();
        long sequence = state.query().sequence();
        // raised by one comparison: the recent posterior already pools anomaly.recent.windows disjoint windows
        // (waiting for more would only delay the alert by whole windows); cleared by anomaly.model.clear.forecasts
        if (drift.observe(score, threshold, sequence, 1, settings.get(StreamsSettings.MODEL_CLEAR))
                == Latch.Transition.RAISED) {
            // the published estimate's revealing windows are of the old value (written back with the physics store)
            physics.physicsChanged();
            String name = model.physicsNames().get(worst);
            String unit = Channels.parameterUnit(name);
            RandomEffects.Estimate before = longRun[worst];
            RandomEffects.Estimate now = recent[worst];
            emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.PHYSICS_DRIFT, name, score, threshold,
                    drift.firstAboveSequence(), sequence, time, model.version(),
                    "Physics drift: " + name + " moved from " + num(before.mean()) + " to " + num(now.mean()) + unit
                            + " (long-run 95 % " + num(before.lower95()) + " to " + num(before.upper95())
                            + ", newest " + recentWindows + " windows " + num(now.lower95()) + " to "
                            + num(now.upper95()) + "; z = " + num(score) + " > " + num(threshold) + ")."),
                    time);
        }
    }
}
