package io.hybridcast.streams.topology;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Forecast deviation as a sequential test whose false-alarm rate is set by design: a CUSUM of the per-sample
 * log-likelihood ratio "the sensor's calibrated residuals have grown {@link #RHO} times in variance" against "they
 * are as calibrated", with its threshold derived from a target average run length (ARL) and the sensor's own
 * increments, not tuned on any truth.
 *
 * <p>Per actual, with s = mean over the m channels of z², z the residual of the published mean in units of the
 * sensor's calibrated RMS error at that horizon step ({@link ForecastCalibration#scale}), the increment is
 * {@code l = 1/2 ((1 - 1/rho) min(s, S_CAP) - ln rho)} (one degree of freedom: channels move together) and
 * {@code S = max(0, S + l)}. For independent residuals l
 * is a log-likelihood ratio, so {@code E[e^l] = 1} and the run length to a threshold h is about e^h (Wald). The
 * residuals of consecutive steps and of overlapping forecasts are strongly correlated, though, which lengthens
 * the excursions of S: in the Brownian approximation the exponent shrinks from 1 to 1/tau, tau the variance
 * inflation of the increments (long-run variance, from block sums of two horizons, over the per-sample
 * variance). So {@code theta = 1 / tau} and h solves {@code ARL = (e^(theta h) - 1 - theta h) / (theta |mu|)}, mu the
 * increments' mean; mu, tau come from this sensor's own normal samples, tau as an upper 95 % confidence bound
 * over the blocks seen (a variance from a few blocks is often far too small, and then the test alarms several
 * times as often as set). Simulated AR(1) residuals (coefficient 0.5, 0.9, 0.97; blocks of 40, 2e6 samples,
 * target ARL 20 000, {@code DeviationCusumTest}) alarm 13, 37 and 95 times against 100 at the target rate; with
 * Wald's i.i.d. threshold ln(ARL), 369, 4 918 and 4 249 times. The cap on s keeps one wild sample (a spike: the sensor-fault checks' business) from raising
 * alone.
 */
public final class DeviationCusum {

    /** The variance inflation the test is tuned to detect (a noise burst, a step the forecast misses). */
    static final double RHO = 4;
    /** Mean square standardised residual counted at most per sample. */
    static final double S_CAP = 25;
    /** Block sums needed before the threshold is trusted (and the test judges). */
    static final long MIN_BLOCKS = 15;
    /** Memory of the moments, in blocks (100 blocks of two horizons: minutes at 20 Hz). */
    static final double MEMORY_BLOCKS = 100;

    private double statistic;
    private long startSequence = -1;
    private long blocks;
    private double blockMean;
    private double blockSquare;
    private long samples;
    private double sampleMean;
    private double sampleSquare;
    private double running;
    private int inBlock;
    /** Samples the test stays silent for after an alarm or an operating event (the calibration absorbs a change). */
    private long hold;
    // the raising values, for the alarm's message (not state: read right after observe)
    private transient double lastStatistic;
    private transient double lastThreshold;

    /**
     * The per-sample increment for a mean square standardised residual {@code s} over the channels, as one
     * chi-square degree of freedom: a line's 20 probes move together, and counting them as 20 independent channels
     * let 3 samples raise (the live example run's line alarmed every ~90 s); for independent channels it errs on the
     * quiet side.
     */
    public static double increment(double s) {
        return 0.5 * ((1 - 1 / RHO) * Math.min(s, S_CAP) - Math.log(RHO));
    }

    /**
     * Restarts the test and keeps it silent for {@code samples} judged actuals: after an operating event (forecasts
     * whose windows straddle a drive switched on are not the sensor's usual error) or an alarm.
     */
    public void restart(long samples) {
        statistic = 0;
        // before warm-up the test does not judge, and a hold would never count down (it counts judged actuals, and
        // the moments that warm the test up are not learnt while holding): an event at a sensor's first reading
        // (START_UP) silenced the noise check for good
        hold = warmedUp() ? samples : 0;
    }

    /**
     * The threshold giving an average run length of {@code arlSamples} for increments of mean {@code mu} (< 0)
     * and variance inflation {@code tau} (≥ 1); infinite if the increments do not drift down.
     */
    static double threshold(double mu, double tau, double arlSamples) {
        if (!(mu < 0) || !(tau >= 1)) {
            return Double.POSITIVE_INFINITY;
        }
        double theta = 1 / tau;
        double c = arlSamples * theta * -mu;
        double y = Math.log1p(c);
        for (int i = 0; i < 50; i++) { // fixed point of e^y - 1 - y = c, increasing to the root
            y = Math.log1p(c + y);
        }
        return y / theta;
    }

