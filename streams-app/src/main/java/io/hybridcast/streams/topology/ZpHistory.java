package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The recent physics-parameter (z_p) estimates of one sensor, oldest first, bounded in length. */
public final class ZpHistory {

    /** One estimate: posterior mean and std per parameter, and the context prior it was compared with. */
    public record Point(long sequence, long eventTime, long modelVersion, List<String> names, double[] mean,
                        double[] std, double[] priorMean, double[] priorStd) {
    }

    public final List<Point> points = new ArrayList<>();

    public void add(Point point, int capacity) {
        points.add(point);
        while (points.size() > capacity) {
            points.remove(0);
        }
    }

    public static final StateSerde<ZpHistory> SERDE = new StateSerde<>("z_p history", 1,
            ZpHistory::write, ZpHistory::read);

    private static void write(ZpHistory h, DataOutputStream out) throws IOException {
        out.writeInt(h.points.size());
        for (Point p : h.points) {
            out.writeLong(p.sequence());
            out.writeLong(p.eventTime());
            out.writeLong(p.modelVersion());
            out.writeInt(p.names().size());
            for (String n : p.names()) {
                out.writeUTF(n);
            }
            StateSerde.writeDoubles(out, p.mean());
            StateSerde.writeDoubles(out, p.std());
            StateSerde.writeDoubles(out, p.priorMean());
            StateSerde.writeDoubles(out, p.priorStd());
        }
    }

    private static ZpHistory read(DataInputStream in) throws IOException {
        ZpHistory h = new ZpHistory();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long seq = in.readLong();
            long time = in.readLong();
            long version = in.readLong();
            int names = in.readInt();
            List<String> list = new ArrayList<>(names);
            for (int j = 0; j < names; j++) {
                list.add(in.readUTF());
            }
            h.points.add(new Point(seq, time, version, list, StateSerde.readDoubles(in), StateSerde.readDoubles(in),
                    StateSerde.readDoubles(in), StateSerde.readDoubles(in)));
        }
        return h;
    }
}
