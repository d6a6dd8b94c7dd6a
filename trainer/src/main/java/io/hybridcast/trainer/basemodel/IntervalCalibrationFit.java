package io.hybridcast.trainer.basemodel;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.fusion.ForcedSwing;
import io.hybridcast.model.fusion.FreeSwing;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.fusion.SensorLevelPosterior;
import io.hybridcast.model.fusion.WindowPosterior;
import io.hybridcast.model.physics.PriorRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;
import java.util.stream.IntStream;

/**
 * Fits a model's {@link IntervalCalibration} on simulated sensors of the digital twin, cut and fused exactly as
 * the streams app fuses a live sensor (docs/streams-app.md): the query of every {@code length/hop}-th hop (the
 * disjoint windows, the only ones a sensor's physics adds), its window posterior, what the window shows (its free
 * swing and, where the pendulum's forcing stands clear of its context windows' noise, its forced amplitude) and
 * after each the sensor-level posterior the streams app publishes ({@link SensorLevelPosterior}: the same code,
 * with the reveal gate's two tiers and the revealed estimate's ageing). Every such posterior from
 * {@code minSeconds} of the sensor's stream on (the live score's "after the first minute") is one calibration
 * point; b is the smallest systematic relative std for which 95 % of the points' published intervals hold the
 * sensor's true z_p (a conformal choice over the points; the sensors' truths are known because they are
 * simulated, never the live fleet's). With a reveal gate each tier gets its own b: first the unrevealed tier's,
 * on the points whose sensor has no revealing window, then the revealed tier's on the others, under the first
 * (an aged revealed estimate wider than the unrevealed tier is published in that tier).
 */
public final class IntervalCalibrationFit {

    /** Target coverage. */
    static final double COVERAGE = 0.95;
    /** Largest b searched (a relative std of 500 %: the whole range for any of the systems). */
    private static final double MAX_SYSTEMATIC = 5;
    private static final int BATCH = 256;
    /** No forced amplitude measured. */
    private static final double[] UNMEASURED = {Double.NaN, Double.NaN};

    /**
     * The sensor-level points of a population: what each point's windows say before a calibration widens it.
     *
     * @param parts  per point, the posterior's parts ({@link SensorLevelPosterior#of})
     * @param truth  the sensor's true z_p per point
     * @param sensor the sensor's index per point
     */
    public record Points(SensorLevelPosterior.Parts[] parts, double[] truth, int[] sensor) {

        /** Number of points. */
        public int size() {
            return parts.length;
        }

        /** The first parameter's published posterior of point {@code i} under {@code c}. */
        public RandomEffects.Estimate published(int i, IntervalCalibration c) {
            return parts[i].publish(c).estimates()[0];
        }

        /** Share of the points whose published interval under {@code c} holds the truth. */
        public double coverage(IntervalCalibration c) {
            int hit = 0;
            for (int i = 0; i < parts.length; i++) {
                RandomEffects.Estimate e = published(i, c);
                if (truth[i] >= e.lower95() && truth[i] <= e.upper95()) {
                    hit++;
                }
            }
            return parts.length == 0 ? Double.NaN : (double) hit / parts.length;
        }

        /** Mean relative error of the points' published means under {@code c}. */
        public double relativeError(IntervalCalibration c) {
            double sum = 0;
            for (int i = 0; i < parts.length; i++) {
                sum += Math.abs(published(i, c).mean() - truth[i]) / truth[i];
            }
            return parts.length == 0 ? Double.NaN : sum / parts.length;
        }

        /**
         * The coverage a run of {@code fleet} sensors drawn from these points' sensors would score, its points
         * pooled as the live score pools a run's, for {@code draws} runs drawn with {@code seed}; sorted. Why: a
         * sensor's points share its error, so a run's coverage is near the share of its sensors covered, and a fleet
         * of a dozen sensors makes it coarse even when the intervals hold 95 % of all points.
         */
        public double[] fleetCoverage(IntervalCalibration c, int fleet, int draws, long seed) {
            int sensors = Arrays.stream(sensor).max().orElse(-1) + 1;
            int[] hits = new int[sensors];
            int[] counts = new int[sensors];
            for (int i = 0; i < parts.length; i++) {
                RandomEffects.Estimate e = published(i, c);
                hits[sensor[i]] += truth[i] >= e.lower95() && truth[i] <= e.upper95() ? 1 : 0;
                counts[sensor[i]]++;
            }
            int[] scored = IntStream.range(0, sensors).filter(s -> counts[s] > 0).toArray();
            if (scored.length < fleet) {
                throw new IllegalArgumentException("a fleet of " + fleet + " needs as many scored sensors, got "
                        + scored.length);
            }
            SplittableRandom rng = new SplittableRandom(seed);
            double[] out = new double[draws];
            for (int d = 0; d < draws; d++) {
                int[] pool = scored.clone();
                int hit = 0;
                int count = 0;
                for (int k = 0; k < fleet; k++) {
                    int j = k + rng.nextInt(pool.length - k);
                    int s = pool[j];
                    pool[j] = pool[k];
                    pool[k] = s;
                    hit += hits[s];
                    count += counts[s];
                }
                out[d] = (double) hit / count;
            }
            Arrays.sort(out);
            return out;
        }

