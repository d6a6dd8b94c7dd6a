package io.hybridcast.trainer.basemodel;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
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
 * are simulated, never the live fleet's).
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
     */
    public record Points(double[] mean, double[] std, double[] windows, double[] truth, int[] sensor) {

        /** Number of points. */
        public int size() {
            return mean.length;
        }

        /** Share of the points whose interval under {@code c} holds the truth. */
        public double coverage(IntervalCalibration c) {
            int hit = 0;
            for (int i = 0; i < mean.length; i++) {
                RandomEffects.Estimate e = c.apply(new RandomEffects.Estimate(mean[i], std[i], Double.NaN,
                        Double.NaN, windows[i], 0));
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
    }

    /** How the streams app cuts and fuses (its settings' defaults). */
    public record Fusion(int length, int hop, int contextWindows, double dtSeconds, double forgetting, int capacity,
                         double minSeconds) {
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
        int current = -1;
        for (int i = 0; i < n; i++) {
            if (w.sensor()[i] != current) {
                current = w.sensor()[i];
                fused.clear();
            }
            fused.addLast(new double[]{mean[i], std[i]});
            while (fused.size() > f.capacity()) {
                fused.removeFirst();
            }
            if (w.end()[i] * f.dtSeconds() < f.minSeconds()) {
                continue;
            }
            int k = fused.size();
            double[] means = new double[k];
            double[] stds = new double[k];
            double[] weights = new double[k];
            double weight = 1;
            int j = k - 1;
            for (var it = fused.descendingIterator(); it.hasNext(); j--, weight *= f.forgetting()) {
                double[] m = it.next();
                means[j] = m[0];
                stds[j] = m[1];
                weights[j] = weight;
            }
            RandomEffects.Estimate e = RandomEffects.fuse(means, stds, weights);
            out.add(new double[]{e.mean(), e.std(), e.effectiveWindows(), w.truth()[i], current});
        }
        return new Points(out.stream().mapToDouble(p -> p[0]).toArray(), out.stream().mapToDouble(p -> p[1]).toArray(),
                out.stream().mapToDouble(p -> p[2]).toArray(), out.stream().mapToDouble(p -> p[3]).toArray(),
                out.stream().mapToInt(p -> (int) p[4]).toArray());
    }

    /** The smallest b whose clipped intervals hold the truth at {@value #COVERAGE} of {@code points}. */
    public static IntervalCalibration fit(Points points, PriorRange range) {
        if (points.size() == 0) {
            throw new IllegalArgumentException("no sensor-level points to calibrate on: the calibration sensors "
                    + "must run longer than the first minute plus the context windows");
        }
        if (points.coverage(new IntervalCalibration(0, range)) >= COVERAGE) {
            return new IntervalCalibration(0, range);
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
        return new IntervalCalibration(hi, range);
    }

    /** One line for logs and reports. */
    public static String summary(String label, Points p, IntervalCalibration before, IntervalCalibration after) {
        return String.format(Locale.ROOT, "%s: %d sensor-level points of %d sensors, rel. error %.1f %%, 95 %% "
                        + "coverage %.3f uncalibrated, %.3f with b = %.4f", label, p.size(),
                Arrays.stream(p.sensor()).distinct().count(), 100 * p.relativeError(), p.coverage(before),
                p.coverage(after), after.systematic());
    }
}
