package io.hybridcast.streams.topology;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A sensor's forecasts still awaiting their actuals, and the one owner of how they are stored: each forecast is an
 * immutable record keyed (sensor, first sequence) in {@link StoreNames#PENDING_ENTRIES} ({@link SequencedStore}),
 * written once when it is made and deleted once its last step has passed; beside them, per sensor, the small
 * scoring state that every actual changes ({@link ForecastScoring}, in {@link StoreNames#PENDING_FORECASTS}).
 * Each arriving reading is compared with the newest forecast that covers its sequence number.
 */
public final class PendingForecasts {

    /**
     * One issued forecast: steps {@code firstSequence ..} with mean and 95 % band per channel, and the newest value
     * it was made from ({@code last}: the persistence forecast it is scored against; empty in format 1), and the
     * model's own mean before {@link ForecastCalibration} combined it with persistence ({@code model}; the
     * published mean in formats 1 and 2).
     */
    public record Entry(long firstSequence, long modelVersion, double[][] mean, double[][] lower, double[][] upper,
                        double[] last, double[][] model) {
        public long lastSequence() {
            return firstSequence + mean.length - 1;
        }

        public boolean covers(long sequence) {
            return sequence >= firstSequence && sequence <= lastSequence();
        }
    }

    /**
     * One forecast per record. Format 5: each matrix (mean, band, the model's mean) as one block
     * ({@link StateSerde#writeRows}: a count, one width, the values) instead of a length per row, 4 bytes less per
     * step and matrix, in one packed write each. Format 4 (the entries that pending-forecasts values held before the
     * split, formats 1 to 4 of those) is still read.
     */
    public static final StateSerde<Entry> ENTRY_SERDE = new StateSerde<>("pending forecast", 5, 4,
            PendingForecasts::writeEntry, (in, version) -> version >= 5 ? readPacked(in) : readEntry(in, version));

    private final SequencedStore<Entry> entries;
    private final WriteBehindStore<ForecastScoring> scoring;

    PendingForecasts(SequencedStore<Entry> entries, WriteBehindStore<ForecastScoring> scoring) {
        this.entries = entries;
        this.scoring = scoring;
    }

    /** The forecasts of {@code sensorId} in {@code store} (a query's view of the entries), oldest first. */
    public static List<Entry> of(ReadOnlyKeyValueStore<String, Entry> store, String sensorId) {
        return SequencedStore.pointsOf(store, sensorId);
    }

    /** The sensor's pending forecasts, oldest first (read-only). */
    Collection<Entry> entries(String sensorId) {
        return entries.read(sensorId).values();
    }

    /** Whether the sensor has a pending forecast. */
    boolean hasEntries(String sensorId) {
        return !entries.cached(sensorId).isEmpty();
    }

    /**
     * Every forecast that has a step for this sequence, oldest first (the newest covering one is the last). One
     * look-up and one pass over the cached forecasts: this runs for every reading.
     */
    List<Entry> allCovering(String sensorId, long sequence) {
        List<Entry> out = new ArrayList<>(2);
        for (Entry e : entries.cached(sensorId).values()) {
            if (e.covers(sequence)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The newest forecast that has a step for this sequence, or null. */
    Entry newestCovering(String sensorId, long sequence) {
        List<Entry> covering = allCovering(sensorId, sequence);
        return covering.isEmpty() ? null : covering.get(covering.size() - 1);
    }

    /** The pending forecast whose first step is {@code firstSequence}, or null. */
    Entry startingAt(String sensorId, long firstSequence) {
        return entries.cached(sensorId).get(firstSequence);
    }

    /** Records a new forecast. */
    void add(String sensorId, Entry entry) {
        entries.put(sensorId, entry.firstSequence(), entry);
    }

    /** Deletes forecasts whose every step is at or before {@code sequence}. */
    void expireThrough(String sensorId, long sequence) {
        List<Long> done = null;
        for (Entry e : entries.cached(sensorId).values()) {
            if (e.lastSequence() <= sequence) {
                (done == null ? done = new ArrayList<>(2) : done).add(e.firstSequence());
            }
        }
        if (done != null) {
            done.forEach(first -> entries.delete(sensorId, first));
        }
    }

    /** Deletes every pending forecast of the sensor (its scoring state stays). */
    void clear(String sensorId) {
        entries.deleteAll(sensorId);
    }

    /** The sensor's scoring state (a fresh one for a new sensor). */
    ForecastScoring scoring(String sensorId) {
        ForecastScoring s = existingScoring(sensorId);
        return s == null ? new ForecastScoring() : s;
    }

    /**
     * The sensor's scoring state, or null before its first forecast. A value of before the split carries its
     * forecasts: they move to their own records here, once.
     */
    ForecastScoring existingScoring(String sensorId) {
        ForecastScoring s = scoring.read(sensorId);
        if (s != null && !s.carried.isEmpty()) {
            s.carried.forEach(e -> add(sensorId, e));
            s.carried.clear();
            scoring.write(sensorId, s);
        }
        return s;
    }

    /** Writes back the scoring states last changed at or before {@code nanos} ({@link WriteBehindStore}). */
    int writeBackUnchangedSince(long nanos) {
        return scoring.writeBackUnchangedSince(nanos);
    }

    /** Keeps the scoring state as changed (written at the next commit). */
    void scored(String sensorId, ForecastScoring s) {
        scoring.write(sensorId, s);
    }

    /** Starts the sensor afresh: no pending forecasts, nothing learnt (a new session of its sequence numbers). */
    void reset(String sensorId) {
        clear(sensorId);
        scoring.write(sensorId, new ForecastScoring());
    }

    /** Format 5 of a forecast record. */
    static void writeEntry(Entry e, DataOutputStream out) throws IOException {
        out.writeLong(e.firstSequence());
        out.writeLong(e.modelVersion());
        StateSerde.writeRows(out, java.util.Arrays.asList(e.mean()));
        StateSerde.writeRows(out, java.util.Arrays.asList(e.lower()));
        StateSerde.writeRows(out, java.util.Arrays.asList(e.upper()));
        StateSerde.writeDoubles(out, e.last());
        StateSerde.writeRows(out, java.util.Arrays.asList(e.model()));
    }

    private static Entry readPacked(DataInputStream in) throws IOException {
        long first = in.readLong();
        long modelVersion = in.readLong();
        double[][] mean = StateSerde.readRows(in, in.readInt());
        double[][] lower = StateSerde.readRows(in, in.readInt());
        double[][] upper = StateSerde.readRows(in, in.readInt());
        double[] last = StateSerde.readDoubles(in);
        double[][] model = StateSerde.readRows(in, in.readInt());
        return new Entry(first, modelVersion, mean, lower, upper, last, model);
    }

    /**
     * An entry as format {@code version} (1 to 4) of the per-sensor values wrote it (2 added last, 3 the model's mean),
     * and as format 4 of the forecast records.
     */
    static Entry readEntry(DataInputStream in, int version) throws IOException {
        long first = in.readLong();
        long modelVersion = in.readLong();
        double[][] mean = readMatrix(in);
        double[][] lower = readMatrix(in);
        double[][] upper = readMatrix(in);
        double[] last = version >= 2 ? StateSerde.readDoubles(in) : new double[0];
        double[][] model = version >= 3 ? readMatrix(in) : mean;
        return new Entry(first, modelVersion, mean, lower, upper, last, model);
    }

    static double[][] readMatrix(DataInputStream in) throws IOException {
        int n = in.readInt();
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = StateSerde.readDoubles(in);
        }
        return m;
    }

    /** Converts an Avro-style nested list into a matrix. */
    public static double[][] toMatrix(List<List<Double>> rows) {
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            List<Double> row = rows.get(i);
            m[i] = new double[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = row.get(j);
            }
        }
        return m;
    }

    /** Converts a matrix into an Avro-style nested list. */
    public static List<List<Double>> toLists(double[][] m) {
        List<List<Double>> rows = new ArrayList<>(m.length);
        for (double[] r : m) {
            List<Double> row = new ArrayList<>(r.length);
            for (double v : r) {
                row.add(v);
            }
            rows.add(row);
        }
        return rows;
    }
}
