package io.hybridcast.streams.anomaly;

import java.io.DataOutputStream;
import java.io.IOException;

/** The noise check's memory as sensor-state formats 6 and 7 wrote it (the matrix whole), for the format tests. */
public final class NoiseStateFormats {

    private NoiseStateFormats() {
    }

    public static void writeWhole(FaultState f, DataOutputStream out) throws IOException {
        NoiseState s = f.noise;
        for (double[] values : new double[][]{s.theta, s.p, s.variance}) {
            out.writeInt(values.length);
            for (double v : values) {
                out.writeDouble(v);
            }
        }
        out.writeLong(s.learned);
        out.writeLong(s.sinceSpike);
        out.writeLong(s.runSamples);
        out.writeDouble(s.runSum);
        out.writeInt(s.runChannel);
        out.writeDouble(s.runChannelMax);
        s.cusum.write(out);
    }
}