        /** The points whose sensor had revealing windows ({@code withRevealing}) or had none. */
        public Points tier(boolean withRevealing) {
            List<Integer> keep = new ArrayList<>();
            for (int i = 0; i < parts.length; i++) {
                if ((parts[i].revealing() != null) == withRevealing) {
                    keep.add(i);
                }
            }
            return new Points(keep.stream().map(i -> parts[i]).toArray(SensorLevelPosterior.Parts[]::new),
                    keep.stream().mapToDouble(i -> truth[i]).toArray(), keep.stream().mapToInt(i -> sensor[i]).toArray());
        }
    }

    /**
     * How the streams app cuts and fuses (its settings' defaults); {@code revealGate} the free swing a window needs
     * to count as revealing (0: every window counts, one tier); {@code walkPerSample} the revealed estimate's
     * random-walk relative variance per sample (0: it never ages); {@code range} the prior range of z_p, which
     * the published interval is clipped to and at whose bounds a window is pinned.
     */
    public record Fusion(int length, int hop, int contextWindows, double dtSeconds, double forgetting, int capacity,
                         double minSeconds, double revealGate, double walkPerSample, PriorRange range) {
    }

    /** One simulated window as the streams app keeps it. */
    private record TwinWindow(long sequence, double[] mean, double[] std, double swing, double forced,
                              double forcedStd) implements WindowPosterior {
        @Override
        public boolean faulty() {
            return false; // the twin's sensors have no faults
        }
    }

    private IntervalCalibrationFit() {
    }

