package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A sensor's forecasts still awaiting their actuals, one value per sensor in
 * {@link StoreNames#PENDING_FORECASTS}. Each arriving reading is compared with the newest forecast that
 * covers its sequence number; forecasts whose last step has passed are dropped.
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

    public final List<Entry> entries = new ArrayList<>();
    /** What this sensor's past actuals taught about its forecasts (kept when the entries are cleared). */
    public ForecastCalibration calibration = new ForecastCalibration();
    /** The sensor's sequential forecast-deviation test on its calibrated residuals. */
    public DeviationCusum cusum = new DeviationCusum();

    /** Every forecast that has a step for this sequence, oldest first. */
    public List<Entry> allCovering(long sequence) {
        List<Entry> out = new ArrayList<>(2);
        for (Entry e : entries) {
            if (e.covers(sequence)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The newest forecast that has a step for this sequence, or null. */
    public Entry newestCovering(long sequence) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).covers(sequence)) {
                return entries.get(i);
            }
        }
        return null;
    }

    /** Drops forecasts whose every step is at or before {@code sequence}; true if any was dropped. */
    public boolean expireThrough(long sequence) {
        return entries.removeIf(e -> e.lastSequence() <= sequence);
    }

    /**
     * Format 2 adds the persistence value per entry; format 3 the model's own mean per entry and the sensor's
     * forecast calibration after the entries; format 4 the deviation test after it. Older formats are still read
     * (no calibration or test yet).
     */
    public static final StateSerde<PendingForecasts> SERDE = new StateSerde<>("pending forecasts", 4, 1,
            PendingForecasts::write, PendingForecasts::read);

    private static void write(PendingForecasts p, DataOutputStream out) throws IOException {
        out.writeInt(p.entries.size());
        for (Entry e : p.entries) {
            out.writeLong(e.firstSequence());
            out.writeLong(e.modelVersion());
            writeMatrix(out, e.mean());
            writeMatrix(out, e.lower());
            writeMatrix(out, e.upper());
            StateSerde.writeDoubles(out, e.last());
            writeMatrix(out, e.model());
        }
        p.calibration.write(out);
        p.cusum.write(out);
    }

    private static PendingForecasts read(DataInputStream in, int version) throws IOException {
        PendingForecasts p = new PendingForecasts();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long first = in.readLong();
            long modelVersion = in.readLong();
            double[][] mean = readMatrix(in);
            double[][] lower = readMatrix(in);
            double[][] upper = readMatrix(in);
            double[] last = version >= 2 ? StateSerde.readDoubles(in) : new double[0];
            double[][] model = version >= 3 ? readMatrix(in) : mean;
            p.entries.add(new Entry(first, modelVersion, mean, lower, upper, last, model));
        }
        if (version >= 3) {
            p.calibration = ForecastCalibration.read(in);
        }
        if (version >= 4) {
            p.cusum = DeviationCusum.read(in);
        }
        return p;
    }

    static void writeMatrix(DataOutputStream out, double[][] m) throws IOException {
        out.writeInt(m.length);
        for (double[] row : m) {
            StateSerde.writeDoubles(out, row);
        }
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
