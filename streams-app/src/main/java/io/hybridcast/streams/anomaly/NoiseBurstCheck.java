package io.hybridcast.streams.anomaly;

import io.hybridcast.streams.topology.DeviationCusum;

import java.util.function.IntFunction;

/**
 * Noise burst as a sensor fault: the sensor's one-step prediction errors grow beyond their usual size. A linear
 * predictor of each channel from its {@link NoiseState#ORDER} previous samples (coefficients shared by the
 * channels, recursive least squares with forgetting {@link #FORGETTING}) leaves, on a healthy sensor, about its
 * measurement noise: the dynamics, even a forcing near the sampling's Nyquist frequency, are predictable from a
 * few samples, white noise is not. The errors in units of each channel's usual size feed the same sequential test
 * as forecast deviation ({@link DeviationCusum}: a CUSUM for a 4-fold variance, its threshold set from a target
 * run length and this sensor's own errors), so the false-alarm rate is set by design.
 *
 * <p>Why not the spike check's second difference or forecast deviation: a forced pendulum's forcing (up to 6 Hz
 * sampled at 20 Hz) makes its second difference and its 20-step forecast error larger than a 20-fold burst of its
 * 0.01 rad noise, and the live example run's burst went unflagged by both. A sample the spike check flags and the
 * {@code ORDER} predictions whose inputs contain it are left out (a spike is the spike check's), and after an
 * operating event the predictor learns the new dynamics afresh before the test judges again.
 */
public final class NoiseBurstCheck {

    /** Forgetting of the predictor's least squares per reading (memory about 500 samples). */
    static final double FORGETTING = 0.998;
    /** Weight of the newest error in a channel's usual squared error, once warm. */
    static final double VARIANCE_ALPHA = 0.01;
    /** Readings the predictor and the usual errors learn before the test judges. */
    static final long WARM_UP = 200;
    /** Errors beyond this many usual sizes teach the predictor only this much (robust to the burst itself). */
    static final double CLIP = 3;
    /** Block length of the test's run-length calibration (samples). */
    static final int BLOCK = 20;
    /** Judged samples the test stays silent after an alarm. */
    public static final long HOLD_AFTER_ALARM = 200;

    private final double arlSamples;

    public NoiseBurstCheck(double arlSamples) {
        this.arlSamples = arlSamples;
    }

    /** The run length between false alarms the test is set for, in samples. */
    public double arlSamples() {
        return arlSamples;
    }

    /** Result of one reading: whether the test raised, with its numbers for the sentence. */
    public record Raised(long fromSequence, double statistic, double threshold, double errorRatio, int channel) {
    }

    /**
     * Checks reading {@code x} at {@code sequence} against the sensor's {@code available} previous contiguous
     * samples ({@code previous.apply(0)} the newest before this one); {@code spike} says the spike check flagged this
     * reading. Returns the raised alarm or null.
     */
    public Raised observe(NoiseState s, IntFunction<double[]> previous, int available, double[] x, long sequence,
                          boolean spike) {
        int m = x.length;
        int order = NoiseState.ORDER;
        s.sinceSpike = spike ? 0 : s.sinceSpike + 1;
        if (available < order) {
            return null; // after a gap the predictor needs ORDER new samples
        }
        double[][] phi = new double[m][order];
        for (int k = 0; k < order; k++) {
            double[] past = previous.apply(k);
            for (int c = 0; c < m; c++) {
                phi[c][k] = past[c];
            }
        }
        if (s.variance.length != m || s.p.length != order * order) {
            start(s, phi, m);
        }
        double[] error = new double[m];
        for (int c = 0; c < m; c++) {
            error[c] = x[c] - dot(s.theta, phi[c]);
        }
        if (s.sinceSpike <= order) {
            return null; // this value or one the predictor used is a spike
        }
        boolean warm = s.learned >= WARM_UP;
        double meanSquare = 0;
        int worst = 0;
        double worstZ2 = -1;
        for (int c = 0; c < m; c++) {
            double z2 = error[c] * error[c] / Math.max(s.variance[c], 1e-300);
            meanSquare += z2 / m;
            if (z2 > worstZ2) {
                worstZ2 = z2;
                worst = c;
            }
        }
        learn(s, phi, error, warm);
        if (!warm) {
            return null;
        }
        if (s.cusum.statistic() == 0) {
            s.runSamples = 0;
            s.runSum = 0;
            s.runChannelMax = -1;
        }
        s.runSamples++;
        s.runSum += meanSquare;
        if (worstZ2 > s.runChannelMax) {
            s.runChannelMax = worstZ2;
            s.runChannel = worst;
        }
        if (s.cusum.observe(DeviationCusum.increment(meanSquare), sequence, true, BLOCK, arlSamples, HOLD_AFTER_ALARM)) {
            return new Raised(s.cusum.startSequence(), s.cusum.lastStatistic(), s.cusum.lastThreshold(),
                    Math.sqrt(s.runSum / s.runSamples), s.runChannel);
        }
        return null;
    }

