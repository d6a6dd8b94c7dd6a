package io.hybridcast.streams.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sensor's newest samples, oldest first, at most one window: the query window in the making. A ring of arrays, so
 * that the checks' look-back ({@link #previous}: the noise check's predictor reads the 6 newest samples at every
 * reading) is a subscript, not a walk from the newest end.
 */
public final class RecentSamples {

    private double[][] ring = new double[8][];
    /** Index of the oldest sample in {@link #ring}. */
    private int head;
    private int size;

    /** Appends a sample, dropping the oldest beyond {@code capacity}. */
    void add(double[] sample, int capacity) {
        if (size == ring.length && size < capacity) {
            grow();
        }
        if (size < ring.length) {
            ring[(head + size) % ring.length] = sample;
            size++;
        } else {
            ring[head] = sample; // full at capacity: the newest takes the oldest's place
            head = (head + 1) % ring.length;
        }
        while (size > capacity) {
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
    }

    private void grow() {
        double[][] bigger = new double[ring.length * 2][];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }

    /** Forgets every sample (after a gap the window starts afresh). */
    void clear() {
        Arrays.fill(ring, null);
        head = 0;
        size = 0;
    }

    public int size() {
        return size;
    }

    /** The sample at {@code i}, oldest first (0 = the oldest). */
    private double[] at(int i) {
        int j = head + i; // below twice the ring's length: a subtraction, not a division
        return ring[j < ring.length ? j : j - ring.length];
    }

    /** The newest {@code n} samples as a [time][channel] array (n must be at most {@link #size()}). */
    public double[][] newest(int n) {
        double[][] out = new double[n][];
        int skip = size - n;
        for (int i = 0; i < n; i++) {
            out[i] = at(skip + i).clone();
        }
        return out;
    }

    /** The sample {@code back} places before the newest (0 = the newest), or null. */
    public double[] previous(int back) {
        return back >= size ? null : at(size - 1 - Math.max(0, back));
    }

    /** The sample at {@code i}, oldest first, shared (package: the state's writer compares windows with it). */
    double[] get(int i) {
        return at(i);
    }

    /**
     * The samples, oldest first, as one block ({@link StateSerde#writeRows}'s bytes), read straight from the ring: the
     * state is written at almost every reading at real time, and a list of the samples made for it, with a modulo
     * per sample, was a fifth of the write's time (JFR).
     */
    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        int first = Math.min(size, ring.length - head);
        StateSerde.writeRows(out, ring, head, first, ring, 0, size - first);
    }

    /** The samples, oldest first (a copy of the list; the arrays are shared and must not be changed). */
    public List<double[]> asList() {
        List<double[]> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(at(i));
        }
        return out;
    }
}
