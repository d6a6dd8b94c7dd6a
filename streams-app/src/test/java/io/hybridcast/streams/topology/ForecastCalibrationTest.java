package io.hybridcast.streams.topology;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-sensor forecast calibration on a simulated stream (a noisy two-channel oscillation with heavy-tailed
 * noise), forecasts issued every 5 samples for 10 steps as the streams app does, learning from every covering
 * forecast: the conformal band covers 95 % of the actuals on both channels although the model's own band is far too
 * narrow, and the mean leans on persistence where the model has no skill and on the model where it has.
 */
class ForecastCalibrationTest {

    static final int HORIZON = 10;
    static final int HOP = 5;
    static final int WARMUP = 30;

    /** One forecast awaiting its actuals. */
    record Issued(long first, double[][] model, double[][] mean, double[][] lower, double[][] upper, double[] last) {
    }

    /** Result of a simulated run: {published coverage, model-band coverage, published MSE, persistence MSE, weight}. */
    static double[] run(BiFunction<Long, Random, double[]> model, double modelHalfWidth, long samples) {
        Random random = new Random(42);
        ForecastCalibration calibration = new ForecastCalibration();
        Deque<Issued> pending = new ArrayDeque<>();
        double[] last = null;
        long scored = 0;
        long inside = 0;
        long insideModel = 0;
        double sse = 0;
        double ssePersistence = 0;
        for (long t = 0; t < samples; t++) {
            double[] x = truth(t, random);
            for (Issued f : pending) {
                int h = (int) (t - f.first());
                if (h >= 0 && h < HORIZON) {
                    boolean newest = f == pending.peekLast() || pending.peekLast().first() > t;
                    if (t > 2000 && newest) { // scored after the calibration had time to settle, newest only
                        boolean in = true;
                        boolean inModel = true;
                        for (int c = 0; c < 2; c++) {
                            in &= x[c] >= f.lower()[h][c] && x[c] <= f.upper()[h][c];
                            inModel &= Math.abs(x[c] - f.model()[h][c]) <= modelHalfWidth;
                            sse += Math.pow(x[c] - f.mean()[h][c], 2);
                            ssePersistence += Math.pow(x[c] - f.last()[c], 2);
                        }
                        scored++;
                        inside += in ? 1 : 0;
                        insideModel += inModel ? 1 : 0;
                    }
                    calibration.learn(h, HORIZON, x, f.model()[h], f.mean()[h], f.last(), 0.02);
                }
            }
            long now = t;
            pending.removeIf(f -> f.first() + HORIZON - 1 <= now);
            last = x;
            if (t % HOP == HOP - 1) {
                double[][] mean = new double[HORIZON][];
                double[][] lower = new double[HORIZON][];
                double[][] upper = new double[HORIZON][];
                for (int h = 0; h < HORIZON; h++) {
                    mean[h] = model.apply(t + 1 + h, random);
                    lower[h] = new double[] {mean[h][0] - modelHalfWidth, mean[h][1] - modelHalfWidth};
                    upper[h] = new double[] {mean[h][0] + modelHalfWidth, mean[h][1] + modelHalfWidth};
                }
                double[][][] published = calibration.apply(mean, lower, upper, last, WARMUP);
                pending.add(new Issued(t + 1, mean, published[0], published[1], published[2], last.clone()));
            }
        }
        return new double[] {(double) inside / scored, (double) insideModel / scored, sse, ssePersistence,
                calibration.modelWeight(HOP - 1)};
    }

    /** The sensor: a two-channel oscillation with Student-t (3 degrees of freedom) noise. */
    static double[] truth(long t, Random random) {
        return new double[] {Math.sin(0.05 * t) + 0.05 * studentT(random), 0.5 * Math.cos(0.05 * t) + 0.05 * studentT(random)};
    }

    static double studentT(Random random) {
        double chi2 = 0;
        for (int i = 0; i < 3; i++) {
            double g = random.nextGaussian();
            chi2 += g * g;
        }
        return random.nextGaussian() / Math.sqrt(chi2 / 3);
    }

    @Test
    void theConformalBandCovers95PercentWhereTheModelsBandIsTooNarrow() {
        // a skilful model (the noiseless oscillation) with a band of +-0.02, far narrower than the noise
        double[] r = run((t, random) -> new double[] {Math.sin(0.05 * t), 0.5 * Math.cos(0.05 * t)}, 0.02, 40_000);
        assertThat(r[1]).as("the model's own band").isLessThan(0.5);
        assertThat(r[0]).as("the published band's coverage of both channels").isBetween(0.93, 0.97);
        assertThat(r[4]).as("weight of a skilful model").isGreaterThan(0.8);
        assertThat(r[2]).as("published error below persistence's").isLessThan(r[3]);
    }

    @Test
    void aModelWithoutSkillGivesWayToPersistence() {
        // a model that forecasts the oscillation a quarter period late: worse than the last value
        double[] r = run((t, random) -> new double[] {Math.sin(0.05 * t - 1.2), 0.5 * Math.cos(0.05 * t - 1.2)},
                0.05, 40_000);
        assertThat(r[4]).as("weight of a model without skill").isLessThan(0.2);
        // forecast skill against persistence is not negative
        assertThat(1 - r[2] / r[3]).isGreaterThan(-0.02);
        assertThat(r[0]).isBetween(0.93, 0.97);
    }

    @Test
    void survivesItsStateStore() throws Exception {
        ForecastCalibration c = new ForecastCalibration();
        for (int i = 0; i < 50; i++) {
            c.learn(i % 3, 3, new double[] {i, 1}, new double[] {i + 1, 1}, new double[] {i + 0.5, 1},
                    new double[] {i - 2, 1}, 0.1);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.write(new DataOutputStream(bytes));
        ForecastCalibration read = ForecastCalibration.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (int h = 0; h < 3; h++) {
            assertThat(read.modelWeight(h)).isEqualTo(c.modelWeight(h));
            assertThat(read.multiplier(h)).isEqualTo(c.multiplier(h));
            assertThat(read.warmedUp(h, 16)).isTrue();
        }
    }
}
