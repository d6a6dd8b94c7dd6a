package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A sensor's few-shot context set, one value per sensor in {@link StoreNames#CONTEXT_SETS}: its last K
 * complete, disjoint windows of raw samples, each with its per-window embedding, and the pooled embedding
 * (running sum and count) that conditions the model's prior.
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

    /** Adds a complete window, evicting the oldest beyond {@code capacity} and taking it out of the pooled sum. */
    public void add(Window window, int capacity) {
        windows.add(window);
        while (windows.size() > capacity) {
            Window evicted = windows.remove(0);
            if (pooledVersion >= 0 && evicted.embeddingVersion == pooledVersion
                    && evicted.embedding.length == pooledSum.length) {
                for (int i = 0; i < pooledSum.length; i++) {
                    pooledSum[i] -= evicted.embedding[i];
                }
                pooledCount--;
            }
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
     * Brings the pooled sum up to date once every window has an embedding under {@code modelVersion}: adds new
     * windows to the running sum, or rebuilds it after a model change.
     */
    public void pool(long modelVersion) {
        if (pooledVersion != modelVersion) {
            pooledSum = new double[0];
            pooledCount = 0;
            pooledVersion = modelVersion;
        }
        // Recomputing the sum from the K windows is cheap and exact (no drift of a long running sum);
        // the count then equals the number of windows embedded under this version.
        double[] sum = null;
        int count = 0;
        for (Window w : windows) {
            if (w.embeddingVersion != modelVersion) {
                continue;
            }
            if (sum == null) {
                sum = new double[w.embedding.length];
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += w.embedding[i];
            }
            count++;
        }
        pooledSum = sum == null ? new double[0] : sum;
        pooledCount = count;
    }

    public static final StateSerde<ContextSet> SERDE = new StateSerde<>("context set", 1,
            ContextSet::write, ContextSet::read);

    private static void write(ContextSet c, DataOutputStream out) throws IOException {
        out.writeInt(c.windows.size());
        for (Window w : c.windows) {
            out.writeLong(w.firstSequence);
            out.writeInt(w.samples.length);
            for (double[] sample : w.samples) {
                StateSerde.writeDoubles(out, sample);
            }
            StateSerde.writeDoubles(out, w.embedding);
            out.writeLong(w.embeddingVersion);
        }
        StateSerde.writeDoubles(out, c.pooledSum);
        out.writeInt(c.pooledCount);
        out.writeLong(c.pooledVersion);
    }

    private static ContextSet read(DataInputStream in) throws IOException {
        ContextSet c = new ContextSet();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long first = in.readLong();
            int length = in.readInt();
            double[][] samples = new double[length][];
            for (int t = 0; t < length; t++) {
                samples[t] = StateSerde.readDoubles(in);
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
