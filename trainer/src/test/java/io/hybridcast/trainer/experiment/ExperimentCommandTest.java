package io.hybridcast.trainer.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.trainer.TrainerCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The experiment command's fast mode, as CI runs it: a broken model fails these bars. */
class ExperimentCommandTest {

    @Test
    void fastModeWritesTheReportAndTheMetaModelFindsOmega(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int exit = cli.execute("experiment", "--fast", "--seeds", "1", "--models", "meta-hybrid-vae,physics-only,aphynity",
                "--out", out.toString());
        assertThat(exit).as(err.toString()).isZero();

        Path dir = out.resolve("pendulum");
        assertThat(dir.resolve("report.md")).exists();
        assertThat(Files.size(dir.resolve("mse_vs_horizon.png"))).isPositive();
        JsonNode results = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertThat(results.get("dataset").asText()).isEqualTo("pendulum");
        assertThat(results.get("seeds").get(0).asLong()).isEqualTo(1);
        JsonNode meta = results.get("models").get("meta-hybrid-vae");
        for (String metric : new String[] {"mse_zp", "rel_err_zp_pct", "mcc_zn", "mse_rec", "mse_pred"}) {
            assertThat(meta.get(metric).get("mean").isNumber()).as(metric).isTrue();
            assertThat(meta.get(metric).get("std").isNumber()).as(metric).isTrue();
        }
        // an untrained or broken model's ω does not follow the truth (corr about 0); this schedule reaches
        // about 0.8. (Its MSE of ω is still above a constant guess's 0.46 at this scale: see the report.)
        assertThat(meta.get("corr_zp").get("mean").asDouble()).isGreaterThan(0.6);
        assertThat(meta.get("zp_at_bound_pct").get("mean").asDouble()).isBetween(0.0, 100.0);
        assertThat(results.get("physics_head").asText()).isEqualTo("sigmoid");
        assertThat(results.get("models").get("physics-only").get("mse_pred").get("mean").asDouble()).isFinite();
        // APHYNITY through the same command: its ω follows the truth (0.87 in the model test's schedule) and its
        // MCC is undefined (no neural latent), written as null rather than a number
        JsonNode aphynity = results.get("models").get("aphynity");
        assertThat(aphynity.get("corr_zp").get("mean").asDouble()).isGreaterThan(0.6);
        assertThat(aphynity.get("mcc_zn").get("mean").isNull()).isTrue();
        assertThat(aphynity.get("mse_pred").get("mean").asDouble()).isFinite();

        // calibrated posteriors (issue 13): the 95 % interval of ω, after the variance scaling fitted on the
        // validation split, covers the truth on held-out test windows at least 85 % of the time (target 0.90-0.98;
        // 80 test windows in fast mode, so a sampling error of about 3 points); the ELBO's own interval does not
        for (JsonNode model : new JsonNode[] {meta, aphynity}) {
            assertThat(model.get("coverage_95_zp_calibrated").get("mean").asDouble()).isBetween(0.85, 1.0);
            JsonNode curve = model.get("calibration_curve_zp");
            assertThat(curve.get("expected").size()).isEqualTo(3);
            assertThat(curve.get("observed").get(2).asDouble()).isEqualTo(model.get("coverage_95_zp").get("mean")
                    .asDouble());
        }
        assertThat(meta.get("coverage_95_zp").get("mean").asDouble()).isLessThan(0.85);
        // out of range (ω in [3.14, 3.5], trained on [0.785, 3.14]): correlation and the nearest-edge baseline are
        // reported. At fast scale no model beats that baseline (5.06 %): Meta measured 15.9 % in this test
        // (2026-12-02). The documented bar is 4x the baseline's error, a regression guard that an estimate
        // collapsing towards the middle of the range (about 40 %) fails; beating the baseline is not reached
        JsonNode edge = results.get("ood_nearest_edge_baseline");
        double edgeError = edge.get("rel_err_zp_ood_pct").asDouble();
        assertThat(edgeError).isBetween(1.0, 10.0);
        assertThat(meta.get("rel_err_zp_ood_pct").get("mean").asDouble()).isLessThan(4 * edgeError);
        assertThat(meta.get("corr_zp_ood").get("mean").isNumber()).isTrue();
        assertThat(meta.get("per_seed").get(0).get("seed").asLong()).isEqualTo(1);
        // ω's error by true ω: four quarters of the training range whose counts add up to the 80 test windows
        JsonNode bins = meta.get("zp_by_true_zp");
        assertThat(bins.size()).isEqualTo(4);
        int windows = 0;
        for (JsonNode bin : bins) {
            windows += bin.get("count").asInt();
            assertThat(bin.has("rel_err_zp_encoder_pct")).isTrue();
        }
        assertThat(windows).isEqualTo(80);
        // the fit pooled over a pendulum's consecutive windows, for a model with a hybrid decoder only
        assertThat(meta.get("rel_err_zp_profile_pooled_pct").get("mean").isNumber()).isTrue();
        assertThat(meta.get("per_seed").get(0).get("sensor_pooling").get("windows_per_sensor").asInt()).isEqualTo(6);
        assertThat(aphynity.has("rel_err_zp_profile_pooled_pct")).isFalse();
        assertThat(results.get("profile_fit_refines_latents").asBoolean(true)).isFalse();
    }

