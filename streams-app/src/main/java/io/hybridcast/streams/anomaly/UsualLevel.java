package io.hybridcast.streams.anomaly;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a value of one sensor usually is under the model version in service: its running mean and variance over
 * normal behaviour. The model-based detectors flag departures from it, not from a fixed level: the
 * unmodelled-dynamics detector keeps the usual neural share, the forecast-deviation detector the usual mean
 * square of the standardised residual (how well calibrated the sensor's band is).
 *
 * <p>Why per model version: a new version splits the signal differently and has bands of its own, so a swap
 * would otherwise look like a change of the world. Why a warm-up with the exact mean and variance: a level from
 * one or two observations says nothing about the usual spread. Why callers add only normal observations after
 * the warm-up: a lasting change must stay visible as a change until it ends, rather than becoming the new normal
 * while it is flagged.
 */
public final class UsualLevel {

    /** Weight of the newest normal observation in the running mean and variance once warmed up. */
    private final double alpha;

    private long modelVersion = Long.MIN_VALUE;
    private int observations;
    private double mean;
    private double variance;

    /** @param alpha weight of the newest observation after the warm-up (0 < alpha <= 1) */
    public UsualLevel(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Forgets everything when {@code version} is not the version the level was built under. */
    public void useModelVersion(long version) {
        if (version != modelVersion) {
            modelVersion = version;
            observations = 0;
            mean = 0;
            variance = 0;
        }
    }

    /** Whether at least {@code warmup} observations built the level of the current version. */
    public boolean warmedUp(int warmup) {
        return observations >= warmup;
    }

    /** The threshold a growth over the mean must exceed: the larger of a floor and k standard deviations. */
    public double threshold(double minimumGrowth, double sigmas) {
        return Math.max(minimumGrowth, sigmas * std());
    }

    /**
     * Adds an observation of normal behaviour: exact mean and variance during the warm-up (Welford), then an
     * exponentially weighted update, so the level follows slow, normal change.
     */
    public void addNormal(double value, int warmup) {
        observations++;
        double delta = value - mean;
        if (observations <= warmup) {
            mean += delta / observations;
            // population variance of the first n values, updated in place
            variance += (delta * (value - mean) - variance) / observations;
        } else {
            mean += alpha * delta;
            variance = (1 - alpha) * (variance + alpha * delta * delta);
        }
    }

    public double mean() {
        return mean;
    }

    public double std() {
        return Math.sqrt(Math.max(0, variance));
    }

    public int observations() {
        return observations;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeLong(modelVersion);
        out.writeInt(observations);
        out.writeDouble(mean);
        out.writeDouble(variance);
    }

    /** Reads what {@link #write} wrote; {@code alpha} is the caller's, as when it was built. */
    public static UsualLevel read(DataInputStream in, double alpha) throws IOException {
        UsualLevel level = new UsualLevel(alpha);
        level.modelVersion = in.readLong();
        level.observations = in.readInt();
        level.mean = in.readDouble();
        level.variance = in.readDouble();
        return level;
    }
}
