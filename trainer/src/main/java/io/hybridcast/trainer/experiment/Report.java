package io.hybridcast.trainer.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import io.hybridcast.model.metrics.Mcc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Writes an experiment's results.json (the schema), report.md and PNG plots. */
public final class Report {

    private Report() {
    }

    /** Mean and sample standard deviation. */
    static Map<String, Double> meanStd(List<Experiment.Score> scores, ToDoubleFunction<Experiment.Score> f) {
        double mean = scores.stream().mapToDouble(f).average().orElse(Double.NaN);
        double var = scores.size() < 2 ? 0 : scores.stream().mapToDouble(f).map(v -> (v - mean) * (v - mean)).sum()
                / (scores.size() - 1);
        Map<String, Double> m = new LinkedHashMap<>();
        // undefined metrics (APHYNITY's MCC: it has no neural latent) are null in results.json, not "NaN"
        m.put("mean", Double.isNaN(mean) ? null : mean);
        m.put("std", Double.isNaN(mean) ? null : Math.sqrt(var));
        return m;
    }

    /**
     * MCC (Pearson, Hungarian-matched) between the z_n that two seeds learn on the same test windows, for every
     * pair of seeds: an identifiable model learns the same latents twice (SCIENCE.md section 4). Empty when the
     * model has no neural latent or there is one seed.
     */
    static List<Double> mccBetweenSeeds(List<Experiment.Score> scores) {
        List<Double> out = new java.util.ArrayList<>();
        for (int a = 0; a < scores.size(); a++) {
            for (int b = a + 1; b < scores.size(); b++) {
                if (scores.get(a).learnedZn()[0].length > 0) {
                    out.add(Mcc.compute(scores.get(a).learnedZn(), scores.get(b).learnedZn(), Mcc.Method.PEARSON)
                            .mcc());
                }
            }
        }
        return out;
    }

    /** Expected against observed coverage of the z_p intervals, before and after the calibration (mean over seeds). */
    static Map<String, Object> calibrationCurve(List<Experiment.Score> scores) {
        Map<String, Object> curve = new LinkedHashMap<>();
        int levels = Calibration.LEVELS.length;
        double[] raw = new double[levels];
        double[] calibrated = new double[levels];
        double[] conformal = new double[levels];
        for (int k = 0; k < levels; k++) {
            int level = k;
            raw[k] = scores.stream().mapToDouble(sc -> sc.coverageRaw()[level]).average().orElse(Double.NaN);
            calibrated[k] = scores.stream().mapToDouble(sc -> sc.coverageCalibrated()[level]).average()
                    .orElse(Double.NaN);
            conformal[k] = scores.stream().mapToDouble(sc -> sc.coverageConformal()[level]).average()
                    .orElse(Double.NaN);
        }
        curve.put("expected", Calibration.LEVELS);
        curve.put("observed", raw);
        curve.put("observed_calibrated", calibrated);
        curve.put("observed_conformal", conformal);
        curve.put("method", "observed_calibrated: variance scaling fitted on the validation split (Calibration); "
                + "observed_conformal: split-conformal quantile per level on the same split (ConformalCalibration)");
        return curve;
    }

    /** Decodability of the true unmodelled factors from z_n; null for a model without neural latents. */
    static LatentDecodability.Result decodability(Experiment.Score sc) {
        return sc.learnedZn()[0].length == 0 ? null : LatentDecodability.of(sc.learnedZn(), sc.trueZn());
    }

    private static double decodabilityOr(Experiment.Score sc,
                                         ToDoubleFunction<LatentDecodability.Result> metric) {
        LatentDecodability.Result r = decodability(sc);
        return r == null ? Double.NaN : metric.applyAsDouble(r);
    }

    /** One seed's test-time profile fit of z_p (PhysicsProfileFit), or null for a model without one. */
    static Map<String, Object> profileFit(Experiment.ProfileScore p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mse_zp", p.mseZp());
        m.put("rel_err_zp_pct", p.relErrZpPct());
        m.put("corr_zp", p.corrZp());
        m.put("rel_err_zp_ood_pct", p.relErrZpOodPct());
        m.put("corr_zp_ood", p.corrZpOod());
        m.put("coverage_zp", p.coverageRaw());
        m.put("coverage_zp_conformal", p.coverageConformal());
        return m;
    }

