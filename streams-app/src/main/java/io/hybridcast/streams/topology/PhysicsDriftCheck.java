package io.hybridcast.streams.topology;

import io.hybridcast.avro.AnomalyKind;
import io.hybridcast.streams.anomaly.Anomalies;
import io.hybridcast.streams.anomaly.Channels;
import io.hybridcast.streams.anomaly.Latch;
import io.hybridcast.streams.anomaly.ModelCheckState;
import io.hybridcast.streams.config.AnomalySettings;
import io.hybridcast.streams.config.StreamsSettings;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.fusion.SensorLevelPosterior;
import io.hybridcast.streams.inference.ServingModel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

import static io.hybridcast.streams.anomaly.Channels.num;

/**
 * Physics drift at sensor level: the long-run posterior of a parameter (the sensor's disjoint windows before the
 * newest few, with forgetting, a random-effects fusion, {@link RandomEffects}) against, at every forecast, the
 * newest window's posterior (with the long run's between-window scatter in the yardstick) and, at each newly fused
 * window, the recent posterior (the newest few windows fused), so a drift is flagged when the sensor's own evidence
 * says the parameter moved beyond what the windows' scatter explains. One alarm per change: after it the check
 * holds until forgetting has replaced the old physics in the long run. The sentence names the parameter with its
 * old (long-run) and new value. Also records each forecast in the z_p history.
 *
 * <p>Why not the newest window against the context prior, as before: that prior moves with the newest windows, so
 * a slow drift never stands out; the long run here excludes the newest windows and pools many.
 */