    /** The sensor-level points of {@code sensors} under {@code model}. */
    public static Points points(HybridModel model, List<TwinPopulation.Sensor> sensors, Fusion f, double bound) {
        int every = f.length() / f.hop();
        LiveWindows w = LiveWindows.cut(sensors, f.length(), f.hop(), f.contextWindows(), every, bound);
        int n = w.size();
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            Inference inf = model.infer(Arrays.copyOfRange(w.queries(), from, to),
                    Arrays.copyOfRange(w.contexts(), from, to), 0);
            for (int i = from; i < to; i++) {
                mean[i] = inf.physicsMean()[i - from][0];
                std[i] = inf.physicsStd()[i - from][0];
            }
        }
        IntervalCalibration gate = new IntervalCalibration(0, f.range(), 0, f.revealGate());
        List<SensorLevelPosterior.Parts> parts = new ArrayList<>();
        List<Double> truth = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        Deque<TwinWindow> fused = new ArrayDeque<>();
        Deque<TwinWindow> revealing = new ArrayDeque<>();
        int current = -1;
        double forcingHz = Double.NaN;
        for (int i = 0; i < n; i++) {
            if (w.sensor()[i] != current) {
                current = w.sensor()[i];
                fused.clear();
                revealing.clear();
                forcingHz = Double.NaN;
            }
            TwinPopulation.Sensor sensor = sensors.get(current);
            long sequence = w.end()[i] - 1;
            double[] forced = UNMEASURED;
            if (f.revealGate() > 0 && !sensor.driveOffIn(w.end()[i] - f.length(), w.end()[i])) {
                forcingHz = forcingHz(w.contexts()[i], w.end()[i] - f.length(), f, forcingHz);
                if (Double.isFinite(forcingHz)) {
                    forced = ForcedSwing.amplitude(w.queries()[i], 0, f.dtSeconds(), forcingHz);
                }
            }
            TwinWindow window = new TwinWindow(sequence, new double[]{mean[i]}, new double[]{std[i]},
                    f.revealGate() > 0 ? FreeSwing.of(w.queries()[i], 0) : Double.NaN, forced[0], forced[1]);
            push(fused, window, f.capacity());
            if (SensorLevelPosterior.reveals(window, gate)) {
                push(revealing, window, f.capacity());
            }
            if (w.end()[i] * f.dtSeconds() < f.minSeconds()) {
                continue;
            }
            parts.add(SensorLevelPosterior.of(fused, revealing, 1, sequence, f.range(), f.revealGate() > 0,
                    f.forgetting(), f.walkPerSample(), -1));
            truth.add(w.truth()[i]);
            owner.add(current);
        }
        return new Points(parts.toArray(new SensorLevelPosterior.Parts[0]),
                truth.stream().mapToDouble(Double::doubleValue).toArray(),
                owner.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The sensor's forcing frequency as the streams app keeps it: the one its context windows show when the forcing
     * stands clear of their noise, else the one kept from before ({@code kept}; NaN: never seen).
     */
    private static double forcingHz(double[][][] contexts, int queryStart, Fusion f, double kept) {
        long[] starts = new long[contexts.length];
        int first = (queryStart / f.length() - contexts.length) * f.length();
        for (int j = 0; j < contexts.length; j++) {
            starts[j] = first + (long) j * f.length();
        }
        ForcedSwing.Forcing forcing = ForcedSwing.forcing(contexts, starts, 0, f.dtSeconds());
        return forcing.clear() ? forcing.hz() : kept;
    }

    private static void push(Deque<TwinWindow> windows, TwinWindow window, int capacity) {
        windows.addLast(window);
        while (windows.size() > capacity) {
            windows.removeFirst();
        }
    }

    /** The smallest b whose clipped intervals hold the truth at {@value #COVERAGE} of {@code points} (one tier). */
    public static IntervalCalibration fit(Points points, PriorRange range) {
        return new IntervalCalibration(systematic(points, b -> new IntervalCalibration(b, range)), range);
    }

    /**
     * The calibration under {@code revealGate}: b of the unrevealed tier, the smallest for which {@value #COVERAGE}
     * of the points without revealing windows hold the truth, then b of the revealed tier, the smallest for which
     * {@value #COVERAGE} of the others do under that; a tier without points takes the b of all points (there is
     * nothing to fit it on). One tier when the gate is 0.
     */
    public static IntervalCalibration fit(Points points, PriorRange range, double revealGate) {
        if (revealGate <= 0) {
            return fit(points, range);
        }
        Points revealed = points.tier(true);
        Points unrevealed = points.tier(false);
        if (revealed.size() == 0 || unrevealed.size() == 0) {
            double b = systematic(points, x -> new IntervalCalibration(x, range, x, revealGate));
            return new IntervalCalibration(b, range, b, revealGate);
        }
        double bUnrevealed = systematic(unrevealed, x -> new IntervalCalibration(x, range, x, revealGate));
        double b = systematic(revealed, x -> new IntervalCalibration(x, range, bUnrevealed, revealGate));
        return new IntervalCalibration(b, range, bUnrevealed, revealGate);
    }

    private static double systematic(Points points, DoubleFunction<IntervalCalibration> calibration) {
        if (points.size() == 0) {
            throw new IllegalArgumentException("no sensor-level points to calibrate on: the calibration sensors "
                    + "must run longer than the first minute plus the context windows");
        }
        if (points.coverage(calibration.apply(0)) >= COVERAGE) {
            return 0;
        }
        double lo = 0;
        double hi = MAX_SYSTEMATIC;
        for (int i = 0; i < 40; i++) {
            double mid = (lo + hi) / 2;
            if (points.coverage(calibration.apply(mid)) >= COVERAGE) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** One line for logs and reports. */
    public static String summary(String label, Points p, IntervalCalibration before, IntervalCalibration after) {
        Points r = p.tier(true);
        return String.format(Locale.ROOT, "%s: %d sensor-level points of %d sensors, rel. error %.1f %%, 95 %% "
                        + "coverage %.3f uncalibrated, %.3f with b = %.4f (unrevealed %.4f, gate %.3f); points with "
                        + "revealing windows %d, rel. error %.1f %%, coverage %.3f", label, p.size(),
                Arrays.stream(p.sensor()).distinct().count(), 100 * p.relativeError(after), p.coverage(before),
                p.coverage(after), after.systematic(), after.systematicUnrevealed(), after.revealGate(), r.size(),
                100 * r.relativeError(after), r.coverage(after));
    }
}
