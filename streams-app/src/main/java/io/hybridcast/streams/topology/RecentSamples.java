package io.hybridcast.streams.topology;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A sensor's newest samples, oldest first, at most one window: the query window in the making. */
public final class RecentSamples {

    private final Deque<double[]> samples = new ArrayDeque<>();

    /** Appends a sample, dropping the oldest beyond {@code capacity}. */
    void add(double[] sample, int capacity) {
        samples.addLast(sample);
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    /** Forgets every sample (after a gap the window starts afresh). */
    void clear() {
        samples.clear();
    }

    public int size() {
        return samples.size();
    }

    /** The newest {@code n} samples as a [time][channel] array (n must be at most {@link #size()}). */
    public double[][] newest(int n) {
        double[][] out = new double[n][];
        int skip = samples.size() - n;
        int i = 0;
        for (double[] sample : samples) {
            if (skip-- > 0) {
                continue;
            }
            out[i++] = sample.clone();
        }
        return out;
    }

    /** The sample {@code back} places before the newest (0 = the newest), or null. */
    public double[] previous(int back) {
        if (samples.size() <= back) {
            return null;
        }
        var it = samples.descendingIterator();
        for (int i = 0; i < back; i++) {
            it.next();
        }
        return it.next();
    }

    /** The samples, oldest first (a copy of the list; the arrays are shared and must not be changed). */
    public List<double[]> asList() {
        return new ArrayList<>(samples);
    }
}
