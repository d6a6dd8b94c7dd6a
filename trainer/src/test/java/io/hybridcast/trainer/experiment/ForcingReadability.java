package io.hybridcast.trainer.experiment;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.fusion.ForcedSwing;
import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How well one window can tell the forcing frequency f at all: a ceiling for any latent's correlation with f
 * (docs/experiments/pendulum-paper-scale/README.md). On the experiment's test split (30 tasks of 10 sequences, seed
 * 2000, the first 50 samples of each), f read by {@link ForcedSwing}'s frequency search (the drive's front-end) from
 * the window alone, from the window with its task's five other windows (their powers summed: the windows' phases are
 * unrelated), and from the window alone where its forcing stands clear of the noise and the range's middle where it
 * does not. Prints the correlations with the true f and, by the true A, how often f is read within 0.05 Hz.
 *
 * <pre>java -cp "trainer/target/test-classes:trainer/target/classes:trainer/target/lib/*"
 *   io.hybridcast.trainer.experiment.ForcingReadability</pre>
 */
public final class ForcingReadability {

    private static final int WINDOW = 50;
    private static final int POOLED = 6;
    private static final double STEP_HZ = 0.01;

    private ForcingReadability() {
    }

    public static void main(String[] args) {
        EpisodicDataset d = EpisodicDatasets.generate(
                DatasetSpec.defaults(SystemKind.PENDULUM, 30, 10).withSteps(70), 2000);
        int n = d.size();
        double dt = d.dt();
        double[] middle = {3.14, 6.28};
        double[] truth = new double[n];
        double[] single = new double[n];
        double[] pooled = new double[n];
        double[] clearOrMiddle = new double[n];
        int clear = 0;
        for (int i = 0; i < n; i++) {
            double[][] window = Arrays.copyOf(d.observations()[i], WINDOW);
            truth[i] = d.unmodelled()[i][2];
            ForcedSwing.Forcing own = ForcedSwing.forcing(new double[][][] {window}, new long[] {0}, 0, dt);
            single[i] = own.hz();
            clearOrMiddle[i] = own.clear() ? own.hz() : (middle[0] + middle[1]) / 2;
            clear += own.clear() ? 1 : 0;
            pooled[i] = pooledHz(d, i, window, dt);
        }
        System.out.printf(Locale.ROOT, "windows %d, forcing clear in %d%n", n, clear);
        System.out.printf(Locale.ROOT, "corr with f: one window %.3f, pooled with its task's %d others %.3f, "
                        + "one window where clear else the range's middle %.3f%n", Correlation.pearson(single, truth),
                POOLED - 1, Correlation.pearson(pooled, truth), Correlation.pearson(clearOrMiddle, truth));
        for (int bin = 0; bin < 4; bin++) {
            int count = 0;
            int singleRight = 0;
            int pooledRight = 0;
            for (int i = 0; i < n; i++) {
                if (Math.min(3, (int) (d.unmodelled()[i][1] / 10)) == bin) {
                    count++;
                    singleRight += Math.abs(single[i] - truth[i]) < 0.05 ? 1 : 0;
                    pooledRight += Math.abs(pooled[i] - truth[i]) < 0.05 ? 1 : 0;
                }
            }
            System.out.printf(Locale.ROOT,
                    "A in [%d, %d): %d windows, f within 0.05 Hz: one window %.2f, pooled %.2f%n", 10 * bin,
                    10 * bin + 10, count, (double) singleRight / count, (double) pooledRight / count);
        }
    }

    /** The frequency whose sinusoids, fitted per window, have the largest summed power over the pooled windows. */
    private static double pooledHz(EpisodicDataset d, int query, double[][] window, double dt) {
        List<double[][]> set = new ArrayList<>();
        set.add(window);
        for (int j = 0; j < d.size() && set.size() < POOLED; j++) {
            if (j != query && d.taskIds()[j] == d.taskIds()[query]) {
                set.add(Arrays.copyOf(d.observations()[j], WINDOW));
            }
        }
        double best = Double.NaN;
        double bestPower = -1;
        for (double f = 2.0; f <= 0.45 / dt; f += STEP_HZ) {
            double power = 0;
            for (double[][] w : set) {
                double amplitude = ForcedSwing.amplitude(w, 0, dt, f)[0];
                power += amplitude * amplitude;
            }
            if (power > bestPower) {
                bestPower = power;
                best = f;
            }
        }
        return best;
    }
}
