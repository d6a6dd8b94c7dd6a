package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A sensor's few-shot context set, one value per sensor in {@link StoreNames#CONTEXT_SETS}: its last K + 1
 * complete, disjoint windows of raw samples, each with its per-window embedding, and the pooled embedding
 * (sum and count of the K newest windows other than the query) that conditions the model's prior.
 *
 * <p>Raw windows are kept next to the embeddings because an embedding belongs to one model version: when no
 * model is loaded yet, or after a hot swap, the embeddings are (re)computed from the raw windows, so the
 * context gathered while waiting is not lost.
 */
public final class ContextSet {

    /** One complete context window. */
    public static final class Window {
        public long firstSequence;
        /** Samples, [time][channel]. */
        public double[][] samples;
        /** Per-window embedding under {@link #embeddingVersion}; empty when not computed yet. */
        public double[] embedding = new double[0];
        public long embeddingVersion = -1;

        public Window(long firstSequence, double[][] samples) {
            this.firstSequence = firstSequence;
            this.samples = samples;
        }
    }

    public final List<Window> windows = new ArrayList<>();
    /** Sum of the windows' embeddings under {@link #pooledVersion}; empty when not computed. */
    public double[] pooledSum = new double[0];
    public int pooledCount;
    public long pooledVersion = -1;

    /** Adds a complete window, evicting the oldest beyond {@code capacity} (the pooled sum is recomputed per query). */
    public void add(Window window, int capacity) {
        windows.add(window);
        while (windows.size() > capacity) {
            windows.remove(0);
        }
    }

    /** Windows whose embedding is missing or from another model version. */
    public List<Window> stale(long modelVersion) {
        List<Window> stale = new ArrayList<>();
        for (Window w : windows) {
            if (w.embeddingVersion != modelVersion) {
                stale.add(w);
            }
        }
        return stale;
    }

    /**
     * Pools the context of a query window starting at {@code queryFirstSequence}: the sum and count of the
     * embeddings (under {@code modelVersion}) of the newest {@code k} windows other than the query itself.
     *
     * <p>Why without the query: every {@code windowLength / hop}-th hop the query window is exactly the newest
     * context window (both end on the same sample). Counting it in the context as well would condition the
     * posterior on the query twice, while training conditions each query on a context that excludes it: a
     * train/serve skew. The set therefore keeps K + 1 windows, so that a query that is its newest window still
     * has K others. Recomputing the sum from at most K + 1 windows is cheap and exact (no drift of a long
     * running sum).
     */
    public void pool(long modelVersion, long queryFirstSequence, int k) {
        pooledVersion = modelVersion;
        Pooled pooled = pooled(modelVersion, k, w -> w.firstSequence == queryFirstSequence);
        pooledSum = pooled.sum();
        pooledCount = pooled.count();
    }

    /** A sum of embeddings and how many windows it holds. */
    record Pooled(double[] sum, int count) {
    }

    /** The newest {@code k} embeddings of {@code modelVersion}, summed, leaving out the windows {@code skip} names. */
    Pooled pooled(long modelVersion, int k, java.util.function.Predicate<Window> skip) {
        double[] sum = null;
        int count = 0;
        for (int i = windows.size() - 1; i >= 0 && count < k; i--) {
            Window w = windows.get(i);
            if (w.embeddingVersion != modelVersion || skip.test(w)) {
                continue;
            }
            if (sum == null) {
                sum = new double[w.embedding.length];
            }
            for (int j = 0; j < sum.length; j++) {
                sum[j] += w.embedding[j];
            }
            count++;
        }
        return new Pooled(sum == null ? new double[0] : sum, count);
    }

    /**
     * Format 2: each window's samples as one block ({@link StateSerde#writeRows}: a count and one width, then the
     * values), 8 bytes a value instead of 12 (format 1 wrote a length before every sample); the set is rewritten
     * whole at every new window, K + 1 windows of raw samples. Format 1 is still read.
     */
    public static final StateSerde<ContextSet> SERDE = new StateSerde<>("context set", 2, 1,
            ContextSet::write, ContextSet::read);

    private static void write(ContextSet c, DataOutputStream out) throws IOException {
        out.writeInt(c.windows.size());
        for (Window w : c.windows) {
            out.writeLong(w.firstSequence);
            StateSerde.writeRows(out, java.util.Arrays.asList(w.samples));
            StateSerde.writeDoubles(out, w.embedding);
            out.writeLong(w.embeddingVersion);
        }
        StateSerde.writeDoubles(out, c.pooledSum);
        out.writeInt(c.pooledCount);
        out.writeLong(c.pooledVersion);
    }

    private static ContextSet read(DataInputStream in, int version) throws IOException {
        ContextSet c = new ContextSet();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long first = in.readLong();
            int length = in.readInt();
            double[][] samples;
            if (version >= 2) {
                samples = StateSerde.readRows(in, length);
            } else {
                samples = new double[length][];
                for (int t = 0; t < length; t++) {
                    samples[t] = StateSerde.readDoubles(in);
                }
            }
            Window w = new Window(first, samples);
            w.embedding = StateSerde.readDoubles(in);
            w.embeddingVersion = in.readLong();
            c.windows.add(w);
        }
        c.pooledSum = StateSerde.readDoubles(in);
        c.pooledCount = in.readInt();
        c.pooledVersion = in.readLong();
        return c;
    }
}
