package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a sensor's own past forecast errors say about its next forecast, per horizon step, learnt online from the
 * actuals (never from the truth): how to combine the model's mean with persistence (the last value), and how wide
 * the 95 % band must be.
 *
 * <p>The mean: the minimum-variance combination of the two forecasts (Bates and Granger, 1969),
 * {@code w = (s_pp - s_mp) / (s_mm + s_pp - 2 s_mp)} clipped to [0, 1], from the running second moments of the
 * model's and persistence's errors at that step. Where the model has no skill on this sensor the weight goes to
 * persistence; where it has, to the model; in between both count. Since w = 0 and w = 1 are among the choices,
 * the combination is in expectation no worse than the better of the two.
 *
 * <p>The band: split-conformal in spirit, online. Per step and channel the running mean square of the combined
 * forecast's error gives the scale; one multiplier per step, started at 1.96, follows adaptive conformal inference
 * (Gibbs and Candès, 2021): {@code k += eta (miss - 0.05)}, where miss = some channel of the actual fell outside
 * {@code mean ± k scale}. The long-run miss rate is then 5 % whatever the shape of the errors, so the band covers
 * 95 % of the actuals on every channel at once, which the model's own band (calibrated offline on other sensors)
 * does not.
 *
 * <p>The blend starts with the first actual of a step (exact running means). Until a step has {@code warmup}
 * actuals the band is the model's own half-width around the blend, and forecast deviation is not judged: a
 * deviation from a band nobody has checked on this sensor says nothing.
 */
public final class ForecastCalibration {

    /** Target miss rate of the 95 % band. */
    static final double MISS_RATE = 0.05;
    /** ACI step of the band multiplier (units of the error scale); equilibrium only depends on MISS_RATE. */
    static final double ETA = 0.02;
    /** The Gaussian 95 % multiplier the band starts from. */
    static final double START_MULTIPLIER = 1.96;

    private int steps;
    private int channels;
    private long[] count = new long[0];
    private double[] modelSq = new double[0];
    private double[] persistenceSq = new double[0];
    private double[] cross = new double[0];
    private double[] multiplier = new double[0];
    /** [step][channel]: mean square of the combined (published) forecast's error. */
    private double[][] combinedSq = new double[0][0];

    private void size(int horizon, int width) {
        if (horizon == steps && width == channels) {
            return;
        }
        steps = horizon;
        channels = width;
        count = new long[horizon];
        modelSq = new double[horizon];
        persistenceSq = new double[horizon];
        cross = new double[horizon];
        multiplier = new double[horizon];
        java.util.Arrays.fill(multiplier, START_MULTIPLIER);
        combinedSq = new double[horizon][width];
    }

    /** Whether step {@code step} has seen at least {@code warmup} actuals (always, with warmup 0: calibration off). */
    public boolean warmedUp(int step, int warmup) {
        return warmup == 0 || step < steps && count[step] >= warmup;
    }

    /**
     * Whether every step of a {@code horizon}-step forecast of {@code width} channels has warmed up, so that
     * {@link #apply} replaces the model's band everywhere and the model need not compute it; never with the
     * calibration off (warmup 0), where the model's band is published.
     */
    public boolean replacesModelBand(int horizon, int width, int warmup) {
        if (warmup == 0 || horizon > steps || width != channels) {
            return false;
        }
        for (int h = 0; h < horizon; h++) {
            if (count[h] < warmup) {
                return false;
            }
        }
        return true;
    }

    /** The weight of the model's mean at {@code step} (1 - weight goes to persistence). */
    public double modelWeight(int step) {
        if (step >= steps || count[step] == 0) {
            return 1;
        }
        double denominator = modelSq[step] + persistenceSq[step] - 2 * cross[step];
        if (!(denominator > 1e-18)) {
            return 1;
        }
        return Math.min(1, Math.max(0, (persistenceSq[step] - cross[step]) / denominator));
    }

    /** The RMS error of the published mean at {@code step} on {@code channel} (0 before its first actual). */
    public double scale(int step, int channel) {
        return step < steps && channel < channels ? Math.sqrt(combinedSq[step][channel]) : 0;
    }

    /** The band multiplier of {@code step} (on the error scale). */
    public double multiplier(int step) {
        return step < steps ? multiplier[step] : START_MULTIPLIER;
    }

    /**
     * Learns from one actual {@code x} at {@code step} of a forecast made from {@code last}, whose model mean was
     * {@code model} and whose published (combined) mean was {@code published}. {@code alpha} is the weight of the
     * newest actual once the running moments have {@code 1 / alpha} of them (exact means before).
     */
    public void learn(int step, int horizon, double[] x, double[] model, double[] published, double[] last,
                      double alpha) {
        size(horizon, x.length);
        if (step < 0 || step >= steps || model.length != x.length || last.length != x.length
                || published.length != x.length) {
            return;
        }
        // the band multiplier is judged against the scale before this actual updates it
        if (count[step] > 0) {
            boolean miss = false;
            for (int c = 0; c < x.length; c++) {
                miss |= Math.abs(x[c] - published[c]) > multiplier[step] * Math.sqrt(combinedSq[step][c]);
            }
            multiplier[step] = Math.max(0, multiplier[step] + ETA * ((miss ? 1 : 0) - MISS_RATE));
        }
        count[step]++;
        double a = Math.max(alpha, 1.0 / count[step]);
        double mm = 0;
        double pp = 0;
        double mp = 0;
        for (int c = 0; c < x.length; c++) {
            double em = x[c] - model[c];
            double ep = x[c] - last[c];
            double ec = x[c] - published[c];
            mm += em * em / x.length;
            pp += ep * ep / x.length;
            mp += em * ep / x.length;
            combinedSq[step][c] += a * (ec * ec - combinedSq[step][c]);
        }
        modelSq[step] += a * (mm - modelSq[step]);
        persistenceSq[step] += a * (pp - persistenceSq[step]);
        cross[step] += a * (mp - cross[step]);
    }