    /** Every seed's own numbers, so a run of one seed per process can be merged and checked. */
    static List<Map<String, Object>> perSeed(List<Long> seeds, List<Experiment.Score> scores) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            Experiment.Score sc = scores.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seed", seeds.get(i));
            m.put("mse_zp", sc.mseZp());
            m.put("rel_err_zp_pct", sc.relErrZpPct());
            m.put("mcc_zn", Double.isNaN(sc.mccZn()) ? null : sc.mccZn());
            LatentDecodability.Result zn = decodability(sc);
            m.put("mcc_zn_spearman", zn == null ? null : zn.mccSpearman());
            m.put("zn_linear_r", zn == null ? null : zn.meanR());
            m.put("zn_linear_r_per_factor", zn == null ? null : zn.perFactor());
            m.put("mse_pred", sc.msePred());
            m.put("coverage_zp", sc.coverageRaw());
            m.put("coverage_zp_calibrated", sc.coverageCalibrated());
            m.put("coverage_zp_conformal", sc.coverageConformal());
            m.put("calibration_scale", Double.isNaN(sc.calibration().scale()) ? null : sc.calibration().scale());
            m.put("calibration_constant_std",
                    Double.isNaN(sc.calibration().constant()) ? null : sc.calibration().constant());
            m.put("mse_zp_ood", sc.mseZpOod());
            m.put("rel_err_zp_ood_pct", sc.relErrZpOodPct());
            m.put("corr_zp_ood", Double.isNaN(sc.corrZpOod()) ? null : sc.corrZpOod());
            m.put("profile_fit", profileFit(sc.profile()));
            m.put("best_step", sc.bestStep());
            m.put("steps_done", sc.stepsDone());
            m.put("train_seconds", sc.trainSeconds());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Double> meanStdOf(List<Double> values) {
        Map<String, Double> m = new LinkedHashMap<>();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double var = values.size() < 2 ? 0 : values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum()
                / (values.size() - 1);
        m.put("mean", Double.isNaN(mean) ? null : mean);
        m.put("std", Double.isNaN(mean) ? null : Math.sqrt(var));
        return m;
    }

    /** Writes everything into {@code dir}. */
    public static void write(Path dir, Experiment.Labels labels, Experiment.Settings settings,
                             Map<ModelVariant, List<Experiment.Score>> results, String command, double wallSeconds,
                             Map<String, Double> stepMillis, int[] sweepTasks,
                             Map<ModelVariant, double[]> mccVsTasks) throws IOException {
        String dataset = labels.dataset();
        String zp = labels.physicsName();
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", dataset);
        json.put("seeds", settings.seeds());
        json.put("physics_head", settings.physicsHeadMap());
        json.put("kl_weight", settings.klWeight());
        json.put("physics_warmup_steps", settings.physicsWarmupSteps());
        json.put("horizon_residual_weight", settings.horizonResidualWeight());
        json.put("solver", settings.solver());
        json.put("prior", settings.plausiblePrior() ? "plausible" : "service");
        json.put("prior_range", labels.priorRange());
        json.put("validate_every", settings.validateEvery());
        json.put("patience", settings.validateEvery() > 0 ? settings.patience() : null);
        json.put("max_minutes", settings.validateEvery() > 0 ? settings.maxMinutes() : null);
        Experiment.Score any = results.values().iterator().next().get(0);
        Map<String, Object> edge = new LinkedHashMap<>();
        edge.put("mse_zp_ood", any.mseZpOodEdge());
        edge.put("rel_err_zp_ood_pct", any.relErrZpOodEdgePct());
        json.put("ood_nearest_edge_baseline", edge);
        Map<String, Object> models = new LinkedHashMap<>();
        results.forEach((variant, scores) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mse_zp", meanStd(scores, Experiment.Score::mseZp));
            m.put("rel_err_zp_pct", meanStd(scores, Experiment.Score::relErrZpPct));
            m.put("mcc_zn", meanStd(scores, Experiment.Score::mccZn));
            m.put("mcc_zn_spearman", meanStd(scores, sc -> decodabilityOr(sc, LatentDecodability.Result::mccSpearman)));
            m.put("zn_linear_r", meanStd(scores, sc -> decodabilityOr(sc, LatentDecodability.Result::meanR)));
            m.put("mse_rec", meanStd(scores, Experiment.Score::mseRec));
            m.put("mse_pred", meanStd(scores, Experiment.Score::msePred));
            m.put("mse_zp_ood", meanStd(scores, Experiment.Score::mseZpOod));
            m.put("mse_pred_ood", meanStd(scores, Experiment.Score::msePredOod));
            m.put("corr_zp", meanStd(scores, Experiment::omegaCorrelation));
            m.put("zp_at_bound_pct", meanStd(scores, Experiment.Score::zpAtBoundPct));
            m.put("train_seconds", meanStd(scores, Experiment.Score::trainSeconds));
            m.put("mcc_zn_between_seeds", meanStdOf(mccBetweenSeeds(scores)));
            m.put("coverage_95_zp", meanStd(scores, sc -> sc.coverageRaw()[2]));
            m.put("coverage_95_zp_calibrated", meanStd(scores, sc -> sc.coverageCalibrated()[2]));
            m.put("coverage_95_zp_conformal", meanStd(scores, sc -> sc.coverageConformal()[2]));
            m.put("calibration_curve_zp", calibrationCurve(scores));
            m.put("corr_zp_ood", meanStd(scores, Experiment.Score::corrZpOod));
            m.put("rel_err_zp_ood_pct", meanStd(scores, Experiment.Score::relErrZpOodPct));
            if (scores.get(0).profile() != null) {
                m.put("rel_err_zp_profile_pct", meanStd(scores, sc -> sc.profile().relErrZpPct()));
                m.put("mse_zp_profile", meanStd(scores, sc -> sc.profile().mseZp()));
                m.put("rel_err_zp_ood_profile_pct", meanStd(scores, sc -> sc.profile().relErrZpOodPct()));
                m.put("corr_zp_ood_profile", meanStd(scores, sc -> sc.profile().corrZpOod()));
                m.put("coverage_95_zp_profile_conformal", meanStd(scores, sc -> sc.profile().coverageConformal()[2]));
            }
            m.put("best_step", meanStd(scores, Experiment.Score::bestStep));
            m.put("per_seed", perSeed(settings.seeds(), scores));
            models.put(variant.id(), m);
        });
        json.put("models", models);
        if (!mccVsTasks.isEmpty()) {
            Map<String, Object> sweep = new LinkedHashMap<>();
            mccVsTasks.forEach((variant, mcc) -> {
                Map<String, Object> curve = new LinkedHashMap<>();
                curve.put("tasks", appendInt(sweepTasks, settings.trainTasks()));
                curve.put("mcc_zn", append(mcc, results.get(variant).get(0).mccZn()));
                sweep.put(variant.id(), curve);
            });
            json.put("mcc_vs_tasks", sweep);
        }
        if (!stepMillis.isEmpty()) {
            json.put("step_ms_batch200", stepMillis);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);

