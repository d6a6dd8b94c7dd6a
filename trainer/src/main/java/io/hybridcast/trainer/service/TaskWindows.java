package io.hybridcast.trainer.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Windows cut from a readings snapshot, a sensor being a task: each window is {@code length} consecutive
 * samples (no sequence gap inside), windows start every {@code hop} samples. The newest fraction of each
 * sensor's samples is held out for scoring, so a candidate is judged on data it did not see.
 *
 * @param windows    [N][length][C]
 * @param taskIds    [N] sensor index of each window
 * @param sequences  [N] sequence number of each window's first sample
 * @param sensors    sensor ids, by task index
 */
public record TaskWindows(double[][][] windows, int[] taskIds, long[] sequences, List<String> sensors) {

    /** Number of windows. */
    public int size() {
        return windows.length;
    }

    /** A training part and a held-out part of one snapshot. */
    public record Split(TaskWindows train, TaskWindows heldOut) {
    }

    /**
     * Cuts windows of {@code trainLength} samples from the older part of each sensor's series and windows of
     * {@code heldOutLength} samples (window + forecast horizon) from its newest {@code heldOutFraction}.
     */
    public static Split cut(ReadingsSnapshot snapshot, int trainLength, int heldOutLength, int hop,
                            double heldOutFraction) {
        List<double[][]> train = new ArrayList<>();
        List<Integer> trainTasks = new ArrayList<>();
        List<Long> trainSeq = new ArrayList<>();
        List<double[][]> held = new ArrayList<>();
        List<Integer> heldTasks = new ArrayList<>();
        List<Long> heldSeq = new ArrayList<>();
        List<String> sensors = new ArrayList<>(snapshot.series().keySet());
        for (int task = 0; task < sensors.size(); task++) {
            String sensor = sensors.get(task);
            List<double[]> samples = snapshot.series().get(sensor);
            long[] sequences = snapshot.sequences().get(sensor);
            int split = (int) Math.floor(samples.size() * (1 - heldOutFraction));
            addWindows(samples, sequences, 0, split, trainLength, hop, task, train, trainTasks, trainSeq);
            addWindows(samples, sequences, split, samples.size(), heldOutLength, hop, task, held, heldTasks, heldSeq);
        }
        return new Split(of(train, trainTasks, trainSeq, sensors), of(held, heldTasks, heldSeq, sensors));
    }

    private static void addWindows(List<double[]> samples, long[] sequences, int from, int to, int length, int hop,
                                   int task, List<double[][]> out, List<Integer> tasks, List<Long> starts) {
        for (int start = from; start + length <= to; start += hop) {
            if (sequences[start + length - 1] - sequences[start] != length - 1) {
                continue; // a dropout inside: not a contiguous window
            }
            double[][] window = new double[length][];
            for (int t = 0; t < length; t++) {
                window[t] = samples.get(start + t);
            }
            out.add(window);
            tasks.add(task);
            starts.add(sequences[start]);
        }
    }

    private static TaskWindows of(List<double[][]> windows, List<Integer> tasks, List<Long> starts,
                                  List<String> sensors) {
        return new TaskWindows(windows.toArray(new double[0][][]), tasks.stream().mapToInt(Integer::intValue).toArray(),
                starts.stream().mapToLong(Long::longValue).toArray(), sensors);
    }

    /** Per task, the windows of that task (for context sets). */
    public Map<Integer, List<Integer>> byTask() {
        Map<Integer, List<Integer>> out = new java.util.TreeMap<>();
        for (int i = 0; i < taskIds.length; i++) {
            out.computeIfAbsent(taskIds[i], k -> new ArrayList<>()).add(i);
        }
        return out;
    }
}