    /**
     * The published forecast: per step, the combined mean once the step has an actual, and the conformal band
     * once it has {@code warmup}; before, the model's own. Returns {mean, lower, upper}.
     */
    public double[][][] apply(double[][] mean, double[][] lower, double[][] upper, double[] last, int warmup) {
        if (warmup == 0) {
            return new double[][][] {mean, lower, upper}; // calibration off: the model's own
        }
        double[][] m = new double[mean.length][];
        double[][] lo = new double[mean.length][];
        double[][] hi = new double[mean.length][];
        for (int h = 0; h < mean.length; h++) {
            if (!(h < steps && count[h] >= 1) || mean[h].length != channels || last.length != channels) {
                m[h] = mean[h].clone();
                lo[h] = lower[h].clone();
                hi[h] = upper[h].clone();
                continue;
            }
            // the blend from the first actuals on (exact means: a model without skill stops costing at once), the
            // conformal band once the step has warmed up (the model's own half-widths around the blend before)
            double w = modelWeight(h);
            boolean conformal = warmedUp(h, warmup);
            m[h] = new double[channels];
            lo[h] = new double[channels];
            hi[h] = new double[channels];
            for (int c = 0; c < channels; c++) {
                m[h][c] = w * mean[h][c] + (1 - w) * last[c];
                double half = conformal ? multiplier[h] * Math.sqrt(combinedSq[h][c]) : (upper[h][c] - lower[h][c]) / 2;
                lo[h][c] = m[h][c] - half;
                hi[h][c] = m[h][c] + half;
            }
        }
        return new double[][][] {m, lo, hi};
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(steps);
        out.writeInt(channels);
        for (int h = 0; h < steps; h++) {
            out.writeLong(count[h]);
            out.writeDouble(modelSq[h]);
            out.writeDouble(persistenceSq[h]);
            out.writeDouble(cross[h]);
            out.writeDouble(multiplier[h]);
            StateSerde.writeDoubles(out, combinedSq[h]);
        }
    }

    /**
     * The same moments packed into one block (pending-forecasts format 6): per step the count (an int, saturated:
     * beyond the warm-up and 1 / alpha it no longer changes anything), the four moments and the channels' mean
     * squares without a length of their own. 44 instead of 52 bytes per step of a one-channel sensor, and one write
     * instead of six per step: the value is rewritten at almost every reading.
     */
    void writePacked(DataOutputStream out) throws IOException {
        int perStep = Integer.BYTES + Double.BYTES * (4 + channels);
        java.nio.ByteBuffer b = StateSerde.beginBlock(out, 2 * Integer.BYTES + perStep * steps);
        b.putInt(steps).putInt(channels);
        for (int h = 0; h < steps; h++) {
            b.putInt((int) Math.min(count[h], Integer.MAX_VALUE));
            b.putDouble(modelSq[h]).putDouble(persistenceSq[h]).putDouble(cross[h]).putDouble(multiplier[h]);
            for (int c = 0; c < channels; c++) {
                b.putDouble(combinedSq[h][c]);
            }
        }
        StateSerde.endBlock(out, b);
    }

    /** Reads what {@link #writePacked} wrote. */
    static ForecastCalibration readPacked(DataInputStream in) throws IOException {
        ForecastCalibration f = new ForecastCalibration();
        int horizon = in.readInt();
        int width = in.readInt();
        if (horizon < 0 || width < 0 || (long) horizon * (4 + width) > 10_000_000) {
            throw new IOException("bad calibration shape " + horizon + " x " + width);
        }
        f.size(horizon, width);
        byte[] packed = new byte[(Integer.BYTES + Double.BYTES * (4 + width)) * horizon];
        in.readFully(packed);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(packed);
        for (int h = 0; h < horizon; h++) {
            f.count[h] = b.getInt();
            f.modelSq[h] = b.getDouble();
            f.persistenceSq[h] = b.getDouble();
            f.cross[h] = b.getDouble();
            f.multiplier[h] = b.getDouble();
            for (int c = 0; c < width; c++) {
                f.combinedSq[h][c] = b.getDouble();
            }
        }
        return f;
    }

    static ForecastCalibration read(DataInputStream in) throws IOException {
        ForecastCalibration f = new ForecastCalibration();
        int horizon = in.readInt();
        int width = in.readInt();
        f.size(horizon, width);
        for (int h = 0; h < horizon; h++) {
            f.count[h] = in.readLong();
            f.modelSq[h] = in.readDouble();
            f.persistenceSq[h] = in.readDouble();
            f.cross[h] = in.readDouble();
            f.multiplier[h] = in.readDouble();
            f.combinedSq[h] = StateSerde.readDoubles(in);
        }
        return f;
    }
}
