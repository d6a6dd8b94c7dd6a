package io.hybridcast.trainer.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

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
        m.put("mean", mean);
        m.put("std", Math.sqrt(var));
        return m;
    }

    /** Writes everything into {@code dir}. */
    public static void write(Path dir, String dataset, Experiment.Settings settings,
                             Map<ModelVariant, List<Experiment.Score>> results, String command, double wallSeconds,
                             Map<String, Double> stepMillis) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", dataset);
        json.put("seeds", settings.seeds());
        Map<String, Object> models = new LinkedHashMap<>();
        results.forEach((variant, scores) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mse_zp", meanStd(scores, Experiment.Score::mseZp));
            m.put("rel_err_zp_pct", meanStd(scores, Experiment.Score::relErrZpPct));
            m.put("mcc_zn", meanStd(scores, Experiment.Score::mccZn));
            m.put("mse_rec", meanStd(scores, Experiment.Score::mseRec));
            m.put("mse_pred", meanStd(scores, Experiment.Score::msePred));
            m.put("mse_zp_ood", meanStd(scores, Experiment.Score::mseZpOod));
            m.put("mse_pred_ood", meanStd(scores, Experiment.Score::msePredOod));
            m.put("corr_zp", meanStd(scores, Experiment::omegaCorrelation));
            m.put("train_seconds", meanStd(scores, Experiment.Score::trainSeconds));
            models.put(variant.id(), m);
        });
        json.put("models", models);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);

        plotHorizon(dir.resolve("mse_vs_horizon.png"), results);
        plotScatter(dir.resolve("zp_learned_vs_true.png"), results);

        StringBuilder md = new StringBuilder();
        md.append("# Experiment: ").append(dataset).append("\n\n");
        md.append("Command (rerun to reproduce; every number below comes from it):\n\n```\n").append(command)
                .append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "Settings: %d training tasks × %d sequences (50 samples, dt 0.05 s), "
                        + "%d test tasks in distribution (ω ∈ [0.785, 3.14]) and %d out of distribution (ω ∈ [3.14, 3.5]), "
                        + "%d epochs, batch %d, Adam lr %s, K = %d context sequences, forecast horizon %d, seeds %s. "
                        + "Wall time of the whole run: %.0f s on this machine (2 shared cores, one training at a time).%n%n",
                settings.trainTasks(), settings.perTask(), settings.testTasks(), settings.testTasks(), settings.epochs(),
                settings.batchSize(), settings.learningRate(), settings.contextSize(), settings.horizon(),
                settings.seeds(), wallSeconds));
        if (!stepMillis.isEmpty()) {
            md.append("One training step at batch 200 (pendulum, RK4, median, from docs/benchmarks/model.json): ");
            stepMillis.forEach((k, v) -> md.append(String.format(Locale.ROOT, "%s %.0f ms; ", k, v)));
            md.append("\n\n");
        }
        md.append("Mean ± std over seeds. z_p = ω; z_n against the true (γ, A, f) with the Hungarian-matched Pearson "
                + "MCC. Lower is better except MCC and corr(ω).\n\n");
        md.append("| model | MSE z_p | rel. err z_p % | corr(ω̂, ω) | MCC z_n | MSE rec | MSE pred | MSE z_p OOD | "
                + "MSE pred OOD | train s |\n|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((variant, scores) -> md.append("| ").append(variant.id())
                .append(cell(scores, Experiment.Score::mseZp)).append(cell(scores, Experiment.Score::relErrZpPct))
                .append(cell(scores, Experiment::omegaCorrelation)).append(cell(scores, Experiment.Score::mccZn))
                .append(cell(scores, Experiment.Score::mseRec)).append(cell(scores, Experiment.Score::msePred))
                .append(cell(scores, Experiment.Score::mseZpOod)).append(cell(scores, Experiment.Score::msePredOod))
                .append(cell(scores, Experiment.Score::trainSeconds)).append(" |\n"));
        md.append("\n![prediction MSE vs horizon](mse_vs_horizon.png)\n![learned vs true omega](zp_learned_vs_true.png)\n");
        Files.writeString(dir.resolve("report.md"), md.toString());
    }

    private static String cell(List<Experiment.Score> scores, ToDoubleFunction<Experiment.Score> f) {
        Map<String, Double> m = meanStd(scores, f);
        return String.format(Locale.ROOT, " | %.4g ± %.2g", m.get("mean"), m.get("std"));
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

    private static void plotScatter(Path file, Map<ModelVariant, List<Experiment.Score>> results) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(600).title("Learned vs true ω (test set, first seed)")
                .xAxisTitle("true ω (rad/s)").yAxisTitle("learned ω (rad/s)").build();
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
