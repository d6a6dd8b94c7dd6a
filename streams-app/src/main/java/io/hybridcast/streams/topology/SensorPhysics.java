package io.hybridcast.streams.topology;

import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.fusion.SensorLevelPosterior;
import io.hybridcast.model.fusion.WindowPosterior;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * A sensor's physics at sensor level: the posteriors of its successive disjoint windows (z_p mean and std per
 * parameter, and the neural latents' mean under the model version that inferred them), and the sensor-level
 * posterior fused from them ({@link RandomEffects}). Kept across operating events and model versions (z_p is
 * in physical units); the latents only count under the version that inferred them.
 *
 * <p>Why disjoint windows only: successive queries overlap by all but a hop, so their posteriors are nearly the
 * same evidence; fusing each would count it window/hop times over and make the interval too narrow.
 *
 * <p>With a reveal gate in the serving version's calibration ({@link IntervalCalibration#revealGate()}), the
 * published posterior is fused from the windows whose {@link io.hybridcast.model.fusion.FreeSwing} reached it,
 * kept apart (up to the capacity) so that minutes of forced steady state, which read ω through the forcing's
 * A ω² and so carry each sensor's own bias, neither push them out nor outvote them; forgetting then counts
 * revealing windows, not time. A sensor with none is fused from all its windows, in the wider unrevealed tier.
 * The drift and latent checks keep using every window.
 *
 * <p>A revealed estimate ages: between revealing windows ω is a random walk, so the published std grows by a
 * relative variance {@code walk} per sample since the newest revealing window ({@link #add}), and once that makes
 * it wider than the unrevealed tier the unrevealed tier is published instead (the old evidence no longer says more
 * than steady state does). A window with a sample under a sensor-fault flag ({@link SensorConditions#sensorFault}) is no evidence
 * about the physics: it is neither revealing nor in the published estimate (the drift and latent checks still see
 * it, as before: a sensor fault has its own alarm, and a parameter step can trip the noise test).
 */
public final class SensorPhysics {

    /**
     * One fused window; {@code swing} its free swing (NaN: not measured) and {@code amplitude} that swing's
     * phase-free size ({@link io.hybridcast.model.fusion.FreeSwing#amplitude}; NaN: not measured); {@code forced}
     * its forced amplitude at the sensor's forcing frequency and {@code forcedStd} that amplitude's standard error
     * (NaN: not measured, e.g. with the drive off); {@code transport} the line's transport velocity beyond diffusion
     * and {@code transportStd} its standard error ({@link io.hybridcast.model.line.TransportFit}; NaN: not measured,
     * e.g. not a line).
     */
    record WindowEstimate(long sequence, long modelVersion, double[] mean, double[] std, double[] latents,
                          double swing, double amplitude, double forced, double forcedStd, boolean faulty,
                          double transport, double transportStd) implements WindowPosterior {

        /** A window without a transport measured. */
        WindowEstimate(long sequence, long modelVersion, double[] mean, double[] std, double[] latents, double swing,
                       double forced, double forcedStd, boolean faulty) {
            this(sequence, modelVersion, mean, std, latents, swing, Double.NaN, forced, forcedStd, faulty, Double.NaN,
                    Double.NaN);
        }
    }

    private List<String> names = List.of();
    private final Deque<WindowEstimate> windows = new ArrayDeque<>();
    /** The windows that passed the reveal gate when they were added, newest last, at most the capacity. */
    private final Deque<WindowEstimate> revealing = new ArrayDeque<>();
    /** Whether the published estimates were fused from revealing windows. */
    private boolean revealed;
    private long lastSequence = -1;
    /** Sequence of the newest operating event, -1 for none: the latents before it describe another drive. */
    private long lastEventSequence = -1;
    private RandomEffects.Estimate[] estimates = new RandomEffects.Estimate[0];
    private SensorConditions conditions = new SensorConditions();

    /** Whether a window ending at {@code sequence} would be fused (not overlapping the newest, not under a fault). */
    boolean wouldFuse(long sequence, int windowLength) {
        return !(lastSequence >= 0 && sequence > lastSequence && sequence - lastSequence < windowLength)
                && !conditions.underFault(sequence, windowLength);
    }

    /** No forced amplitude (or transport) measured. */
    static final double[] UNMEASURED = {Double.NaN, Double.NaN};

    /**
     * Adds the window's {@code reading} when it does not overlap the newest added window, and fuses the sensor-level
     * posterior as {@code fusion} says. A revealed estimate ages between revealing windows as a random walk, which the
     * window's forced amplitude updates ({@link io.hybridcast.model.fusion.RevealedAge}). A window with a sample
     * inside the newest sensor-fault range is kept for the checks only. Returns whether it was added.
     */
    boolean add(WindowReading reading, FusionSettings fusion) {
        long sequence = reading.sequence();
        int windowLength = reading.windowLength();
        List<String> names = reading.names();
        if (lastSequence >= 0 && sequence > lastSequence && sequence - lastSequence < windowLength) {
            return false;
        }
        // under a sensor-fault flag: kept for the drift and latent checks (as they always judged every window),
        // but neither revealing nor in the published estimate
        boolean faulty = conditions.underFault(sequence, windowLength);
        if (!names.equals(this.names)) {
            windows.clear(); // another parameterisation: nothing to fuse with
            revealing.clear();
            this.names = List.copyOf(names);
        }
        WindowEstimate window = new WindowEstimate(sequence, reading.modelVersion(), reading.mean().clone(),
                reading.std().clone(), reading.latents().clone(), reading.swing(), reading.swingAmplitude(),
                reading.forced()[0], reading.forced()[1], faulty, reading.transport()[0], reading.transport()[1]);
        windows.addLast(window);
        while (windows.size() > fusion.capacity()) {
            windows.removeFirst();
        }
        IntervalCalibration calibration = fusion.calibration();
        if (SensorLevelPosterior.reveals(window, calibration)) {
            revealing.addLast(window);
            while (revealing.size() > fusion.capacity()) {
                revealing.removeFirst();
            }
        }
        lastSequence = sequence;
        SensorLevelPosterior.Published published = SensorLevelPosterior.of(windows, revealing, names.size(), sequence,
                calibration.range(), calibration.revealGate() > 0, fusion.forgetting(), fusion.walk(),
                conditions.physicsFrom()).publish(calibration);
        estimates = published.estimates();
        revealed = published.revealed();
        return true;
    }

    /** Under which conditions the readings were taken: fault flags, the drive, the forcing frequency. */
    public SensorConditions conditions() {
        return conditions;
    }

    /**
     * A physics drift was flagged, first carried by the window ending at {@code changedFrom}: the published estimate
     * counts only windows from there on (the checks still see all), unrevealed until new revealing ones come.
     */
    void physicsChanged(long changedFrom) {
        revealing.clear();
        conditions.physicsFrom(changedFrom);
    }

    /**
     * Whether the published estimates were fused from revealing windows (false without a reveal gate, and once
     * their age has made them wider than the unrevealed tier).
     */
    public boolean revealed() {
        return revealed;
    }

    /**
     * Fuses parameter {@code j} over the windows before the newest {@code skipNewest}, with {@code forgetting}
     * per window counted from the newest of them; null when there are none.
     */
    RandomEffects.Estimate fuse(int j, int skipNewest, double forgetting) {
        return SensorLevelPosterior.fuse(windows, j, skipNewest, forgetting);
    }

    /** The recent posterior of parameter {@code j}: its newest {@code recent} windows, fused without forgetting. */
    RandomEffects.Estimate recent(int j, int recent) {
        if (windows.size() < recent) {
            return null;
        }
        double[] means = new double[recent];
        double[] stds = new double[recent];
        double[] weights = new double[recent];
        Iterator<WindowEstimate> it = windows.descendingIterator();
        for (int i = recent - 1; i >= 0; i--) {
            WindowEstimate w = it.next();
            means[i] = w.mean()[j];
            stds[i] = w.std()[j];
            weights[i] = 1;
        }
        return RandomEffects.fuse(means, stds, weights);
    }

    /**
     * The neural latents' recent and long-run posteriors under {@code modelVersion}: per latent, the mean of the
     * newest {@code recent} windows and the weighted mean, variance and effective count of the windows before them
     * (forgetting per window); null when fewer than {@code recent + minLongRun} windows of that version exist.
     *
     * @return {recentMean[], longRunMean[], longRunVariance[], {effectiveLongRunWindows}}
     */
    double[][] latentShift(long modelVersion, int recent, int minLongRun, double forgetting, int windowLength) {
        return latentShift(modelVersion, recent, minLongRun, forgetting, windowLength, -1);
    }

    /** As above, counting only windows that start after {@code after} too (e.g. a settling free swing). */
    double[][] latentShift(long modelVersion, int recent, int minLongRun, double forgetting, int windowLength,
                           long after) {
        List<double[]> same = new ArrayList<>();
        Iterator<WindowEstimate> it = windows.descendingIterator();
        long from = Math.max(lastEventSequence, after);
        while (it.hasNext()) {
            WindowEstimate w = it.next();
            if (w.modelVersion() != modelVersion || w.sequence() - windowLength + 1 <= from) {
                break; // the latents of another version mean something else; before an event, another drive
            }
            same.add(w.latents());
        }
        return LatentShift.of(same, recent, minLongRun, forgetting);
    }

    /**
     * An operating event at {@code sequence}: the physics is unchanged (the window posteriors are kept), but the
     * unmodelled drive may change, so the latents' long run starts again after it.
     */
    void operatingEvent(long sequence) {
        lastEventSequence = sequence;
    }

    /** As {@link #operatingEvent(long)}, for an event that switched the drive off or on. */
    void operatingEvent(long sequence, boolean driveOff, boolean driveOn) {
        operatingEvent(sequence);
        conditions.drive(sequence, driveOff, driveOn);
    }

    /** Sequence of the newest operating event, -1 for none. */
    public long lastEventSequence() {
        return lastEventSequence;
    }

    /** Parameter names, in the order of {@link #estimates()}. */
    public List<String> names() {
        return names;
    }

    /** The sensor-level posterior per parameter (empty before the first window; entries never null then). */
    public RandomEffects.Estimate[] estimates() {
        return estimates;
    }

    /** The fused windows that start after {@code sequence}, oldest first (all of them for -1; read only). */
    Deque<WindowEstimate> windowsAfter(long sequence, int windowLength) {
        if (sequence < 0) {
            return windows;
        }
        Deque<WindowEstimate> after = new ArrayDeque<>();
        Iterator<WindowEstimate> it = windows.descendingIterator();
        while (it.hasNext()) {
            WindowEstimate w = it.next();
            if (w.sequence() - windowLength + 1 <= sequence) {
                break;
            }
            after.addFirst(w);
        }
        return after;
    }

    /** The fused windows, oldest first (read only: the forced drift test reads their amplitudes). */
    Deque<WindowEstimate> windowEstimates() {
        return windows;
    }

    /** Windows fused so far (at most the capacity). */
    public int windows() {
        return windows.size();
    }

    /**
     * Its own store and serde: it changes once per disjoint window, while the sensor state changes with every
     * reading and is written once per commit; inside it, its up to a hundred windows would be written each time.
     */
    public static final StateSerde<SensorPhysics> SERDE = new StateSerde<>("sensor physics", 7, 1,
            (p, out) -> p.write(out), SensorPhysics::read);

    void write(DataOutputStream out) throws IOException {
        out.writeInt(names.size());
        for (String name : names) {
            out.writeUTF(name);
        }
        out.writeLong(lastSequence);
        out.writeLong(lastEventSequence);
        WindowEstimates.write(out, windows);
        WindowEstimates.write(out, revealing);
        out.writeBoolean(revealed);
        conditions.write(out);
        out.writeInt(estimates.length);
        for (RandomEffects.Estimate e : estimates) {
            StateSerde.writeDoubles(out, new double[]{e.mean(), e.std(), e.lower95(), e.upper95(),
                    e.effectiveWindows(), e.tau()});
        }
    }

    /**
     * Format 2 adds each window's free swing, the revealing windows and the tier, format 3 each window's forced
     * amplitude, the newest sensor-fault range and the drive's state, format 4 the forced drift test's reference
     * start, format 5 each window's transport velocity (the line) and the transport test's reference start, format
     * 6 the start of the published physics after a flagged change, format 7 each window's phase-free swing amplitude;
     * older formats are read with none.
     */
    static SensorPhysics read(DataInputStream in, int version) throws IOException {
        SensorPhysics p = new SensorPhysics();
        int n = in.readInt();
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(in.readUTF());
        }
        p.names = List.copyOf(names);
        p.lastSequence = in.readLong();
        p.lastEventSequence = in.readLong();
        WindowEstimates.read(in, p.windows, version);
        if (version >= 2) {
            WindowEstimates.read(in, p.revealing, version);
            p.revealed = in.readBoolean();
        }
        if (version >= 3) {
            p.conditions = SensorConditions.read(in, version);
        }
        p.estimates = new RandomEffects.Estimate[in.readInt()];
        for (int j = 0; j < p.estimates.length; j++) {
            double[] e = StateSerde.readDoubles(in);
            p.estimates[j] = new RandomEffects.Estimate(e[0], e[1], e[2], e[3], e[4], e[5]);
        }
        return p;
    }
}
