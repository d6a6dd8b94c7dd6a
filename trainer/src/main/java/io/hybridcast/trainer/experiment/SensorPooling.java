package io.hybridcast.trainer.experiment;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.model.metrics.Errors;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.model.vae.PhysicsProfileFit;
import io.hybridcast.model.vae.PooledProfileFit;
import io.hybridcast.simulator.dataset.EpisodicDataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * z_p read from several consecutive windows of one pendulum, as the live sensor-level fusion reads a sensor: each
 * test sequence is {@code windows} windows long, and the decoder's profile fit is done jointly over them with one
 * shared z_p ({@link PooledProfileFit}), beside the per-window fit of its first window alone.
 *
 * <p>Why not the task's context windows: in the experiment's data a task shares the unmodelled factors (γ, A, f),
 * while ω is drawn per sequence (EpisodicDatasets), so a task's windows do not share ω; a fit that pools them with
 * one ω was measured at 31.7 % (docs/model.md). A sensor's consecutive windows do share it. Every window's encoder
 * posterior takes the first window of up to K other sequences of the same task as its context set, as in the
 * experiment; nothing of the truth is read but for scoring.
 */
final class SensorPooling {

    /**
     * Scores of the first window's own fit and of the pooled fit, on the same sequences; {@code byWindowPct}: the
     * error of every window's own fit by its place k in the sequence (seconds 2.5k to 2.5(k + 1)), and
     * {@code meanOfWindowsPct} the error of the mean of a sequence's own fits (equal weights, the simplest fusion).
     */
    record Score(int windows, double relErrSinglePct, double relErrPooledPct, double corrSingle, double corrPooled,
                 double[] coveragePooledRaw, double[] truth, double[] single, double[] pooled, double[] byWindowPct,
                 double meanOfWindowsPct) {
    }

    private SensorPooling() {
    }

    /** The scores on {@code data} (sequences of {@code windows} × {@code window} samples), or null without a fit. */
    static Score evaluate(HybridModel model, EpisodicDataset data, int window, int windows, int contextSize) {
        if (!(model instanceof HybridVae vae) || !vae.spec().usePhysics()) {
            return null;
        }
        int n = data.size();
        double[][][] first = new double[n][][];
        double[][][] all = new double[n * windows][][];
        double[][][][] contexts = new double[n * windows][][][];
        double[][][][] firstContexts = new double[n][][][];
        int[][] groups = new int[n][windows];
        for (int i = 0; i < n; i++) {
            List<double[][]> mates = new ArrayList<>();
            for (int j = 0; j < n && mates.size() < contextSize; j++) {
                if (j != i && data.taskIds()[j] == data.taskIds()[i]) {
                    mates.add(Arrays.copyOf(data.observations()[j], window));
                }
            }
            firstContexts[i] = mates.toArray(new double[0][][]);
            for (int k = 0; k < windows; k++) {
                int row = i * windows + k;
                all[row] = Arrays.copyOfRange(data.observations()[i], k * window, (k + 1) * window);
                contexts[row] = firstContexts[i];
                groups[i][k] = row;
            }
            first[i] = all[i * windows];
        }
        double[] truth = Experiment.column(data.physics(), 0);
        PhysicsProfileFit.Result single = PhysicsProfileFit.fit(vae, first, firstContexts);
        PhysicsProfileFit.Result pooled = PooledProfileFit.fit(vae, all, contexts, groups);
        PhysicsProfileFit.Result alone = PhysicsProfileFit.fit(vae, all, contexts);
        double[] byWindow = new double[windows];
        double[] meanOfWindows = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < windows; k++) {
                double z = alone.mean()[i * windows + k];
                byWindow[k] += 100 * Math.abs(z - truth[i]) / Math.abs(truth[i]) / n;
                meanOfWindows[i] += z / windows;
            }
        }
        return new Score(windows, Errors.relativeErrorPercent(single.mean(), truth),
                Errors.relativeErrorPercent(pooled.mean(), truth), Correlation.pearson(single.mean(), truth),
                Correlation.pearson(pooled.mean(), truth), Calibration.NONE.coverage(pooled.mean(), pooled.std(), truth),
                truth, single.mean(), pooled.mean(), byWindow, Errors.relativeErrorPercent(meanOfWindows, truth));
    }

    /** One seed's numbers for results.json. */
    static Map<String, Object> json(Score in, Score out, ZpBins bins, double windowSeconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windows_per_sensor", in.windows());
        m.put("rel_err_zp_profile_first_window_pct", in.relErrSinglePct());
        m.put("rel_err_zp_profile_pooled_pct", in.relErrPooledPct());
        m.put("corr_zp_profile_first_window", in.corrSingle());
        m.put("corr_zp_profile_pooled", in.corrPooled());
        m.put("coverage_zp_profile_pooled_laplace", in.coveragePooledRaw());
        m.put("rel_err_zp_profile_mean_of_windows_pct", in.meanOfWindowsPct());
        m.put("rel_err_zp_profile_by_window_pct", in.byWindowPct());
        m.put("rel_err_zp_ood_profile_by_window_pct", out.byWindowPct());
        m.put("rel_err_zp_ood_profile_first_window_pct", out.relErrSinglePct());
        m.put("rel_err_zp_ood_profile_pooled_pct", out.relErrPooledPct());
        m.put("corr_zp_ood_profile_pooled", out.corrPooled());
        m.put("zp_by_true_zp", bins.json(windowSeconds));
        return m;
    }

    /** The per-bin table of the first window's fit against the pooled one. */
    static ZpBins bins(Score in, double[] edges) {
        Map<String, double[]> estimates = new LinkedHashMap<>();
        estimates.put("profile_first_window", in.single());
        estimates.put("profile_pooled", in.pooled());
        return ZpBins.of(in.truth(), edges, estimates);
    }
}
