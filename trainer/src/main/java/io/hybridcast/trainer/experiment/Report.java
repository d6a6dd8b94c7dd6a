package io.hybridcast.trainer.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

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

    /** Writes everything into {@code dir}. */
    public static void write(Path dir, Experiment.Labels labels, ExperimentSettings settings,
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
        json.put("alpha", settings.effectiveAlpha());
        json.put("least_action_keeps_drive", settings.leastActionKeepsDrive());
        json.put("physics_warmup_steps", settings.physicsWarmupSteps());
        json.put("horizon_residual_weight", settings.horizonResidualWeight());
        json.put("solver", settings.solver());
        json.put("residual_form", settings.residualForm());
        json.put("hidden", settings.hidden());
        json.put("time_bank", settings.timeBank());
        json.put("embed_spectrum", settings.embedSpectrum());
        json.put("drive", settings.drive());
        json.put("oracle_zn", settings.oracleZn());
        json.put("sensor_pooling", settings.sensorPooling());
        json.put("profile_fit_refines_latents", settings.profileRefinesLatents());
        json.put("context_size", settings.contextSize());
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
            m.put("mse_zp", SeedMetrics.meanStd(scores, Experiment.Score::mseZp));
            m.put("rel_err_zp_pct", SeedMetrics.meanStd(scores, Experiment.Score::relErrZpPct));
            m.put("mcc_zn", SeedMetrics.meanStd(scores, Experiment.Score::mccZn));
            m.put("mcc_zn_spearman", SeedMetrics.meanStd(scores, sc -> SeedMetrics.decodabilityOr(sc, LatentDecodability.Result::mccSpearman)));
            m.put("zn_linear_r", SeedMetrics.meanStd(scores, sc -> SeedMetrics.decodabilityOr(sc, LatentDecodability.Result::meanR)));
            m.put("mse_rec", SeedMetrics.meanStd(scores, Experiment.Score::mseRec));
            m.put("mse_pred", SeedMetrics.meanStd(scores, Experiment.Score::msePred));
            m.put("mse_zp_ood", SeedMetrics.meanStd(scores, Experiment.Score::mseZpOod));
            m.put("mse_pred_ood", SeedMetrics.meanStd(scores, Experiment.Score::msePredOod));
            m.put("corr_zp", SeedMetrics.meanStd(scores, Experiment::omegaCorrelation));
            m.put("zp_at_bound_pct", SeedMetrics.meanStd(scores, Experiment.Score::zpAtBoundPct));
            m.put("train_seconds", SeedMetrics.meanStd(scores, Experiment.Score::trainSeconds));
            m.put("mcc_zn_between_seeds", SeedMetrics.meanStdOf(SeedMetrics.mccBetweenSeeds(scores)));
            m.put("coverage_95_zp", SeedMetrics.meanStd(scores, sc -> sc.coverageRaw()[2]));
            m.put("coverage_95_zp_calibrated", SeedMetrics.meanStd(scores, sc -> sc.coverageCalibrated()[2]));
            m.put("coverage_95_zp_conformal", SeedMetrics.meanStd(scores, sc -> sc.coverageConformal()[2]));
            m.put("calibration_curve_zp", SeedMetrics.calibrationCurve(scores));
            m.put("corr_zp_ood", SeedMetrics.meanStd(scores, Experiment.Score::corrZpOod));
            m.put("rel_err_zp_ood_pct", SeedMetrics.meanStd(scores, Experiment.Score::relErrZpOodPct));
            if (scores.get(0).profile() != null) {
                m.put("zp_fit_method", TestTimeFit.method(settings.system()));
                m.put("rel_err_zp_profile_pct", SeedMetrics.meanStd(scores, sc -> sc.profile().relErrZpPct()));
                // the same read-out on the validation split (simulated tasks with known parameters, disjoint from
                // the test tasks): what a hyperparameter such as --alpha is chosen on, so the test stays held out
                m.put("rel_err_zp_profile_validation_pct",
                        SeedMetrics.meanStd(scores, sc -> sc.profile().relErrZpValidationPct()));
                m.put("mse_zp_profile", SeedMetrics.meanStd(scores, sc -> sc.profile().mseZp()));
                m.put("rel_err_zp_ood_profile_pct", SeedMetrics.meanStd(scores, sc -> sc.profile().relErrZpOodPct()));
                m.put("corr_zp_ood_profile", SeedMetrics.meanStd(scores, sc -> sc.profile().corrZpOod()));
                m.put("coverage_95_zp_profile_conformal", SeedMetrics.meanStd(scores, sc -> sc.profile().coverageConformal()[2]));
                ReportFits.pooledJson(m, scores);
            }
            m.put("zp_by_true_zp", ZpBins.meanOver(scores.stream().map(Experiment.Score::zpByTrue).toList())
                    .json(ReportFits.windowSeconds(labels)));
            m.put("best_step", SeedMetrics.meanStd(scores, Experiment.Score::bestStep));
            if (scores.get(0).driveLatents() != null) {
                m.put("mcc_unmodelled_latents", SeedMetrics.meanStd(scores, UnmodelledLatents::mccOrNaN));
            }
            m.put("per_seed", SeedMetrics.perSeed(settings.seeds(), scores, ReportFits.windowSeconds(labels)));
            if (scores.get(0).driveLatents() != null) {
                perSeedUnmodelled(m, scores, labels.unmodelledNames());
            }
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

        ReportPlots.plotHorizon(dir.resolve("mse_vs_horizon.png"), results);
        ReportPlots.plotScatter(dir.resolve("zp_learned_vs_true.png"), results, zp);
        ReportPlots.plotLatents(dir.resolve("zn_learned_vs_true.png"), results, false);
        ReportPlots.plotLatents(dir.resolve("zn_seed_vs_seed.png"), results, true);
        if (!mccVsTasks.isEmpty()) {
            ReportPlots.plotSweep(dir.resolve("mcc_vs_tasks.png"), settings, sweepTasks, mccVsTasks, results);
        }

        StringBuilder md = new StringBuilder();
        md.append("# Experiment: ").append(dataset).append("\n\n");
        if (settings.oracleZn()) {
            md.append("**Oracle ablation (offline, never served): the VAEs' z_n was set to the true unmodelled "
                    + "parameters of each window; their MCC and decodability are the truth's, not learnt.**\n\n");
        }
        md.append("Command (rerun to reproduce; every number below comes from it):\n\n```\n").append(command)
                .append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "Settings: %d training tasks × %d sequences (50 samples of %d "
                        + "channel(s), dt %s s), %d test tasks in distribution (%s ∈ [%s, %s]) and %d out of distribution "
                        + "(%s ∈ [%s, %s]), prior range of %s [%s, %s], "
                        + "%d epochs, batch %d, Adam lr %s, K = %d context sequences, forecast horizon %d, seeds %s; "
                        + "physics head map %s, KL weight %s, least-action α %s, physics warm-up %d steps, R_horizon weight %s. "
                        + "Wall time of the whole run: %.0f s on this machine (2 shared cores, one training at a time).%n%n",
                settings.trainTasks(), settings.perTask(), labels.channels(), labels.dt(), settings.testTasks(), zp,
                labels.trainRange()[0], labels.trainRange()[1], settings.testTasks(), zp, labels.oodRange()[0],
                labels.oodRange()[1], zp, labels.priorRange()[0], labels.priorRange()[1], settings.epochs(),
                settings.batchSize(), settings.learningRate(), settings.contextSize(), settings.horizon(),
                settings.seeds(), settings.physicsHeadMap(), settings.klWeight(), settings.effectiveAlpha()
                        + (settings.leastActionKeepsDrive() ? " (measured against physics + drive)" : ""),
                settings.physicsWarmupSteps(),
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
                .append(cell(scores, Experiment.Score::zpAtBoundPct)).append(cell(scores, Experiment.Score::trainSeconds)).append(cell(SeedMetrics.meanStdOf(SeedMetrics.mccBetweenSeeds(scores))))
                .append(" |\n"));
        md.append("\nn/a: undefined for that model (APHYNITY has no neural latent z_n).\n");
        results.forEach((variant, scores) -> {
            if (scores.get(0).driveLatents() != null) {
                md.append("\nMCC of z_n with the drive's f and A (the drive keeps the forcing outside z_n), ")
                        .append(variant.id()).append(": ")
                        .append(cell(scores, UnmodelledLatents::mccOrNaN).substring(" | ".length()))
                        .append(" (pairs per seed in results.json).\n");
            }
        });
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
        md.append(ReportFits.markdown(labels, results));
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
        return cell(SeedMetrics.meanStd(scores, f));
    }

    private static String cell(Map<String, Double> m) {
        return m.get("mean") == null ? " | n/a"
                : String.format(Locale.ROOT, " | %.4g ± %.2g", m.get("mean"), m.get("std"));
    }

    static double[] append(double[] a, double v) {
        double[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    static int[] appendInt(int[] a, int v) {
        int[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }


    /** Each seed's MCC of z_n with the drive's f and A, and its matched pairs, beside the seed's other numbers. */
    @SuppressWarnings("unchecked")
    private static void perSeedUnmodelled(Map<String, Object> model, List<Experiment.Score> scores,
                                          List<String> factorNames) {
        List<Map<String, Object>> perSeed = (List<Map<String, Object>>) model.get("per_seed");
        for (int i = 0; i < scores.size(); i++) {
            perSeed.get(i).put("mcc_unmodelled_latents", UnmodelledLatents.mccOrNaN(scores.get(i)));
            perSeed.get(i).put("unmodelled_latent_pairs", UnmodelledLatents.pairs(scores.get(i), factorNames));
            perSeed.get(i).put("drive_reading_correlations",
                    UnmodelledLatents.driveCorrelations(scores.get(i), factorNames));
        }
    }
}
