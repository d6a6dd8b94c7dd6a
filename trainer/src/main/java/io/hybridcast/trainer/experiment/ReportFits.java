package io.hybridcast.trainer.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The report's parts on the test-time fits of z_p (per window, and pooled over each window's task group) and on
 * the z_p error by bins of the true z_p.
 */
final class ReportFits {

    private ReportFits() {
    }

    /** Seconds one window spans for the periods column: the pendulum's only (ω in rad/s); NaN otherwise. */
    static double windowSeconds(Experiment.Labels labels) {
        return "pendulum".equals(labels.dataset()) ? Experiment.WINDOW * labels.dt() : Double.NaN;
    }

    /** The pooled fit's means over seeds into a model's results.json entry (nothing without a pooled fit). */
    static void pooledJson(Map<String, Object> m, List<Experiment.Score> scores) {
        if (scores.get(0).profile() == null || scores.get(0).profile().pooled() == null) {
            return;
        }
        m.put("zp_pooled_method", "decoder profile fit pooled over the window and its K context windows, one z_p "
                + "per task group, own z_n and initial state per window (PooledProfileFit)");
        m.put("rel_err_zp_profile_pooled_pct", SeedMetrics.meanStd(scores, sc -> pooled(sc).relErrZpPct()));
        m.put("mse_zp_profile_pooled", SeedMetrics.meanStd(scores, sc -> pooled(sc).mseZp()));
        m.put("corr_zp_profile_pooled", SeedMetrics.meanStd(scores, sc -> pooled(sc).corrZp()));
        m.put("rel_err_zp_ood_profile_pooled_pct", SeedMetrics.meanStd(scores, sc -> pooled(sc).relErrZpOodPct()));
        m.put("corr_zp_ood_profile_pooled", SeedMetrics.meanStd(scores, sc -> pooled(sc).corrZpOod()));
        m.put("coverage_95_zp_profile_pooled", SeedMetrics.meanStd(scores, sc -> pooled(sc).coverageRaw()[2]));
        m.put("coverage_95_zp_profile_pooled_conformal",
                SeedMetrics.meanStd(scores, sc -> pooled(sc).coverageConformal()[2]));
    }

    private static ProfileScore pooled(Experiment.Score sc) {
        return sc.profile().pooled();
    }

    /** The markdown sections: the fits' table, and the error by true z_p of every model (mean over seeds). */
    static String markdown(Experiment.Labels labels, Map<ModelVariant, List<Experiment.Score>> results) {
        StringBuilder md = new StringBuilder();
        String zp = labels.physicsName();
        boolean anyFit = results.values().stream().anyMatch(s -> s.get(0).profile() != null);
        if (anyFit) {
            md.append("\nTest-time fits of ").append(zp).append(" (").append(TestTimeFit.class.getSimpleName())
                    .append("): the decoder's profile fit of each window alone, and pooled over the window and its "
                            + "K context windows of the same task (one ").append(zp).append(" per group, each window "
                            + "its own z_n and initial state). 95 % conf.: coverage of the split-conformal interval "
                            + "fitted on the validation split's fits.\n\n| model | rel. err % | rel. err pooled % | "
                            + "rel. err OOD % | rel. err OOD pooled % | corr OOD | corr OOD pooled | 95 % conf. | "
                            + "95 % conf. pooled |\n|---|---|---|---|---|---|---|---|---|\n");
            results.forEach((variant, scores) -> {
                if (scores.get(0).profile() == null) {
                    return;
                }
                boolean pooled = scores.get(0).profile().pooled() != null;
                md.append("| ").append(variant.id())
                        .append(cell(scores, sc -> sc.profile().relErrZpPct()))
                        .append(pooled ? cell(scores, sc -> pooled(sc).relErrZpPct()) : " | n/a")
                        .append(cell(scores, sc -> sc.profile().relErrZpOodPct()))
                        .append(pooled ? cell(scores, sc -> pooled(sc).relErrZpOodPct()) : " | n/a")
                        .append(cell(scores, sc -> sc.profile().corrZpOod()))
                        .append(pooled ? cell(scores, sc -> pooled(sc).corrZpOod()) : " | n/a")
                        .append(cell(scores, sc -> sc.profile().coverageConformal()[2]))
                        .append(pooled ? cell(scores, sc -> pooled(sc).coverageConformal()[2]) : " | n/a")
                        .append(" |\n");
            });
        }
        double seconds = windowSeconds(labels);
        md.append("\nRelative error of ").append(zp).append(" (%) on the test windows by bins of the true ")
                .append(zp).append(" (quarters of the training range; mean over seeds)")
                .append(Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, "; periods: oscillation periods a "
                        + "%.1f s window holds at the bin's ends", seconds)).append(".\n");
        results.forEach((variant, scores) -> {
            ZpBins bins = ZpBins.meanOver(scores.stream().map(Experiment.Score::zpByTrue).toList());
            md.append("\n").append(variant.id()).append(":\n\n| true ").append(zp).append(" |")
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
        });
        return md.toString();
    }

    private static String cell(List<Experiment.Score> scores, ToDoubleFunction<Experiment.Score> f) {
        Map<String, Double> m = SeedMetrics.meanStd(scores, f);
        return m.get("mean") == null ? " | n/a"
                : String.format(Locale.ROOT, " | %.4g ± %.2g", m.get("mean"), m.get("std"));
    }
}
