package io.hybridcast.trainer.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The report's parts on z_p read from a pendulum's consecutive windows together ({@link SensorPooling}) and on the
 * z_p error by bins of the true z_p ({@link ZpBins}).
 */
final class ReportFits {

    private ReportFits() {
    }

    /** Seconds one window spans for the periods column: the pendulum's only (ω in rad/s); NaN otherwise. */
    static double windowSeconds(Experiment.Labels labels) {
        return "pendulum".equals(labels.dataset()) ? Experiment.WINDOW * labels.dt() : Double.NaN;
    }

    /** The sensor pooling's means over seeds into a model's results.json entry (nothing without it). */
    static void pooledJson(Map<String, Object> m, List<Experiment.Score> scores) {
        if (scores.get(0).sensor() == null) {
            return;
        }
        m.put("zp_pooled_method", "decoder profile fit pooled over " + scores.get(0).sensor().windows()
                + " consecutive windows of each test sequence (one pendulum), one z_p, own z_n and initial state per "
                + "window (PooledProfileFit), beside the fit of the first window alone on the same sequences");
        m.put("rel_err_zp_profile_first_window_pct", SeedMetrics.meanStd(scores, sc -> sc.sensor().relErrSinglePct()));
        m.put("rel_err_zp_profile_pooled_pct", SeedMetrics.meanStd(scores, sc -> sc.sensor().relErrPooledPct()));
        m.put("corr_zp_profile_pooled", SeedMetrics.meanStd(scores, sc -> sc.sensor().corrPooled()));
        m.put("coverage_95_zp_profile_pooled_laplace",
                SeedMetrics.meanStd(scores, sc -> sc.sensor().coveragePooledRaw()[2]));
        m.put("rel_err_zp_ood_profile_first_window_pct",
                SeedMetrics.meanStd(scores, sc -> sc.sensorOod().relErrSinglePct()));
        m.put("rel_err_zp_ood_profile_pooled_pct", SeedMetrics.meanStd(scores, sc -> sc.sensorOod().relErrPooledPct()));
        m.put("corr_zp_ood_profile_pooled", SeedMetrics.meanStd(scores, sc -> sc.sensorOod().corrPooled()));
    }

