package io.hybridcast.streams.anomaly;

import io.hybridcast.streams.topology.DeviationCusum;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The memory of a sensor's noise-burst check ({@link NoiseBurstCheck}): the coefficients of its one-step linear
 * predictor (an autoregression of order {@link #ORDER} shared by the channels, fitted by recursive least squares
 * with forgetting) with their inverse information matrix, each channel's usual squared prediction error, the
 * sequential test on those errors, and what the current run above zero saw (for the alarm's sentence).
 */
public final class NoiseState {

    /** Past samples the predictor uses: enough for a free swing, a forcing and a harmonic (a sinusoid needs 2). */
    public static final int ORDER = 6;

    double[] theta = new double[ORDER];
    /** Row-major ORDER x ORDER; empty until the first sample sets its scale. */
    double[] p = new double[0];
    /** Per channel: the usual squared one-step prediction error. */
    double[] variance = new double[0];
    long learned;
    /** Readings since the newest one the spike check flagged (its value spoils the next ORDER predictions). */
    long sinceSpike = Long.MAX_VALUE / 2;
    /** Since the statistic left zero: samples, sum of the mean square standardised error, the worst channel. */
    long runSamples;
    double runSum;
    int runChannel;
    double runChannelMax;
    DeviationCusum cusum = new DeviationCusum();

    void write(DataOutputStream out) throws IOException {
        writeDoubles(out, theta);
        writeDoubles(out, p);
        writeDoubles(out, variance);
        out.writeLong(learned);
        out.writeLong(sinceSpike);
        out.writeLong(runSamples);
        out.writeDouble(runSum);
        out.writeInt(runChannel);
        out.writeDouble(runChannelMax);
        cusum.write(out);
    }

    static NoiseState read(DataInputStream in) throws IOException {
        NoiseState s = new NoiseState();
        s.theta = readDoubles(in);
        s.p = readDoubles(in);
        s.variance = readDoubles(in);
        s.learned = in.readLong();
        s.sinceSpike = in.readLong();
        s.runSamples = in.readLong();
        s.runSum = in.readDouble();
        s.runChannel = in.readInt();
        s.runChannelMax = in.readDouble();
        s.cusum = DeviationCusum.read(in);
        return s;
    }

    /** The length, then the values: packed and written at once (the bytes of writeInt and writeDouble each). */
    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        io.hybridcast.streams.topology.StateSerde.writeDoubles(out, values);
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("bad noise-state array length " + n);
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
