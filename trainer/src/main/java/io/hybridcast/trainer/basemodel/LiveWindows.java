package io.hybridcast.trainer.basemodel;

import io.hybridcast.avro.SystemKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Windows cut from simulated sensors as the streams app cuts a live sensor's stream (docs/streams-app.md;
 * settings {@code <system>.window.length}, {@code .hop}, {@code .context.windows}): a query window of the
 * newest {@code length} samples every {@code hop} samples, and as context the sensor's last {@code k} complete,
 * disjoint windows, aligned on multiples of {@code length} since the stream began. The streams app forecasts
 * only once {@code k} context windows are complete. The context here ends where the query starts (the query is
 * never its own context, as in training; issue 11 notes a train/serve skew the streams app has there). Windows
 * beyond {@link #readingBound} are left out.
 *
 * @param queries  [N][length][C] query windows (rows shared with the sensor's samples)
 * @param contexts [N][k][length][C] their context windows
 * @param sensor   [N] index of each query's sensor
 * @param truth    [N] the sensor's true z_p
 * @param end      [N] sample index (exclusive) at which each query ends, counted from the sensor's first sample
 */
public record LiveWindows(double[][][] queries, double[][][][] contexts, int[] sensor, double[] truth, int[] end) {

    /** Number of query windows. */
    public int size() {
        return queries.length;
    }

    /**
     * Live-style windows of {@code sensors}: every {@code every}-th hop's query (1 = every hop, as served).
     */
    public static LiveWindows cut(List<TwinPopulation.Sensor> sensors, int length, int hop, int k, int every,
                                  double bound) {
        List<double[][]> queries = new ArrayList<>();
        List<double[][][]> contexts = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        List<Double> truth = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (int s = 0; s < sensors.size(); s++) {
            double[][] samples = sensors.get(s).samples();
            int hops = 0;
            // a query ends at sample `end` (exclusive) every hop once k complete context windows precede it
            for (int end = length; end <= samples.length; end += hop) {
                int start = end - length;
                int completeBefore = start / length;
                if (completeBefore < k) {
                    continue;
                }
                if (hops++ % every != 0 || !within(samples, (completeBefore - k) * length, end, bound)) {
                    continue;
                }
                double[][][] context = new double[k][][];
                for (int j = 0; j < k; j++) {
                    int from = (completeBefore - k + j) * length;
                    context[j] = Arrays.copyOfRange(samples, from, from + length);
                }
                queries.add(Arrays.copyOfRange(samples, start, end));
                contexts.add(context);
                owner.add(s);
                truth.add(sensors.get(s).physics());
                ends.add(end);
            }
        }
        return new LiveWindows(queries.toArray(new double[0][][]), contexts.toArray(new double[0][][][]),
                owner.stream().mapToInt(Integer::intValue).toArray(),
                truth.stream().mapToDouble(Double::doubleValue).toArray(),
                ends.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Training windows: {@code length} samples every {@code hop} samples of each sensor, a sensor being a task
     * (the trainer draws each query's context from the same task), with the sensor's z_p as the target.
     */
    public static Training training(List<TwinPopulation.Sensor> sensors, int length, int hop, double bound) {
        List<double[][]> windows = new ArrayList<>();
        List<Integer> tasks = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        for (int s = 0; s < sensors.size(); s++) {
            double[][] samples = sensors.get(s).samples();
            for (int start = 0; start + length <= samples.length; start += hop) {
                if (!within(samples, start, start + length, bound)) {
                    continue;
                }
                windows.add(Arrays.copyOfRange(samples, start, start + length));
                tasks.add(s);
                targets.add(sensors.get(s).physics());
            }
        }
        return new Training(windows.toArray(new double[0][][]), tasks.stream().mapToInt(Integer::intValue).toArray(),
                targets.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The largest reading a window may hold to be used: a pendulum that has gone over the top and keeps
     * rotating winds its (unwrapped) angle up to hundreds of radians, a motion the model is not meant for and
     * whose squared errors overflow float32 training; such windows are left out (counted in the report by
     * their absence). Infinite for the advection-diffusion line, whose readings stay small.
     */
    public static double readingBound(SystemKind system) {
        return system == SystemKind.ADVECTION_DIFFUSION ? Double.POSITIVE_INFINITY : 2 * Math.PI;
    }

    private static boolean within(double[][] samples, int from, int to, double bound) {
        for (int t = from; t < to; t++) {
            for (double v : samples[t]) {
                if (Math.abs(v) > bound) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Training windows with their task ids and known z_p. */
    public record Training(double[][][] windows, int[] taskIds, double[] targets) {
        /** Number of windows. */
        public int size() {
            return windows.length;
        }
    }
}