    /** The markdown sections: the fits' table, and the error by true z_p of every model (mean over seeds). */
    static String markdown(Experiment.Labels labels, Map<ModelVariant, List<Experiment.Score>> results) {
        StringBuilder md = new StringBuilder();
        String zp = labels.physicsName();
        boolean anySensor = results.values().stream().anyMatch(s -> s.get(0).sensor() != null);
        if (anySensor) {
            md.append("\nPooling a pendulum's consecutive windows: test sequences of 1 + K windows (other draws "
                    + "than the test set above), ").append(zp).append(" read by the decoder's profile fit of the "
                    + "first window alone and by the fit pooled over all of them with one ").append(zp)
                    .append(" (PooledProfileFit; each window its own z_n and initial state, its context set the first "
                            + "windows of the task's other sequences). Laplace 95 %: raw coverage of the pooled "
                            + "fit's Laplace interval (not calibrated).\n\n| model | windows | rel. err first window % | "
                            + "rel. err pooled % | corr pooled | Laplace 95 % pooled | OOD first window % | "
                            + "OOD pooled % | corr OOD pooled |\n|---|---|---|---|---|---|---|---|---|\n");
            results.forEach((variant, scores) -> {
                if (scores.get(0).sensor() == null) {
                    return;
                }
                md.append("| ").append(variant.id()).append(" | ").append(scores.get(0).sensor().windows())
                        .append(cell(scores, sc -> sc.sensor().relErrSinglePct()))
                        .append(cell(scores, sc -> sc.sensor().relErrPooledPct()))
                        .append(cell(scores, sc -> sc.sensor().corrPooled()))
                        .append(cell(scores, sc -> sc.sensor().coveragePooledRaw()[2]))
                        .append(cell(scores, sc -> sc.sensorOod().relErrSinglePct()))
                        .append(cell(scores, sc -> sc.sensorOod().relErrPooledPct()))
                        .append(cell(scores, sc -> sc.sensorOod().corrPooled()))
                        .append(" |\n");
            });
            md.append("\nEach window's own fit by its place in the sequence (rel. err %, window k spans 2.5k to "
                    + "2.5(k + 1) s; first seed), and the mean of a sequence's own fits:\n\n");
            results.forEach((variant, scores) -> {
                SensorPooling.Score sc = scores.get(0).sensor();
                if (sc != null) {
                    md.append(variant.id()).append(": in range");
                    for (double v : sc.byWindowPct()) {
                        md.append(String.format(Locale.ROOT, " %.2f", v));
                    }
                    md.append("; out of range");
                    for (double v : scores.get(0).sensorOod().byWindowPct()) {
                        md.append(String.format(Locale.ROOT, " %.2f", v));
                    }
                    md.append(String.format(Locale.ROOT, "; mean of the windows' fits %.2f %% (out of range %.2f %%)."
                            + "%n", sc.meanOfWindowsPct(), scores.get(0).sensorOod().meanOfWindowsPct()));
                }
            });
        }
        double seconds = windowSeconds(labels);
        md.append("\nRelative error of ").append(zp).append(" (%) on the test windows by bins of the true ")
                .append(zp).append(" (quarters of the training range; mean over seeds)")
                .append(Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, "; periods: oscillation periods a "
                        + "%.1f s window holds at the bin's ends", seconds)).append(".\n");
        results.forEach((variant, scores) -> {
            binTable(md, variant.id() + ", test windows", ZpBins.meanOver(scores.stream()
                    .map(Experiment.Score::zpByTrue).toList()), zp, seconds);
            if (scores.get(0).sensor() != null) {
                binTable(md, variant.id() + ", sequences of " + scores.get(0).sensor().windows() + " windows",
                        ZpBins.meanOver(scores.stream().map(sc -> SensorPooling.bins(sc.sensor(),
                                sc.zpByTrue().edges())).toList()), zp, seconds);
            }
        });
        return md.toString();
    }

    private static void binTable(StringBuilder md, String title, ZpBins bins, String zp, double seconds) {
        md.append("\n").append(title).append(":\n\n| true ").append(zp).append(" |")
                .append(Double.isNaN(seconds) ? "" : " periods |").append(" n |");
        bins.relErrPct().keySet().forEach(name -> md.append(' ').append(name).append(" |"));
        md.append("\n|---|").append(Double.isNaN(seconds) ? "" : "---|").append("---|")
                .append("---|".repeat(bins.relErrPct().size())).append('\n');
        for (int k = 0; k < bins.counts().length; k++) {
            md.append(String.format(Locale.ROOT, "| %.3g-%.3g |", bins.edges()[k], bins.edges()[k + 1]));
            if (!Double.isNaN(seconds)) {
                md.append(String.format(Locale.ROOT, " %.2f-%.2f |", ZpBins.periods(bins.edges()[k], seconds),
                        ZpBins.periods(bins.edges()[k + 1], seconds)));
            }
            md.append(' ').append(bins.counts()[k]).append(" |");
            int bin = k;
            bins.relErrPct().values().forEach(pct -> md.append(Double.isNaN(pct[bin]) ? " n/a |"
                    : String.format(Locale.ROOT, " %.2f |", pct[bin])));
            md.append('\n');
        }
    }

    private static String cell(List<Experiment.Score> scores, ToDoubleFunction<Experiment.Score> f) {
        Map<String, Double> m = SeedMetrics.meanStd(scores, f);
        return m.get("mean") == null ? " | n/a"
                : String.format(Locale.ROOT, " | %.4g ± %.2g", m.get("mean"), m.get("std"));
    }
}
