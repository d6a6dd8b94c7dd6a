package io.hybridcast.trainer.basemodel;

import io.hybridcast.model.fusion.RandomEffects;
import io.hybridcast.model.line.DiffusionWindowFit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How well a {@link DiffusionWindowFit} gives the line's D on simulated sensors, cut and fused as the streams app
 * does a live sensor: disjoint windows aligned on multiples of the window length, each window's estimate fused
 * with the sensor's newest {@value #CAPACITY} (forgetting {@value #FORGETTING} per window, random effects), one
 * point per window once the sensor has run {@value #MIN_SECONDS} s. Windows with a jump carry no estimate (live
 * they keep the encoder's mean with the prior's spread, which weighs next to nothing).
 *
 * @param sensorRelErr        mean relative error of the fused D over the points
 * @param sensorRelErrByRange the same by the sensor's true D: below 0.02, 0.02-0.05, 0.05 and above
 * @param worstSensorRelErr   largest relative error of a sensor's final fused D
 * @param coverage95          share of the points whose fused (uncalibrated) 95 % interval holds the truth
 * @param windowMedianRelErr  median relative error of single windows
 * @param windowCoverage95    share of single windows whose mean ± t(18)·std holds the truth
 * @param points              number of points
 * @param windowsWithout      share of windows without an estimate (jumps)
 */
public record LineDiffusionScore(double sensorRelErr, double[] sensorRelErrByRange, double worstSensorRelErr,
                                 double coverage95, double windowMedianRelErr, double windowCoverage95, int points,
                                 double windowsWithout) {

    static final double MIN_SECONDS = 60;
    static final double FORGETTING = 0.95;
    static final int CAPACITY = 97;
    /** Student's 97.5 % quantile at the window fit's 18 degrees of freedom. */
    private static final double T18 = 2.101;
    private static final double[] EDGES = {0.02, 0.05};

    /** Scores {@code fit} on {@code sensors} with windows of {@code length} samples, {@code dt} s apart. */
    public static LineDiffusionScore of(DiffusionWindowFit fit, List<TwinPopulation.Sensor> sensors, int length,
                                        double dt) {
        double err = 0;
        double[] byRange = new double[EDGES.length + 1];
        int[] inRange = new int[EDGES.length + 1];
        double worst = 0;
        int covered = 0;
        int points = 0;
        List<Double> windowErr = new ArrayList<>();
        int windowCovered = 0;
        int without = 0;
        int windows = 0;
        for (TwinPopulation.Sensor s : sensors) {
            double truth = s.physics();
            int range = 0;
            while (range < EDGES.length && truth >= EDGES[range]) {
                range++;
            }
            Deque<double[]> recent = new ArrayDeque<>();
            RandomEffects.Estimate last = null;
            for (int end = length; end <= s.samples().length; end += length) {
                windows++;
                Optional<DiffusionWindowFit.Estimate> e = fit.fit(Arrays.copyOfRange(s.samples(), end - length, end));
                if (e.isEmpty()) {
                    without++;
                    continue;
                }
                double m = e.get().mean();
                windowErr.add(Math.abs(m - truth) / truth);
                if (Math.abs(m - truth) <= T18 * e.get().std()) {
                    windowCovered++;
                }
                recent.addLast(new double[]{m, e.get().std()});
                while (recent.size() > CAPACITY) {
                    recent.removeFirst();
                }
                if (end * dt < MIN_SECONDS) {
                    continue;
                }
                last = fuse(recent);
                double rel = Math.abs(last.mean() - truth) / truth;
                err += rel;
                byRange[range] += rel;
                inRange[range]++;
                points++;
                if (truth >= last.lower95() && truth <= last.upper95()) {
                    covered++;
                }
            }
            if (last != null) {
                worst = Math.max(worst, Math.abs(last.mean() - truth) / truth);
            }
        }
        for (int r = 0; r < byRange.length; r++) {
            byRange[r] = inRange[r] == 0 ? Double.NaN : byRange[r] / inRange[r];
        }
        double median = windowErr.isEmpty() ? Double.NaN
                : windowErr.stream().mapToDouble(Double::doubleValue).sorted().toArray()[windowErr.size() / 2];
        return new LineDiffusionScore(points == 0 ? Double.NaN : err / points, byRange, worst,
                points == 0 ? Double.NaN : (double) covered / points, median,
                windowErr.isEmpty() ? Double.NaN : (double) windowCovered / windowErr.size(), points,
                windows == 0 ? Double.NaN : (double) without / windows);
    }

    private static RandomEffects.Estimate fuse(Deque<double[]> recent) {
        int k = recent.size();
        double[] means = new double[k];
        double[] stds = new double[k];
        double[] weights = new double[k];
        double weight = 1;
        int j = k - 1;
        for (var it = recent.descendingIterator(); it.hasNext(); j--, weight *= FORGETTING) {
            double[] m = it.next();
            means[j] = m[0];
            stds[j] = m[1];
            weights[j] = weight;
        }
        return RandomEffects.fuse(means, stds, weights);
    }

    /** One line for logs and the operator's header. */
    public String summary() {
        return String.format(Locale.ROOT, "sensor-level rel. error %.2f %% (D < 0.02: %.2f %%, 0.02-0.05: %.2f %%, "
                        + ">= 0.05: %.2f %%; worst sensor %.1f %%), fused 95 %% coverage %.3f over %d points; single "
                        + "windows: median rel. error %.2f %%, 95 %% coverage %.3f, %.1f %% without an estimate",
                100 * sensorRelErr, 100 * sensorRelErrByRange[0], 100 * sensorRelErrByRange[1],
                100 * sensorRelErrByRange[2], 100 * worstSensorRelErr, coverage95, points, 100 * windowMedianRelErr,
                windowCoverage95, 100 * windowsWithout);
    }

    /** The scores as JSON-ready values. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sensorRelErr", sensorRelErr);
        m.put("sensorRelErrBelow0.02", sensorRelErrByRange[0]);
        m.put("sensorRelErr0.02to0.05", sensorRelErrByRange[1]);
        m.put("sensorRelErrFrom0.05", sensorRelErrByRange[2]);
        m.put("worstSensorRelErr", worstSensorRelErr);
        m.put("fusedCoverage95", coverage95);
        m.put("points", points);
        m.put("windowMedianRelErr", windowMedianRelErr);
        m.put("windowCoverage95", windowCoverage95);
        m.put("windowsWithoutEstimate", windowsWithout);
        return m;
    }
}
