package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A sensor's live forecast score: over every actual a pending forecast covered, the squared error of the forecast
 * mean and of persistence (the last value the forecast was made from), and how often the actual fell inside the
 * 95 % band. Unbounded sums, so skill = 1 - sse / ssePersistence over the sensor's life.
 */
public final class ForecastScore {

    private long scored;
    private double squaredError;
    private double persistenceSquaredError;
    private long inBand;

    /** One actual {@code x} against a forecast step (mean, band) made from {@code last}. */
    void add(double[] x, double[] mean, double[] lower, double[] upper, double[] last) {
        boolean inside = true;
        for (int c = 0; c < x.length; c++) {
            double e = x[c] - mean[c];
            double p = x[c] - last[c];
            squaredError += e * e / x.length;
            persistenceSquaredError += p * p / x.length;
            inside &= x[c] >= lower[c] && x[c] <= upper[c];
        }
        scored++;
        inBand += inside ? 1 : 0;
    }

    public long scored() {
        return scored;
    }

    /** Sum over scored actuals of the channel-mean squared error of the forecast mean. */
    public double squaredError() {
        return squaredError;
    }

    /** The same for persistence (the newest value the forecast was made from). */
    public double persistenceSquaredError() {
        return persistenceSquaredError;
    }

    /** Scored actuals inside the 95 % band on every channel. */
    public long inBand() {
        return inBand;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(scored);
        out.writeDouble(squaredError);
        out.writeDouble(persistenceSquaredError);
        out.writeLong(inBand);
    }

    static ForecastScore read(DataInputStream in) throws IOException {
        ForecastScore s = new ForecastScore();
        s.scored = in.readLong();
        s.squaredError = in.readDouble();
        s.persistenceSquaredError = in.readDouble();
        s.inBand = in.readLong();
        return s;
    }
}