final class PhysicsDriftCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PhysicsDriftCheck.class);

    private final StreamsSettings settings;
    private final SequencedStore<ZpHistory.Point> histories;
    private final AnomalyEmitter emitter;
    private final int historySize;
    private final int recentWindows;
    private final int longRunMin;
    private final double forgetting;
    /** Fused windows after an alarm until the long run has mostly forgotten the old physics (its weight < 20 %). */
    private final int holdWindows;
    private final WriteBehindStore<SensorPhysics> physicsStore;
    private final double forcedThreshold;

    PhysicsDriftCheck(StreamsSettings settings, SequencedStore<ZpHistory.Point> histories,
                      WriteBehindStore<SensorPhysics> physicsStore, AnomalyEmitter emitter) {
        this.settings = settings;
        this.histories = histories;
        this.physicsStore = physicsStore;
        this.emitter = emitter;
        this.historySize = settings.get(StreamsSettings.HISTORY_SIZE);
        this.recentWindows = settings.get(AnomalySettings.RECENT_WINDOWS);
        this.longRunMin = settings.get(AnomalySettings.LONG_RUN_MIN_WINDOWS);
        this.forgetting = settings.get(AnomalySettings.PHYSICS_FORGETTING);
        this.holdWindows = holdWindows(forgetting);
        this.forcedThreshold = settings.get(AnomalySettings.DRIFT_FORCED_THRESHOLD);
    }

    /** Fused windows until a long run with per-window {@code forgetting} has mostly forgotten the old physics. */
    static int holdWindows(double forgetting) {
        return forgetting >= 1 ? 64 : (int) Math.ceil(Math.log(0.2) / Math.log(forgetting));
    }

    /** After a forecast; {@code fused} says whether its window was added to the sensor-level physics. */
    void afterForecast(SensorState state, SensorPhysics physics, ServingModel.Prediction p, ServingModel model,
                       long time, boolean fused) {
        int params = physics.names().size();
        RandomEffects.Estimate[] longRun = new RandomEffects.Estimate[params];
        RandomEffects.Estimate[] recent = new RandomEffects.Estimate[params];
        // the long run the windows are compared with starts where the drive was last switched off or on: a free
        // swing after the drive went off shows a hard-driven pendulum's ω where its forced windows showed it biased
        // (and the other way round when it comes back on), and that correction of the estimate is no change of the
        // physics
        java.util.Deque<SensorPhysics.WindowEstimate> reference =
                physics.windowsAfter(physics.conditions().driveSwitchedAt(), state.query().window().length);
        boolean comparable = reference.size() >= recentWindows + longRunMin;
        for (int j = 0; j < params && comparable; j++) {
            longRun[j] = SensorLevelPosterior.fuse(reference, j, recentWindows, forgetting);
            recent[j] = physics.recent(j, recentWindows);
        }
        record(state, physics, p, model, time, comparable ? longRun : null);
        if (fused && LOG.isDebugEnabled()) {
            // every fused window's posterior and the comparison, to read a live run's detector after the fact
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < params && comparable; j++) {
                line.append(' ').append(physics.names().get(j)).append(" recent ").append(num(recent[j].mean()))
                        .append(" ± ").append(num(recent[j].std())).append(" long-run ").append(num(longRun[j].mean()))
                        .append(" ± ").append(num(longRun[j].std()));
            }
            LOG.debug("window {} seq {} v{} zp {} ± {} zn {}{}", state.sensorId, state.query().sequence(),
                    model.version(), Arrays.toString(p.zpMean()), Arrays.toString(p.zpStd()),
                    Arrays.toString(p.zn()), line);
        }
        if (fused && forcedDrift(state, physics, model, time)) {
            return;
        }
        if (comparable) {
            check(state, physics, p, fused, recent, longRun, model, time);
        }
    }

    /**
     * The driven pendulum's drift test on its forced amplitude ({@link ForcedDrift}), on each newly fused window
     * (also while the z_p comparison holds: its reference starts after the last alarm of either). Returns whether it
     * raised. The old value is the sensor-level estimate published just before the change point, the new one that
     * times the ω ratio the amplitudes imply.
     */
    private boolean forcedDrift(SensorState state, SensorPhysics physics, ServingModel model, long time) {
        SensorConditions conditions = physics.conditions();
        ForcedDrift.Result r = ForcedDrift.test(physics.windowEstimates(), conditions.forcedFrom(),
                settings.get(AnomalySettings.DRIFT_MIN_RELATIVE_CHANGE));
        if (r != null && LOG.isDebugEnabled()) {
            LOG.debug("forced {} seq {} z {} split {} amplitude {} -> {}", state.sensorId, state.query().sequence(),
                    num(r.z()), r.splitSequence(), num(r.before()), num(r.after()));
        }
        if (r == null || !(r.z() >= forcedThreshold)) {
            return false;
        }
        long sequence = state.query().sequence();
        conditions.forcedFrom(sequence);
        physicsStore.write(state.sensorId, physics);
        // the z_p comparison would flag the same change again once its recent windows show it
        state.checks().holdDrift(holdWindows);
        String name = physics.names().get(0);
        String unit = Channels.parameterUnit(name);
        double before = publishedBefore(state.sensorId, r.splitSequence(), physics);
        double after = before * r.omegaRatio();
        // the anomaly spans from where the amplitude changed, as the transport check's: the change is what is
        // flagged, and the test needs some windows after it before it can tell
        emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.PHYSICS_DRIFT, name, r.z(),
                forcedThreshold, Math.min(r.splitSequence(), sequence), sequence, time, model.version(),
                "Physics drift: " + name + " moved from " + num(before) + " to " + num(after) + unit
                        + " (the forced amplitude changed from " + num(r.before()) + " to " + num(r.after())
                        + " at sequence " + r.splitSequence() + ", a ratio " + num(r.omegaRatio() * r.omegaRatio())
                        + " = (new / old " + name + ")²; z = " + num(r.z()) + " > " + num(forcedThreshold)
                        + "; a change of the drive's amplitude would read the same)."), time);
        return true;
    }

    /** The sensor-level estimate of the first parameter published before {@code sequence} (else the newest). */
    private double publishedBefore(String sensorId, long sequence, SensorPhysics physics) {
        var before = histories.read(sensorId).lowerEntry(sequence);
        if (before != null && before.getValue().sensorMean().length > 0) {
            return before.getValue().sensorMean()[0];
        }
        return physics.estimates()[0].mean();
    }

    private void record(SensorState state, SensorPhysics physics, ServingModel.Prediction p, ServingModel model,
                        long time, RandomEffects.Estimate[] longRun) {
        RandomEffects.Estimate[] sensor = physics.estimates();
        ZpHistory.append(histories, state.sensorId, new ZpHistory.Point(state.query().sequence(), time,
                model.version(), model.physicsNames(), p.zpMean(), p.zpStd(), field(longRun, 0), field(longRun, 1),
                field(sensor, 0), field(sensor, 1), field(sensor, 2), field(sensor, 3)), historySize);
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

    /**
     * The std its own 95 % interval implies (half-width / 1.96): a fusion of three windows with an estimated
     * between-window scatter has two degrees of freedom, and its Student-t interval is 2.2 times wider than its std
     * says. On the random run three false drift alarms had z 4.03-4.25 from recent posteriors whose published
     * intervals were as wide as -0.47 to 4.08.
     */
    static double intervalStd(RandomEffects.Estimate e) {
        return Math.max(e.std(), (e.upper95() - e.lower95()) / (2 * 1.959964));
    }

    /** End sequence of the oldest of the newest {@link #recentWindows} fused windows (the recent posterior's). */
    private long oldestRecent(SensorPhysics physics) {
        var it = physics.windowEstimates().descendingIterator();
        long sequence = -1;
        for (int i = 0; i < recentWindows && it.hasNext(); i++) {
            sequence = it.next().sequence();
        }
        return sequence;
    }

    /** The newest window alone must exceed the drift threshold by this many more standard errors. */
    static final double SINGLE_WINDOW_MARGIN = 1.0;

    /**
     * Whether an estimate sits at the prior range's bound (within 1 % of its width): the encoder saturated there
     * with a tiny claimed std (the random run: one window at omega 0.392 ± 0.008, then three in a row, z 13.5),
     * which says nothing about the physics.
     */
    private static boolean atBound(double value, ServingModel model) {
        io.hybridcast.model.physics.PriorRange range = model.intervalCalibration() == null ? null
                : model.intervalCalibration().range();
        return range != null && range.atBound(value);
    }

    /**
     * Compares the newest window alone and, on a newly fused window, the recent posterior with the long run; the
     * larger z counts. The newest window alone sees a step one window sooner (the live example's ω step: z 4.8 at
     * the first window after it, the three-window posterior only two windows later, 7.5 s in); against it the
     * long run's between-window scatter (tau) is part of the yardstick, since one window can stray that far, and it
     * must clear the threshold by {@link #SINGLE_WINDOW_MARGIN} (the random run's two false single-window alarms
     * were at z 4.02 and, at the prior bound, 4.92).
     */
    private void check(SensorState state, SensorPhysics physics, ServingModel.Prediction p, boolean fused,
                       RandomEffects.Estimate[] recent, RandomEffects.Estimate[] longRun, ServingModel model,
                       long time) {
        ModelCheckState checks = state.checks();
        if (checks.driftHold() > 0) {
            // after an alarm the long run still holds the old physics, and the recent estimates wander while the
            // context fills with the new: no second alarm for the same change until forgetting has replaced it
            if (fused && checks.countDriftHold() == 0) {
                checks.rearmDrift();
            }
            return;
        }
        double minRelative = settings.get(AnomalySettings.DRIFT_MIN_RELATIVE_CHANGE);
        double score = 0;
        int worst = 0;
        boolean single = false;
        for (int j = 0; j < longRun.length; j++) {
            double floor = minRelative * Math.abs(longRun[j].mean());
            double changeOne = Math.abs(p.zpMean()[j] - longRun[j].mean());
            if (changeOne >= floor && !atBound(p.zpMean()[j], model)) {
                // one window is one of many looks at the long run: it must clear the threshold by one more sigma
                double z = changeOne / Math.sqrt(p.zpStd()[j] * p.zpStd()[j] + longRun[j].std() * longRun[j].std()
                        + longRun[j].tau() * longRun[j].tau() + 1e-24) - SINGLE_WINDOW_MARGIN;
                if (z > score) {
                    score = z;
                    worst = j;
                    single = true;
                }
            }
            double change = Math.abs(recent[j].mean() - longRun[j].mean());
            if (fused && change >= floor && !atBound(recent[j].mean(), model)) {
                double sr = intervalStd(recent[j]);
                double sl = intervalStd(longRun[j]);
                double z = change / Math.sqrt(sr * sr + sl * sl + 1e-24);
                if (z > score) {
                    score = z;
                    worst = j;
                    single = false;
                }
            }
        }
        double threshold = settings.get(AnomalySettings.DRIFT_THRESHOLD);
        Latch drift = checks.drift();
        long sequence = state.query().sequence();
        if (drift.observe(score, threshold, sequence, 1, settings.get(AnomalySettings.MODEL_CLEAR))
                == Latch.Transition.RAISED) {
            // the windows before those that raised it are of the old value: the published estimate starts after
            // them, or it would take forgetting's ~30 windows to leave the old value (the random run's line, D
            // 0.093 -> 0.066: 18 % error over the 40 s after the step, docs/decisions.md)
            physics.physicsChanged(single ? sequence : oldestRecent(physics));
            physics.conditions().forcedFrom(sequence);
            physicsStore.write(state.sensorId, physics);
            checks.holdDrift(holdWindows);
            String name = model.physicsNames().get(worst);
            String unit = Channels.parameterUnit(name);
            RandomEffects.Estimate before = longRun[worst];
            String now = single
                    ? num(p.zpMean()[worst]) + unit + " (long-run 95 % " + num(before.lower95()) + " to "
                            + num(before.upper95()) + ", newest window " + num(p.zpMean()[worst]) + " ± "
                            + num(p.zpStd()[worst])
                    : num(recent[worst].mean()) + unit + " (long-run 95 % " + num(before.lower95()) + " to "
                            + num(before.upper95()) + ", newest " + recentWindows + " windows "
                            + num(recent[worst].lower95()) + " to " + num(recent[worst].upper95());
            double shown = single ? score + SINGLE_WINDOW_MARGIN : score;
            double shownThreshold = single ? threshold + SINGLE_WINDOW_MARGIN : threshold;
            emitter.emit(Anomalies.of(state.sensorId, state.system, AnomalyKind.PHYSICS_DRIFT, name, shown,
                    shownThreshold,
                    drift.firstAboveSequence(), sequence, time, model.version(),
                    "Physics drift: " + name + " moved from " + num(before.mean()) + " to " + now + "; z = "
                            + num(shown) + " > " + num(shownThreshold) + ")."), time);
        }
    }
}