        plotHorizon(dir.resolve("mse_vs_horizon.png"), results);
        plotScatter(dir.resolve("zp_learned_vs_true.png"), results, zp);
        plotLatents(dir.resolve("zn_learned_vs_true.png"), results, false);
        plotLatents(dir.resolve("zn_seed_vs_seed.png"), results, true);
        if (!mccVsTasks.isEmpty()) {
            plotSweep(dir.resolve("mcc_vs_tasks.png"), settings, sweepTasks, mccVsTasks, results);
        }

        StringBuilder md = new StringBuilder();
        md.append("# Experiment: ").append(dataset).append("\n\n");
        md.append("Command (rerun to reproduce; every number below comes from it):\n\n```\n").append(command)
                .append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "Settings: %d training tasks × %d sequences (50 samples of %d "
                        + "channel(s), dt %s s), %d test tasks in distribution (%s ∈ [%s, %s]) and %d out of distribution "
                        + "(%s ∈ [%s, %s]), prior range of %s [%s, %s], "
                        + "%d epochs, batch %d, Adam lr %s, K = %d context sequences, forecast horizon %d, seeds %s; "
                        + "physics head map %s, KL weight %s, physics warm-up %d steps, R_horizon weight %s. "
                        + "Wall time of the whole run: %.0f s on this machine (2 shared cores, one training at a time).%n%n",
                settings.trainTasks(), settings.perTask(), labels.channels(), labels.dt(), settings.testTasks(), zp,
                labels.trainRange()[0], labels.trainRange()[1], settings.testTasks(), zp, labels.oodRange()[0],
                labels.oodRange()[1], zp, labels.priorRange()[0], labels.priorRange()[1], settings.epochs(),
                settings.batchSize(), settings.learningRate(), settings.contextSize(), settings.horizon(),
                settings.seeds(), settings.physicsHeadMap(), settings.klWeight(), settings.physicsWarmupSteps(),
                settings.horizonResidualWeight(), wallSeconds));
        if (!stepMillis.isEmpty()) {
            md.append("One training step at batch 200 (" + dataset + ", RK4, one core, median of the timed steps after a "
                    + "warm-up step, measured by this run): ");
            stepMillis.forEach((k, v) -> md.append(String.format(Locale.ROOT, "%s %.0f ms; ", k, v)));
            md.append("\n\n");
        }
        md.append("Mean ± std over seeds. z_p = " + zp + "; z_n against the true (" + String.join(", ",
                labels.unmodelledNames()) + ") with the Hungarian-matched Pearson MCC. Lower is better except MCC and "
                + "corr(z_p). z_p on a bound: share of test windows whose z_p sits on an end of the prior range.\n\n");
        md.append("| model | MSE z_p | rel. err z_p % | corr(ẑ_p, z_p) | MCC z_n | MSE rec | MSE pred | MSE z_p OOD | "
                + "MSE pred OOD | z_p on a bound % | train s | MCC z_n seed vs seed |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((variant, scores) -> md.append("| ").append(variant.id())
                .append(cell(scores, Experiment.Score::mseZp)).append(cell(scores, Experiment.Score::relErrZpPct))
                .append(cell(scores, Experiment::omegaCorrelation)).append(cell(scores, Experiment.Score::mccZn))
                .append(cell(scores, Experiment.Score::mseRec)).append(cell(scores, Experiment.Score::msePred))
                .append(cell(scores, Experiment.Score::mseZpOod)).append(cell(scores, Experiment.Score::msePredOod))
                .append(cell(scores, Experiment.Score::zpAtBoundPct)).append(cell(scores, Experiment.Score::trainSeconds)).append(cell(meanStdOf(mccBetweenSeeds(scores))))
                .append(" |\n"));
        md.append("\nn/a: undefined for that model (APHYNITY has no neural latent z_n).\n");
        md.append(String.format(Locale.ROOT, "%nOut of the training range (%s ∈ [%s, %s], training range [%s, %s], "
                        + "prior range [%s, %s]). Nearest-edge baseline (every window guesses the nearest end of the "
                        + "training range): MSE %.4g, rel. err %.3g %%.%n%n| model | MSE z_p OOD | rel. err z_p OOD %% | "
                        + "corr(ẑ_p, z_p) OOD | MSE pred OOD |%n|---|---|---|---|---|%n", zp, labels.oodRange()[0],
                labels.oodRange()[1], labels.trainRange()[0], labels.trainRange()[1], labels.priorRange()[0],
                labels.priorRange()[1], any.mseZpOodEdge(), any.relErrZpOodEdgePct()));
        results.forEach((variant, scores) -> md.append("| ").append(variant.id())
                .append(cell(scores, Experiment.Score::mseZpOod)).append(cell(scores, Experiment.Score::relErrZpOodPct))
                .append(cell(scores, Experiment.Score::corrZpOod)).append(cell(scores, Experiment.Score::msePredOod))
                .append(" |\n"));
        md.append("\nCalibration of the z_p posterior: observed coverage of the central 50/80/95 % intervals on the "
                + "test windows, as the model gives them and after variance scaling fitted on the validation split "
                + "(a point-estimate model gets the validation RMSE as its σ), and with split-conformal quantiles per level "
                + "fitted on the same split.\n\n| model | 50 % | 80 % | 95 % | 50 % cal. | 80 % cal. | 95 % cal. | "
                + "50 % conf. | 80 % conf. | 95 % conf. |\n|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((variant, scores) -> {
            md.append("| ").append(variant.id());
            for (int k = 0; k < Calibration.LEVELS.length; k++) {
                int level = k;
                md.append(cell(scores, sc -> sc.coverageRaw()[level]));
            }
            for (int k = 0; k < Calibration.LEVELS.length; k++) {
                int level = k;
                md.append(cell(scores, sc -> sc.coverageCalibrated()[level]));
            }
            for (int k = 0; k < Calibration.LEVELS.length; k++) {
                int level = k;
                md.append(cell(scores, sc -> sc.coverageConformal()[level]));
            }
            md.append(" |\n");
        });
        if (!mccVsTasks.isEmpty()) {
            md.append("\nMCC of z_n against the number of training tasks (first seed; every point trained for the same "
                    + "number of optimiser steps as the main runs):\n\n| model |");
            for (int t : appendInt(sweepTasks, settings.trainTasks())) {
                md.append(' ').append(t).append(" tasks |");
            }
            md.append("\n|---|").append("---|".repeat(sweepTasks.length + 1)).append('\n');
            mccVsTasks.forEach((variant, mcc) -> {
                md.append("| ").append(variant.id()).append(" |");
                for (double v : append(mcc, results.get(variant).get(0).mccZn())) {
                    md.append(String.format(Locale.ROOT, " %.3f |", v));
                }
                md.append('\n');
            });
            md.append("\n![MCC vs tasks](mcc_vs_tasks.png)\n");
        }
        md.append("\n![prediction MSE vs horizon](mse_vs_horizon.png)\n![learned vs true z_p](zp_learned_vs_true.png)\n"
                + "![learned vs true z_n](zn_learned_vs_true.png)\n![z_n of two seeds](zn_seed_vs_seed.png)\n");
        Files.writeString(dir.resolve("report.md"), md.toString());
    }

    private static String cell(List<Experiment.Score> scores, ToDoubleFunction<Experiment.Score> f) {
        return cell(meanStd(scores, f));
    }

    private static String cell(Map<String, Double> m) {
        return m.get("mean") == null ? " | n/a"
                : String.format(Locale.ROOT, " | %.4g ± %.2g", m.get("mean"), m.get("std"));
    }

    private static double[] append(double[] a, double v) {
        double[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    private static int[] appendInt(int[] a, int v) {
        int[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    private static void plotSweep(Path file, Experiment.Settings settings, int[] tasks,
                                  Map<ModelVariant, double[]> mccVsTasks,
                                  Map<ModelVariant, List<Experiment.Score>> results) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("MCC of z_n vs number of training tasks")
                .xAxisTitle("training tasks").yAxisTitle("MCC (Pearson)").build();
        double[] x = java.util.Arrays.stream(appendInt(tasks, settings.trainTasks())).asDoubleStream().toArray();
        mccVsTasks.forEach((variant, mcc) ->
                chart.addSeries(variant.id(), x, append(mcc, results.get(variant).get(0).mccZn())));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Scatter of each model's best-matched learned latent (first seed) against the true unmodelled factor it is
     * matched to, or, with {@code seedVsSeed}, against the matched latent of the second seed.
     */
    private static void plotLatents(Path file, Map<ModelVariant, List<Experiment.Score>> results, boolean seedVsSeed)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(600)
                .title(seedVsSeed ? "z_n: seed 1 vs seed 2 (best Hungarian-matched pair, test set)"
                        : "Learned z_n vs matched true factor (best pair, first seed, test set)")
                .xAxisTitle(seedVsSeed ? "latent, seed 1" : "true factor").yAxisTitle("latent").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        boolean any = false;
        for (Map.Entry<ModelVariant, List<Experiment.Score>> e : results.entrySet()) {
            List<Experiment.Score> scores = e.getValue();
            if (!e.getKey().hasNeural() || scores.get(0).learnedZn()[0].length == 0
                    || (seedVsSeed && scores.size() < 2)) {
                continue;
            }
            double[][] reference = seedVsSeed ? scores.get(1).learnedZn() : scores.get(0).trueZn();
            Mcc.Result r = Mcc.compute(scores.get(0).learnedZn(), reference, Mcc.Method.PEARSON);
            int best = 0;
            for (int k = 1; k < r.correlations().size(); k++) {
                if (r.correlations().get(k) > r.correlations().get(best)) {
                    best = k;
                }
            }
            int[] pair = r.pairs().get(best);
            chart.addSeries(String.format(Locale.ROOT, "%s (|r| %.2f)", e.getKey().id(), r.correlations().get(best)),
                    Experiment.column(reference, pair[1]), Experiment.column(scores.get(0).learnedZn(), pair[0]));
            any = true;
        }
        if (!any) {
            chart.addSeries("no model with z_n", new double[] {0}, new double[] {0});
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void plotHorizon(Path file, Map<ModelVariant, List<Experiment.Score>> results) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Prediction MSE vs horizon (mean over seeds)")
                .xAxisTitle("steps beyond the window").yAxisTitle("MSE").build();
        chart.getStyler().setYAxisLogarithmic(true);
        results.forEach((variant, scores) -> {
            int h = scores.get(0).msePredPerStep().length;
            double[] x = new double[h];
            double[] y = new double[h];
            for (int t = 0; t < h; t++) {
                x[t] = t + 1;
                int step = t;
                y[t] = Math.max(1e-8, scores.stream().mapToDouble(s -> s.msePredPerStep()[step]).average().orElse(0));
            }
            chart.addSeries(variant.id(), x, y).setMarker(SeriesMarkers.NONE);
        });
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void plotScatter(Path file, Map<ModelVariant, List<Experiment.Score>> results, String zp)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(600).title("Learned vs true " + zp
                        + " (test set, first seed)").xAxisTitle("true " + zp).yAxisTitle("learned " + zp).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        results.forEach((variant, scores) -> {
            if (variant.hasPhysics()) {
                chart.addSeries(variant.id(), scores.get(0).trueZp(), scores.get(0).learnedZp());
            }
        });
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