    @Test
    void anUnknownDatasetOrSweepIsNamed() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("experiment", "--dataset", "weather")).isEqualTo(2);
        assertThat(err.toString()).contains("weather").contains("advection-diffusion");
        assertThat(cli.execute("experiment", "--task-sweep", "5,x")).isEqualTo(2);
        assertThat(err.toString()).contains("--task-sweep");
    }

    @Test
    void theSweepTrainsEveryPointForTheSameNumberOfSteps() {
        // 640 windows at batch 64 for 30 epochs are 300 steps; 40 windows (5 tasks of 8) fill one batch per epoch
        assertThat(Experiment.epochsForSteps(300, 40, 64)).isEqualTo(300);
        assertThat(Experiment.epochsForSteps(300, 160, 64)).isEqualTo(100);
        assertThat(Experiment.epochsForSteps(300, 640, 64)).isEqualTo(30);
        assertThat(Experiment.epochsForSteps(1, 640, 64)).isEqualTo(1);
    }

    @Test
    void theOracleAblationNeedsEarlyStopping() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("experiment", "--oracle-zn")).isEqualTo(2);
        assertThat(err.toString()).contains("--validate-every").contains("--oracle-zn");
    }

    @Test
    void keepingTheDriveOutOfLeastActionNeedsTheDrive() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("experiment", "--least-action-keeps-drive")).isEqualTo(2);
        assertThat(err.toString()).contains("--least-action-keeps-drive").contains("--drive");
    }

    @Test
    void anUnknownModelIsNamed() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("experiment", "--models", "meta-hybrid-vae,toaster")).isEqualTo(2);
        assertThat(err.toString()).contains("toaster");
    }

    @Test
    void aNegativeLeastActionWeightIsNamedAndTheDefaultIsTheSystems() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainerCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("experiment", "--alpha", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--alpha").contains("-1");
        ExperimentSettings.Builder line = ExperimentSettings.builder()
                .setSystem(io.hybridcast.avro.SystemKind.ADVECTION_DIFFUSION).setScale(2, 2, 1).setSchedule(1, 8, 1e-3)
                .setSeeds(java.util.List.of(1L)).setVariants(ModelVariant.ALL);
        assertThat(line.build().effectiveAlpha()).isEqualTo(0.1);
        assertThat(line.optAlpha(3).build().effectiveAlpha()).isEqualTo(3.0);
    }

    @Test
    void sensorPoolingIsOnByDefaultAndCanBeLeftOut() {
        ExperimentCommand on = new ExperimentCommand();
        new CommandLine(on).parseArgs();
        ExperimentCommand off = new ExperimentCommand();
        new CommandLine(off).parseArgs("--no-sensor-pooling");
        assertThat(on.sensorPooling).isTrue();
        assertThat(off.sensorPooling).isFalse();
        ExperimentSettings.Builder tiny = ExperimentSettings.builder()
                .setSystem(io.hybridcast.avro.SystemKind.PENDULUM).setScale(2, 2, 1).setSchedule(1, 8, 1e-3)
                .setSeeds(java.util.List.of(1L)).setVariants(ModelVariant.ALL).optContextSize(1);
        assertThat(new Experiment(tiny.build()).scoresSensors()).isTrue();
        assertThat(new Experiment(tiny.optSensorPooling(false).build()).scoresSensors()).isFalse();
    }

    @Test
    void theProfileFitHoldsTheLatentsUnlessAskedToRefineThem() {
        ExperimentCommand held = new ExperimentCommand();
        new CommandLine(held).parseArgs();
        ExperimentCommand refined = new ExperimentCommand();
        new CommandLine(refined).parseArgs("--profile-refines-latents");
        assertThat(held.profileRefinesLatents).isFalse();
        assertThat(refined.profileRefinesLatents).isTrue();
        ExperimentSettings.Builder tiny = ExperimentSettings.builder()
                .setSystem(io.hybridcast.avro.SystemKind.PENDULUM).setScale(2, 2, 1).setSchedule(1, 8, 1e-3)
                .setSeeds(java.util.List.of(1L)).setVariants(ModelVariant.ALL);
        assertThat(tiny.build().profileRefinesLatents()).isFalse();
        assertThat(tiny.optProfileRefinesLatents(true).build().profileRefinesLatents()).isTrue();
    }
}
