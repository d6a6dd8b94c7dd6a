package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Deque;

/** The sensor-physics store's encoding of a sequence of fused windows (formats 1 to 4 read, the newest written). */
final class WindowEstimates {

    private WindowEstimates() {
    }

    static void write(DataOutputStream out, Deque<SensorPhysics.WindowEstimate> windows) throws IOException {
        out.writeInt(windows.size());
        for (SensorPhysics.WindowEstimate w : windows) {
            out.writeLong(w.sequence());
            out.writeLong(w.modelVersion());
            StateSerde.writeDoubles(out, w.mean());
            StateSerde.writeDoubles(out, w.std());
            StateSerde.writeDoubles(out, w.latents());
            out.writeDouble(w.swing());
            out.writeDouble(w.forced());
            out.writeDouble(w.forcedStd());
            out.writeBoolean(w.faulty());
        }
    }

    static void read(DataInputStream in, Deque<SensorPhysics.WindowEstimate> into, int version) throws IOException {
        int w = in.readInt();
        for (int i = 0; i < w; i++) {
            into.addLast(new SensorPhysics.WindowEstimate(in.readLong(), in.readLong(), StateSerde.readDoubles(in),
                    StateSerde.readDoubles(in), StateSerde.readDoubles(in), version >= 2 ? in.readDouble() : Double.NaN,
                    version >= 3 ? in.readDouble() : Double.NaN, version >= 3 ? in.readDouble() : Double.NaN,
                    version >= 3 && in.readBoolean()));
        }
    }
}
