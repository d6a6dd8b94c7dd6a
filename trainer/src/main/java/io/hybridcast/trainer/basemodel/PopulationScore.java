package io.hybridcast.trainer.basemodel;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.physics.PriorRange;

import java.util.Arrays;

/**
 * How well a model reads z_p of simulated sensors from live-style windows ({@link LiveWindows}), scored against
 * the twin's known parameters (simulated population data, not the live fleet): the mean relative error per
 * window, and per sensor after fusing its windows (the mean of its window estimates, as the streams app fuses a
 * sensor's windows into one estimate; and precision-weighted by the head's own variances), over all sensors and
 * over those inside {@code liveRange} (the simulator's range, from which the live fleet is drawn).
 *
 * @param windows              query windows scored
 * @param sensors              sensors scored
 * @param windowRelErr         mean |ẑ − z| / z over windows
 * @param sensorRelErr         mean over sensors of |mean of the sensor's ẑ − z| / z
 * @param sensorRelErrWeighted the same with a precision-weighted mean of the sensor's ẑ
 * @param liveRangeWindowRelErr windowRelErr over sensors with z in the live range
 * @param liveRangeSensorRelErr sensorRelErr over sensors with z in the live range
 * @param atBound              share of window estimates within 1e-4 of the width of a prior bound
 */
public record PopulationScore(int windows, int sensors, double windowRelErr, double sensorRelErr,
                              double sensorRelErrWeighted, double liveRangeWindowRelErr,
                              double liveRangeSensorRelErr, double atBound) {

    /** Windows per inference call. */
    private static final int BATCH = 256;

    /** Scores {@code model} on {@code data}; {@code liveRange} selects the sensors of the live fleet's range. */
    public static PopulationScore of(HybridModel model, LiveWindows data, PriorRange liveRange) {
        int n = data.size();
        double[] estimate = new double[n];
        double[] variance = new double[n];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            Inference inf = model.infer(Arrays.copyOfRange(data.queries(), from, to),
                    Arrays.copyOfRange(data.contexts(), from, to), 0);
            for (int i = from; i < to; i++) {
                estimate[i] = inf.physicsMean()[i - from][0];
                double std = inf.physicsStd()[i - from][0];
                variance[i] = Math.max(std * std, 1e-12);
            }
        }
        int sensors = Arrays.stream(data.sensor()).max().orElse(-1) + 1;
        double[] sum = new double[sensors];
        double[] weightedSum = new double[sensors];
        double[] precision = new double[sensors];
        int[] count = new int[sensors];
        double[] truth = new double[sensors];
        double windowErr = 0;
        double liveWindowErr = 0;
        int liveWindows = 0;
        int atBound = 0;
        double lo = model.spec().physicsMin();
        double hi = model.spec().physicsMax();
        double tol = 1e-4 * (hi - lo);
        for (int i = 0; i < n; i++) {
            int s = data.sensor()[i];
            double err = Math.abs(estimate[i] - data.truth()[i]) / data.truth()[i];
            windowErr += err;
            if (liveRange.contains(data.truth()[i])) {
                liveWindowErr += err;
                liveWindows++;
            }
            if (estimate[i] <= lo + tol || estimate[i] >= hi - tol) {
                atBound++;
            }
            sum[s] += estimate[i];
            weightedSum[s] += estimate[i] / variance[i];
            precision[s] += 1 / variance[i];
            count[s]++;
            truth[s] = data.truth()[i];
        }
        double sensorErr = 0;
        double weightedErr = 0;
        double liveSensorErr = 0;
        int scored = 0;
        int liveSensors = 0;
        for (int s = 0; s < sensors; s++) {
            if (count[s] == 0) {
                continue;
            }
            double err = Math.abs(sum[s] / count[s] - truth[s]) / truth[s];
            sensorErr += err;
            weightedErr += Math.abs(weightedSum[s] / precision[s] - truth[s]) / truth[s];
            scored++;
            if (liveRange.contains(truth[s])) {
                liveSensorErr += err;
                liveSensors++;
            }
        }
        return new PopulationScore(n, scored, windowErr / n, sensorErr / scored, weightedErr / scored,
                liveWindows == 0 ? Double.NaN : liveWindowErr / liveWindows,
                liveSensors == 0 ? Double.NaN : liveSensorErr / liveSensors, (double) atBound / n);
    }

    /** One line for logs and reports. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "rel. error per window %.1f %%, per sensor %.1f %% (precision-"
                        + "weighted %.1f %%); live range: per window %.1f %%, per sensor %.1f %%; %d windows of %d "
                        + "sensors, %.1f %% on a bound", 100 * windowRelErr, 100 * sensorRelErr,
                100 * sensorRelErrWeighted, 100 * liveRangeWindowRelErr, 100 * liveRangeSensorRelErr, windows, sensors,
                100 * atBound);
    }
}
