package io.hybridcast.streams.anomaly;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * How far a sensor's actuals usually fall from its forecasts, in units of the forecast band, under the model
 * version in service: the running mean square of the standardised residual z. A well-calibrated band has a mean
 * square near 1; a band too narrow for the sensor (a chaotic double pendulum forecast 20 steps ahead) has a
 * larger one, and without calibration its actuals leave the band every few seconds, each time an alert.
 *
 * <p>The forecast-deviation score is divided by {@link #scale} (never below 1, so a band is only ever widened,
 * and only after a warm-up): a sudden departure far beyond the sensor's usual error is still flagged, its usual
 * error is not. Why per model version: a new version's bands have their own calibration. Why only normal samples
 * after the warm-up: a real departure must not become the new normal while it lasts.
 */
public final class BandCalibration {

    /** Weight of the newest normal sample once warmed up. */
    static final double ALPHA = 0.01;

    private long modelVersion = Long.MIN_VALUE;
    private int samples;
    private double meanSquare;

    /** Forgets everything when {@code version} is not the version the calibration was built under. */
    public void useModelVersion(long version) {
        if (version != modelVersion) {
            modelVersion = version;
            samples = 0;
            meanSquare = 0;
        }
    }

    /** Whether at least {@code warmup} samples built the calibration of the current version. */
    public boolean warmedUp(int warmup) {
        return samples >= warmup;
    }

    /** The factor the band is widened by for scoring: the RMS standardised residual, at least 1; 1 until warmed up. */
    public double scale(int warmup) {
        return warmedUp(warmup) ? Math.max(1, Math.sqrt(meanSquare)) : 1;
    }

    /** Adds the RMS standardised residual of one sample: an exact mean during the warm-up, then a slow EWMA. */
    public void add(double rmsZ, int warmup) {
        double square = rmsZ * rmsZ;
        if (samples < warmup) {
            samples++;
            meanSquare += (square - meanSquare) / samples;
        } else {
            samples++;
            meanSquare += ALPHA * (square - meanSquare);
        }
    }

    public int samples() {
        return samples;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeLong(modelVersion);
        out.writeInt(samples);
        out.writeDouble(meanSquare);
    }

    public static BandCalibration read(DataInputStream in) throws IOException {
        BandCalibration c = new BandCalibration();
        c.modelVersion = in.readLong();
        c.samples = in.readInt();
        c.meanSquare = in.readDouble();
        return c;
    }
}