    /**
     * After an operating event the dynamics changed (the drive stopped or started, a re-excitation), and with them
     * what the sensor's usual prediction error is: the predictor and its usual errors start again, as at the
     * sensor's first reading, and the test judges once they have warmed up. Holding the old predictor instead let it
     * re-learn only through its clipped errors, and a live drive-off raised a noise burst as the hold ended.
     */
    public static void operatingEvent(NoiseState s) {
        s.variance = new double[0]; // observe() starts the predictor at the next reading
        s.cusum.restart(0);
    }

    /** The predictor starts from no coefficients and a wide prior on the scale of the first samples. */
    private static void start(NoiseState s, double[][] phi, int m) {
        int order = NoiseState.ORDER;
        double scale = 0;
        for (double[] row : phi) {
            for (double v : row) {
                scale += v * v / (m * order);
            }
        }
        s.theta = new double[order];
        s.p = new double[order * order];
        for (int i = 0; i < order; i++) {
            s.p[i * order + i] = 1e4 / Math.max(scale, 1e-12);
        }
        s.variance = new double[m];
        s.learned = 0;
    }

    /** One recursive-least-squares step per channel (forgetting once per reading) and the usual squared errors. */
    private static void learn(NoiseState s, double[][] phi, double[] error, boolean warm) {
        int order = NoiseState.ORDER;
        int m = error.length;
        double[] pPhi = new double[order];
        for (int c = 0; c < m; c++) {
            double e = error[c];
            double usual = s.variance[c];
            if (warm) {
                double limit = CLIP * Math.sqrt(usual);
                e = Math.max(-limit, Math.min(limit, e));
            }
            double lambda = c == 0 ? FORGETTING : 1;
            double[] f = phi[c];
            double denominator = lambda;
            for (int i = 0; i < order; i++) {
                double sum = 0;
                for (int j = 0; j < order; j++) {
                    sum += s.p[i * order + j] * f[j];
                }
                pPhi[i] = sum;
                denominator += f[i] * sum;
            }
            for (int i = 0; i < order; i++) {
                s.theta[i] += pPhi[i] / denominator * e;
            }
            for (int i = 0; i < order; i++) {
                for (int j = 0; j < order; j++) {
                    s.p[i * order + j] = (s.p[i * order + j] - pPhi[i] * pPhi[j] / denominator) / lambda;
                }
            }
            double squared = warm ? Math.min(error[c] * error[c], CLIP * CLIP * usual) : error[c] * error[c];
            double a = Math.max(VARIANCE_ALPHA, 1.0 / (s.learned + 1));
            s.variance[c] = s.learned == 0 ? squared : usual + a * (squared - usual);
        }
        s.learned++;
        // an unexcited direction (a stuck or run-down sensor) must not blow the matrix up under forgetting
        double trace = 0;
        for (int i = 0; i < order; i++) {
            trace += s.p[i * order + i];
        }
        if (trace > 1e12 || !Double.isFinite(trace)) {
            double[] theta = s.theta;
            double[] variance = s.variance;
            long learned = s.learned;
            start(s, phi, m);
            s.theta = Double.isFinite(trace) ? theta : s.theta;
            s.variance = variance;
            s.learned = learned;
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
