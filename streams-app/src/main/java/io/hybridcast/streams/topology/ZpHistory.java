package io.hybridcast.streams.topology;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent physics-parameter (z_p) estimates of one sensor, oldest first, bounded in length; and the one owner
 * of how they are stored: one record per point in {@link StoreNames#ZP_HISTORY}, keyed (sensor, sequence) by
 * {@link SequenceKey} ({@link SequencedStore}), written once per forecast, with a tombstone for the point that
 * falls out of the bounded history. Every reader (the HTTP API, the live score) reads through {@link #of}.
 */
public final class ZpHistory {

    /**
     * One forecast's estimates: the window posterior (mean, std per parameter), the long-run posterior it was
     * compared with for drift ({@code priorMean}, {@code priorStd}; empty until there is one), and the
     * sensor-level posterior after it ({@code sensorMean}, {@code sensorStd}, 95 % interval; empty before the
     * first fused window). All in the parameters' physical units.
     */
    public record Point(long sequence, long eventTime, long modelVersion, List<String> names, double[] mean,
                        double[] std, double[] priorMean, double[] priorStd, double[] sensorMean,
                        double[] sensorStd, double[] sensorLower, double[] sensorUpper) {
    }

    public final List<Point> points = new ArrayList<>();

    /** The history of {@code sensorId} as {@code store} (the processor's store or a query's view) holds it. */
    public static ZpHistory of(ReadOnlyKeyValueStore<String, Point> store, String sensorId) {
        ZpHistory h = new ZpHistory();
        h.points.addAll(SequencedStore.pointsOf(store, sensorId));
        return h;
    }

    /**
     * Adds a forecast's point and deletes the oldest beyond {@code capacity}. At a sensor's first point since the
     * processor started, a history stored whole by an older version is moved to this layout first ({@link #migrate}).
     */
    static void append(SequencedStore<Point> store, String sensorId, Point point, int capacity) {
        if (!store.isCached(sensorId)) {
            migrate(store, sensorId, capacity);
        }
        store.put(sensorId, point.sequence(), point);
        trim(store, sensorId, capacity);
    }

    private static void trim(SequencedStore<Point> store, String sensorId, int capacity) {
        while (store.read(sensorId).size() > capacity) {
            store.delete(sensorId, store.read(sensorId).firstKey());
        }
    }

    /**
     * Moves a history stored whole under the sensor's id (formats 1 and 2, before the per-point layout) to one
     * record per point, with a tombstone for the old record; true if there was one. A point record whose key
     * happens to equal the id (format 3) is left alone.
     */
    static boolean migrate(SequencedStore<Point> store, String sensorId, int capacity) {
        byte[] old = store.rawGet(sensorId);
        if (old == null || old.length == 0 || old[0] >= POINT_FORMAT) {
            return false;
        }
        store.rawDelete(sensorId);
        for (Point p : WHOLE.deserializer().deserialize(StoreNames.ZP_HISTORY, old).points) {
            store.put(sensorId, p.sequence(), p);
        }
        trim(store, sensorId, capacity);
        return true;
    }

    /** Format 3: one point per record. Formats 1 and 2 (a whole history per record) are read only by migrate. */
    private static final int POINT_FORMAT = 3;

    /** One point per record. */
    public static final StateSerde<Point> SERDE = new StateSerde<>("z_p history point", POINT_FORMAT,
            ZpHistory::writePoint, in -> readPoint(in, POINT_FORMAT));

    /** The whole-history records of before: format 2 added the sensor-level posterior to each point. */
    static final StateSerde<ZpHistory> WHOLE = new StateSerde<>("z_p history (whole, before the per-point layout)",
            2, 1, ZpHistory::writeWhole, ZpHistory::readWhole);

    private static void writeWhole(ZpHistory h, DataOutputStream out) throws IOException {
        out.writeInt(h.points.size());
        for (Point p : h.points) {
            writePoint(p, out);
        }
    }

    private static void writePoint(Point p, DataOutputStream out) throws IOException {
        out.writeLong(p.sequence());
        out.writeLong(p.eventTime());
        out.writeLong(p.modelVersion());
        out.writeInt(p.names().size());
        for (String n : p.names()) {
            out.writeUTF(n);
        }
        for (double[] values : new double[][]{p.mean(), p.std(), p.priorMean(), p.priorStd(), p.sensorMean(),
                p.sensorStd(), p.sensorLower(), p.sensorUpper()}) {
            StateSerde.writeDoubles(out, values);
        }
    }

    private static ZpHistory readWhole(DataInputStream in, int version) throws IOException {
        ZpHistory h = new ZpHistory();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            h.points.add(readPoint(in, version));
        }
        return h;
    }

    private static Point readPoint(DataInputStream in, int version) throws IOException {
        long seq = in.readLong();
        long time = in.readLong();
        long modelVersion = in.readLong();
        int names = in.readInt();
        List<String> list = new ArrayList<>(names);
        for (int j = 0; j < names; j++) {
            list.add(in.readUTF());
        }
        double[][] values = new double[8][];
        for (int k = 0; k < values.length; k++) {
            values[k] = k < 4 || version >= 2 ? StateSerde.readDoubles(in) : new double[0];
        }
        return new Point(seq, time, modelVersion, list, values[0], values[1], values[2], values[3],
                values[4], values[5], values[6], values[7]);
    }
}
