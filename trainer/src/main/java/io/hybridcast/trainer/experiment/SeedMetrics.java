package io.hybridcast.trainer.experiment;

import io.hybridcast.model.metrics.Mcc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The numbers results.json holds per model: means and spreads over seeds, and each seed's own. */
final class SeedMetrics {

    private SeedMetrics() {
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

    static double decodabilityOr(Experiment.Score sc,
                                         ToDoubleFunction<LatentDecodability.Result> metric) {
        LatentDecodability.Result r = decodability(sc);
        return r == null ? Double.NaN : metric.applyAsDouble(r);
    }

    /** One seed's test-time profile fit of z_p (PhysicsProfileFit), or null for a model without one. */
    static Map<String, Object> profileFit(ProfileScore p) {
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
    static List<Map<String, Object>> perSeed(List<Long> seeds, List<Experiment.Score> scores,
                                             double windowSeconds) {
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
            m.put("zp_by_true_zp", sc.zpByTrue().json(windowSeconds));
            m.put("sensor_pooling", sc.sensor() == null ? null : SensorPooling.json(sc.sensor(), sc.sensorOod(),
                    SensorPooling.bins(sc.sensor(), sc.zpByTrue().edges()), windowSeconds));
            m.put("best_step", sc.bestStep());
            m.put("steps_done", sc.stepsDone());
            m.put("train_seconds", sc.trainSeconds());
            out.add(m);
        }
        return out;
    }

    static Map<String, Double> meanStdOf(List<Double> values) {
        Map<String, Double> m = new LinkedHashMap<>();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double var = values.size() < 2 ? 0 : values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum()
                / (values.size() - 1);
        m.put("mean", Double.isNaN(mean) ? null : mean);
        m.put("std", Double.isNaN(mean) ? null : Math.sqrt(var));
        return m;
    }
}
