package io.hybridcast.trainer.basemodel;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.fusion.FreeSwing;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.physics.PriorRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Fits a model's {@link IntervalCalibration} on simulated sensors of the digital twin, cut and fused exactly as
 * the streams app fuses a live sensor (docs/streams-app.md): the query of every {@code length/hop}-th hop (the
 * disjoint windows, the only ones a sensor's physics adds), its window posterior, and after each the random-
 * effects fusion of the sensor's newest {@code capacity} windows with {@code forgetting} per window. Every fused
 * estimate from {@code minSeconds} of the sensor's stream on (the live score's "after the first minute") is one
 * calibration point; b is the smallest systematic relative std for which 95 % of the points' clipped intervals
 * hold the sensor's true z_p (a conformal choice over the points; the sensors' truths are known because they
 * are simulated, never the live fleet's). With a reveal gate the fusion is the streams app's two-tier one
 * ({@link IntervalCalibration}): a point is fused from its sensor's revealing windows when there are any, and
 * each tier gets its own b, fitted on its own points.
 */
public final class IntervalCalibrationFit {

    /** Target coverage. */
    static final double COVERAGE = 0.95;
    /** Largest b searched (a relative std of 500 %: the whole range for any of the systems). */
    private static final double MAX_SYSTEMATIC = 5;
    private static final int BATCH = 256;

    /**
     * The sensor-level points of a population.
     *
     * @param mean     fused mean per point
     * @param std      fused std per point
     * @param windows  effective windows per point
     * @param truth    the sensor's true z_p per point
     * @param sensor   the sensor's index per point
     * @param revealed whether each point was fused from revealing windows
     */
    public record Points(double[] mean, double[] std, double[] windows, double[] truth, int[] sensor,
                         boolean[] revealed) {

        /** Number of points. */
        public int size() {
            return mean.length;
        }

        /** Share of the points whose interval under {@code c} holds the truth. */
        public double coverage(IntervalCalibration c) {
            int hit = 0;
            for (int i = 0; i < mean.length; i++) {
                RandomEffects.Estimate e = c.apply(new RandomEffects.Estimate(mean[i], std[i], Double.NaN,
                        Double.NaN, windows[i], 0), revealed[i] || c.revealGate() <= 0);
                if (truth[i] >= e.lower95() && truth[i] <= e.upper95()) {
                    hit++;
                }
            }
            return mean.length == 0 ? Double.NaN : (double) hit / mean.length;
        }

        /** Mean relative error of the points' fused means. */
        public double relativeError() {
            double sum = 0;
            for (int i = 0; i < mean.length; i++) {
                sum += Math.abs(mean[i] - truth[i]) / truth[i];
            }
            return mean.length == 0 ? Double.NaN : sum / mean.length;
        }

        /** The points of one tier ({@code revealed} or not). */
        public Points tier(boolean ofRevealed) {
            int n = 0;
            for (boolean r : revealed) {
                n += r == ofRevealed ? 1 : 0;
            }
            Points p = new Points(new double[n], new double[n], new double[n], new double[n], new int[n],
                    new boolean[n]);
            for (int i = 0, k = 0; i < mean.length; i++) {
                if (revealed[i] == ofRevealed) {
                    p.mean[k] = mean[i];
                    p.std[k] = std[i];
                    p.windows[k] = windows[i];
                    p.truth[k] = truth[i];
                    p.sensor[k] = sensor[i];
                    p.revealed[k++] = ofRevealed;
                }
            }
            return p;
        }
    }

