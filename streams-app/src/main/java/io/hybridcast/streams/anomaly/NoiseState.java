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

    /**
     * Sensor-state format 8 on: the information matrix as its upper triangle (21 values instead of 36 for order 6),
     * since the recursive least squares keeps it exactly symmetric (each update subtracts the product
     * pPhi[i] pPhi[j], the same double for [i][j] and [j][i], from a symmetric start); a matrix that is not exactly
     * symmetric is written whole, so what is read back is always what was written.
     */
    void write(DataOutputStream out) throws IOException {
        writeDoubles(out, theta);
        writeMatrix(out, p);
        writeDoubles(out, variance);
        out.writeLong(learned);
        out.writeLong(sinceSpike);
        out.writeLong(runSamples);
        out.writeDouble(runSum);
        out.writeInt(runChannel);
        out.writeDouble(runChannelMax);
        cusum.write(out);
    }

    /** Reads what {@link #write} wrote; before sensor-state format 8 the matrix was written whole. */
    static NoiseState read(DataInputStream in, int sensorStateVersion) throws IOException {
        NoiseState s = new NoiseState();
        s.theta = readDoubles(in);
        s.p = sensorStateVersion >= 8 ? readMatrix(in) : readDoubles(in);
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

    /** Marks a matrix written whole (not exactly symmetric), followed by its values as {@link #writeDoubles}. */
    private static final int WHOLE = -1;

    /** A square matrix as its dimension and upper triangle, row by row; one that is not symmetric whole. */
    private static void writeMatrix(DataOutputStream out, double[] m) throws IOException {
        int n = (int) Math.round(Math.sqrt(m.length));
        boolean symmetric = n * n == m.length;
        for (int i = 0; i < n && symmetric; i++) {
            for (int j = i + 1; j < n; j++) {
                // compared as bits: the values read back must be exactly these (a NaN or -0.0 as well)
                if (Double.doubleToRawLongBits(m[i * n + j]) != Double.doubleToRawLongBits(m[j * n + i])) {
                    symmetric = false;
                    break;
                }
            }
        }
        if (m.length == 0) {
            out.writeInt(0); // not started yet: as the whole empty array was written
            return;
        }
        if (!symmetric) {
            out.writeInt(WHOLE);
            writeDoubles(out, m);
            return;
        }
        out.writeInt(n);
        double[] upper = new double[n * (n + 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                upper[k++] = m[i * n + j];
            }
        }
        writeDoubles(out, upper);
    }

    private static double[] readMatrix(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == WHOLE) {
            return readDoubles(in);
        }
        if (n < 0 || n > 1000) {
            throw new IOException("bad noise-state matrix dimension " + n);
        }
        if (n == 0) {
            return new double[0];
        }
        double[] upper = readDoubles(in);
        if (upper.length != n * (n + 1) / 2) {
            throw new IOException("noise-state matrix of dimension " + n + " with " + upper.length
                    + " values in its upper triangle");
        }
        double[] m = new double[n * n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                m[i * n + j] = upper[k];
                m[j * n + i] = upper[k++];
            }
        }
        return m;
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
