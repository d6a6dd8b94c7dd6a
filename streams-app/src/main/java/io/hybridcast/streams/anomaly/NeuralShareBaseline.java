package io.hybridcast.streams.anomaly;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a sensor's neural share (the part of the model's signal the physics does not explain) usually is, under
 * the model version in service: a running mean and variance of normal behaviour, so that the unmodelled-dynamics
 * detector flags a share that grew beyond the sensor's own usual fluctuation, not every noisy window.
 *
 * <p>Why per model version: a new version splits the signal between physics and neural part differently, so a
 * swap would otherwise look like a change of the world. Why a warm-up: a baseline from one or two windows says
 * nothing about the usual spread. Why the baseline follows only normal behaviour: a lasting change must stay
 * visible as a change until it ends, rather than becoming the new normal while it is flagged.
 */
public final class NeuralShareBaseline {

    /** Weight of the newest normal observation in the running mean and variance once warmed up. */
    static final double ALPHA = 0.1;

    private long modelVersion = Long.MIN_VALUE;
    private int observations;
    private double mean;
    private double variance;

    /** Forgets everything when {@code version} is not the version the baseline was built under. */
    public void useModelVersion(long version) {
        if (version != modelVersion) {
            modelVersion = version;
            observations = 0;
            mean = 0;
            variance = 0;
        }
    }

    /** Whether at least {@code warmup} observations built the baseline of the current version. */
    public boolean warmedUp(int warmup) {
        return observations >= warmup;
    }

    /** The threshold a share's growth over the mean must exceed: the larger of a floor and k standard deviations. */
    public double threshold(double minimumGrowth, double sigmas) {
        return Math.max(minimumGrowth, sigmas * std());
    }

    /**
     * Adds a share seen under normal behaviour: exact mean and variance during the warm-up (Welford), then an
     * exponentially weighted update, so the baseline follows slow, normal change.
     */
    public void addNormal(double share, int warmup) {
        if (observations < warmup) {
            observations++;
            double delta = share - mean;
            mean += delta / observations;
            // population variance of the first n values, updated in place
            variance += (delta * (share - mean) - variance) / observations;
        } else {
            observations++;
            double delta = share - mean;
            mean += ALPHA * delta;
            variance = (1 - ALPHA) * (variance + ALPHA * delta * delta);
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

    public static NeuralShareBaseline read(DataInputStream in) throws IOException {
        NeuralShareBaseline b = new NeuralShareBaseline();
        b.modelVersion = in.readLong();
        b.observations = in.readInt();
        b.mean = in.readDouble();
        b.variance = in.readDouble();
        return b;
    }
}