    /**
     * How the streams app cuts and fuses (its settings' defaults); {@code revealGate} the free swing a window needs
     * to count as revealing (0: every window counts, one tier).
     */
    public record Fusion(int length, int hop, int contextWindows, double dtSeconds, double forgetting, int capacity,
                         double minSeconds, double revealGate) {
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
        List<double[]> out = new ArrayList<>();
        Deque<double[]> fused = new ArrayDeque<>();
        Deque<double[]> revealing = new ArrayDeque<>();
        int current = -1;
        for (int i = 0; i < n; i++) {
            if (w.sensor()[i] != current) {
                current = w.sensor()[i];
                fused.clear();
                revealing.clear();
            }
            push(fused, new double[]{mean[i], std[i]}, f.capacity());
            if (f.revealGate() > 0
                    && IntervalCalibration.reveals(f.revealGate(), FreeSwing.of(w.queries()[i], 0), mean[i], std[i])) {
                push(revealing, new double[]{mean[i], std[i]}, f.capacity());
            }
            if (w.end()[i] * f.dtSeconds() < f.minSeconds()) {
                continue;
            }
            boolean revealed = !revealing.isEmpty();
            RandomEffects.Estimate e = fuse(revealed ? revealing : fused, f.forgetting());
            out.add(new double[]{e.mean(), e.std(), e.effectiveWindows(), w.truth()[i], current, revealed ? 1 : 0});
        }
        boolean[] revealed = new boolean[out.size()];
        for (int i = 0; i < revealed.length; i++) {
            revealed[i] = out.get(i)[5] == 1;
        }
        return new Points(out.stream().mapToDouble(p -> p[0]).toArray(), out.stream().mapToDouble(p -> p[1]).toArray(),
                out.stream().mapToDouble(p -> p[2]).toArray(), out.stream().mapToDouble(p -> p[3]).toArray(),
                out.stream().mapToInt(p -> (int) p[4]).toArray(), revealed);
    }

    private static void push(Deque<double[]> windows, double[] window, int capacity) {
        windows.addLast(window);
        while (windows.size() > capacity) {
            windows.removeFirst();
        }
    }

    /** Random-effects fusion of {@code windows} (newest last) with forgetting per window, as the streams app. */
    private static RandomEffects.Estimate fuse(Deque<double[]> windows, double forgetting) {
        int k = windows.size();
        double[] means = new double[k];
        double[] stds = new double[k];
        double[] weights = new double[k];
        double weight = 1;
        int j = k - 1;
        for (var it = windows.descendingIterator(); it.hasNext(); j--, weight *= forgetting) {
            double[] m = it.next();
            means[j] = m[0];
            stds[j] = m[1];
            weights[j] = weight;
        }
        return RandomEffects.fuse(means, stds, weights);
    }

    /** The smallest b whose clipped intervals hold the truth at {@value #COVERAGE} of {@code points}. */
    public static IntervalCalibration fit(Points points, PriorRange range) {
        return new IntervalCalibration(systematic(points, range), range);
    }

    /**
     * The two-tier calibration under {@code revealGate}: b of the revealed points and b of the others, each the
     * smallest for which {@value #COVERAGE} of its own tier's intervals hold the truth; a tier without points takes
     * the b of all points (there is nothing to fit it on). One tier when the gate is 0.
     */
    public static IntervalCalibration fit(Points points, PriorRange range, double revealGate) {
        if (revealGate <= 0) {
            return fit(points, range);
        }
        Points revealed = points.tier(true);
        Points unrevealed = points.tier(false);
        if (revealed.size() == 0 || unrevealed.size() == 0) {
            double b = systematic(points, range);
            return new IntervalCalibration(b, range, b, revealGate);
        }
        return new IntervalCalibration(systematic(revealed, range), range, systematic(unrevealed, range), revealGate);
    }

    private static double systematic(Points points, PriorRange range) {
        if (points.size() == 0) {
            throw new IllegalArgumentException("no sensor-level points to calibrate on: the calibration sensors "
                    + "must run longer than the first minute plus the context windows");
        }
        if (points.coverage(new IntervalCalibration(0, range)) >= COVERAGE) {
            return 0;
        }
        double lo = 0;
        double hi = MAX_SYSTEMATIC;
        for (int i = 0; i < 40; i++) {
            double mid = (lo + hi) / 2;
            if (points.coverage(new IntervalCalibration(mid, range)) >= COVERAGE) {
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
                        + "coverage %.3f uncalibrated, %.3f with b = %.4f (unrevealed %.4f, gate %.3f); revealed "
                        + "points %d, rel. error %.1f %%, coverage %.3f", label, p.size(),
                Arrays.stream(p.sensor()).distinct().count(), 100 * p.relativeError(), p.coverage(before),
                p.coverage(after), after.systematic(), after.systematicUnrevealed(), after.revealGate(), r.size(),
                100 * r.relativeError(), r.coverage(after));
    }
}
