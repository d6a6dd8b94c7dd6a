package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The recent physics-parameter (z_p) estimates of one sensor, oldest first, bounded in length. */
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

    /**
     * Each point's bytes once encoded (a point does not change once added): the history is written whole at every
     * commit after a forecast appended one point, and re-encoding the up to api.history.size older points each
     * time was most of the write (JFR). Keyed by identity; only this processor's instance ever holds entries.
     */
    private final Map<Point, byte[]> encoded = new IdentityHashMap<>();

    public void add(Point point, int capacity) {
        points.add(point);
        while (points.size() > capacity) {
            points.remove(0);
        }
    }

    /** Format 2 adds the sensor-level posterior to each point; format 1 is read with none. */
    public static final StateSerde<ZpHistory> SERDE = new StateSerde<>("z_p history", 2, 1,
            ZpHistory::write, ZpHistory::read);

    private static void write(ZpHistory h, DataOutputStream out) throws IOException {
        out.writeInt(h.points.size());
        for (Point p : h.points) {
            byte[] bytes = h.encoded.get(p);
            if (bytes == null) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream(160);
                DataOutputStream pointOut = new DataOutputStream(buffer);
                writePoint(p, pointOut);
                pointOut.flush();
                bytes = buffer.toByteArray();
                h.encoded.put(p, bytes);
            }
            out.write(bytes, 0, bytes.length);
        }
        if (h.encoded.size() > h.points.size()) {
            // points fell out of the bounded history: forget their bytes
            Map<Point, byte[]> kept = new IdentityHashMap<>();
            for (Point p : h.points) {
                kept.put(p, h.encoded.get(p));
            }
            h.encoded.clear();
            h.encoded.putAll(kept);
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

    private static ZpHistory read(DataInputStream in, int version) throws IOException {
        ZpHistory h = new ZpHistory();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
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
            h.points.add(new Point(seq, time, modelVersion, list, values[0], values[1], values[2], values[3],
                    values[4], values[5], values[6], values[7]));
        }
        return h;
    }
}
