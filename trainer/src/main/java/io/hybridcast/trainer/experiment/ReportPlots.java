package io.hybridcast.trainer.experiment;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import io.hybridcast.model.metrics.Mcc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The experiment report's PNG plots (XChart). */
final class ReportPlots {

    private ReportPlots() {
    }

    static void plotSweep(Path file, ExperimentSettings settings, int[] tasks,
                                  Map<ModelVariant, double[]> mccVsTasks,
                                  Map<ModelVariant, List<Experiment.Score>> results) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("MCC of z_n vs number of training tasks")
                .xAxisTitle("training tasks").yAxisTitle("MCC (Pearson)").build();
        double[] x = java.util.Arrays.stream(Report.appendInt(tasks, settings.trainTasks())).asDoubleStream().toArray();
        mccVsTasks.forEach((variant, mcc) ->
                chart.addSeries(variant.id(), x, Report.append(mcc, results.get(variant).get(0).mccZn())));
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Scatter of each model's best-matched learned latent (first seed) against the true unmodelled factor it is
     * matched to, or, with {@code seedVsSeed}, against the matched latent of the second seed.
     */
    static void plotLatents(Path file, Map<ModelVariant, List<Experiment.Score>> results, boolean seedVsSeed)
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

    static void plotHorizon(Path file, Map<ModelVariant, List<Experiment.Score>> results) throws IOException {
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

    static void plotScatter(Path file, Map<ModelVariant, List<Experiment.Score>> results, String zp)
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