    /** Whether enough of the sensor's own blocks set the threshold. */
    public boolean warmedUp() {
        return blocks >= MIN_BLOCKS;
    }

    /** The current threshold for a target run length of {@code arlSamples}, from blocks of {@code block}. */
    public double threshold(int block, double arlSamples) {
        double variance = sampleSquare - sampleMean * sampleMean;
        if (!(variance > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double longRun = Math.max(0, blockSquare - blockMean * blockMean) / block;
        // upper 95 % bound of a variance from k blocks: divide by 1 - 1.645 sqrt(2 / k) (normal approximation)
        double k = Math.min(blocks, MEMORY_BLOCKS);
        double upper = 1 / Math.max(0.25, 1 - 1.645 * Math.sqrt(2 / k));
        return threshold(sampleMean, Math.max(1, upper * longRun / variance), arlSamples);
    }

    public double statistic() {
        return statistic;
    }

    /** The statistic and threshold at the last raised alarm. */
    public double lastStatistic() {
        return lastStatistic;
    }

    public double lastThreshold() {
        return lastThreshold;
    }

    /** Whether the test is holding (after an alarm or an event). */
    public boolean active() {
        return hold > 0;
    }

    /** The sequence where the statistic last left zero: the evidence of a raised alarm starts there. */
    public long startSequence() {
        return startSequence;
    }

    /**
     * Adds one actual's increment at {@code sequence}; judged only when {@code judged} (the step's calibration and
     * this test's blocks have warmed up). Learns the increments' moments outside holds only. Returns true when the
     * alarm is raised at this sample; the test then holds for {@code holdAfterAlarm} judged actuals.
     */
    public boolean observe(double increment, long sequence, boolean judged, int block, double arlSamples,
                           long holdAfterAlarm) {
        if (hold == 0) {
            samples++;
            double b = Math.max(1 / (MEMORY_BLOCKS * block), 1.0 / samples);
            sampleMean += b * (increment - sampleMean);
            sampleSquare += b * (increment * increment - sampleSquare);
            running += increment;
            if (++inBlock >= block) {
                blocks++;
                double a = Math.max(1 / MEMORY_BLOCKS, 1.0 / blocks);
                blockMean += a * (running - blockMean);
                blockSquare += a * (running * running - blockSquare);
                running = 0;
                inBlock = 0;
            }
        }
        if (!judged || !warmedUp()) {
            statistic = 0;
            return false;
        }
        if (hold > 0) {
            hold--;
            statistic = 0;
            return false;
        }
        if (statistic == 0) {
            startSequence = sequence;
        }
        statistic = Math.max(0, statistic + increment);
        double threshold = threshold(block, arlSamples);
        if (statistic > threshold) {
            lastStatistic = statistic;
            lastThreshold = threshold;
            // restart, silent while the calibration absorbs the change (about two of its memories): a fault that
            // lasts raises again after that, a step the calibration absorbed does not, and a later fault on the
            // same sensor is caught (a latch held until the statistic fell to 0 stayed raised through a later noise
            // burst in the live example run)
            restart(holdAfterAlarm);
            return true;
        }
        return false;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeDouble(statistic);
        out.writeLong(startSequence);
        out.writeLong(blocks);
        out.writeDouble(blockMean);
        out.writeDouble(blockSquare);
        out.writeLong(samples);
        out.writeDouble(sampleMean);
        out.writeDouble(sampleSquare);
        out.writeDouble(running);
        out.writeInt(inBlock);
        out.writeLong(hold);
    }

    public static DeviationCusum read(DataInputStream in) throws IOException {
        DeviationCusum c = new DeviationCusum();
        c.statistic = in.readDouble();
        c.startSequence = in.readLong();
        c.blocks = in.readLong();
        c.blockMean = in.readDouble();
        c.blockSquare = in.readDouble();
        c.samples = in.readLong();
        c.sampleMean = in.readDouble();
        c.sampleSquare = in.readDouble();
        c.running = in.readDouble();
        c.inBlock = in.readInt();
        c.hold = in.readLong();
        return c;
    }
}
