package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Deque;

/** The sensor-physics store's encoding of a sequence of fused windows (formats 1 to 7 read, the newest written). */
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
            out.writeDouble(w.amplitude());
            out.writeDouble(w.forced());
            out.writeDouble(w.forcedStd());
            out.writeBoolean(w.faulty());
            // only the line measures a transport: one byte for every other window
            boolean transport = !Double.isNaN(w.transport());
            out.writeBoolean(transport);
            if (transport) {
                out.writeDouble(w.transport());
                out.writeDouble(w.transportStd());
            }
        }
    }

    static void read(DataInputStream in, Deque<SensorPhysics.WindowEstimate> into, int version) throws IOException {
        int w = in.readInt();
        for (int i = 0; i < w; i++) {
            long sequence = in.readLong();
            long modelVersion = in.readLong();
            double[] mean = StateSerde.readDoubles(in);
            double[] std = StateSerde.readDoubles(in);
            double[] latents = StateSerde.readDoubles(in);
            double swing = version >= 2 ? in.readDouble() : Double.NaN;
            double amplitude = version >= 7 ? in.readDouble() : Double.NaN;
            double forced = version >= 3 ? in.readDouble() : Double.NaN;
            double forcedStd = version >= 3 ? in.readDouble() : Double.NaN;
            boolean faulty = version >= 3 && in.readBoolean();
            boolean transport = version >= 5 && in.readBoolean();
            into.addLast(new SensorPhysics.WindowEstimate(sequence, modelVersion, mean, std, latents, swing, amplitude,
                    forced, forcedStd, faulty, transport ? in.readDouble() : Double.NaN,
                    transport ? in.readDouble() : Double.NaN));
        }
    }
}
