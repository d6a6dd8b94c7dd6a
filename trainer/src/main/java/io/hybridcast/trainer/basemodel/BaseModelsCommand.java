package io.hybridcast.trainer.basemodel;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.bundle.InvalidBundleException;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.line.LineDiffusionModel;
import io.hybridcast.model.training.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code trainer base-models}: meta-trains the base model of a system on a simulated task population
 * ({@link BaseModelTraining}) and writes {@code <out>/<system>.bundle} with {@code <out>/<system>.json}, its
 * manifest: SHA-256 of the bundle and of its parameters, the command, seed, settings, population, validation
 * history and the held-out errors. The shipped bundles (trainer/src/main/resources/base-models/) are made by it;
 * docs/trainer.md has the exact commands.
 */
@Command(name = "base-models", mixinStandardHelpOptions = true,
        description = "Meta-train a system's base model on a simulated task population (digital twin) and write "
                + "<out>/<system>.bundle and its manifest <out>/<system>.json.")
public final class BaseModelsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--system", required = true, description = "PENDULUM, ADVECTION_DIFFUSION or DOUBLE_PENDULUM.")
    SystemKind system;

    @Option(names = "--tasks", defaultValue = "400", description = "Simulated training sensors (tasks). Default: ${DEFAULT-VALUE}.")
    int tasks;

    @Option(names = "--steps", defaultValue = "4000", description = "Optimiser steps of the joint fit (early stopping "
            + "may end sooner). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the population, weights and batches. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", defaultValue = "trainer/src/main/resources/base-models",
            description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--seconds", defaultValue = "120", description = "Seconds of operation per simulated sensor. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--event-gap", defaultValue = "30", description = "Mean seconds between operating events "
            + "(start-ups from rest, drive off/on, re-excitations). Default: ${DEFAULT-VALUE}.")
    double eventGap;

    @Option(names = "--window-length", defaultValue = "50", description = "Samples per window: the streams app's "
            + "<system>.window.length. Default: ${DEFAULT-VALUE}.")
    int windowLength;

    @Option(names = "--hop", defaultValue = "10", description = "Samples between live query windows: the streams "
            + "app's <system>.hop. Default: ${DEFAULT-VALUE}.")
    int hop;

    @Option(names = "--train-hop", defaultValue = "10", description = "Samples between training windows. Default: ${DEFAULT-VALUE}.")
    int trainHop;

    @Option(names = "--context-size", defaultValue = "5", description = "K: the streams app's "
            + "<system>.context.windows. Default: ${DEFAULT-VALUE}.")
    int contextSize;

    @Option(names = "--horizon", defaultValue = "20", description = "Forecast steps: the streams app's "
            + "<system>.horizon. Default: ${DEFAULT-VALUE}.")
    int horizon;

    @Option(names = "--batch", defaultValue = "128", description = "Query windows per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--solver", defaultValue = "rk4", description = "rk4 or euler. Default: ${DEFAULT-VALUE}.")
    String solver;

    @Option(names = "--target-weight", defaultValue = "100", description = "Weight of the supervised z_p term on the "
            + "twin's known parameters (0: unsupervised). Default: ${DEFAULT-VALUE}.")
    double targetWeight;

    @Option(names = "--validation-sensors", defaultValue = "30", description = "Default: ${DEFAULT-VALUE}.")
    int validationSensors;

    @Option(names = "--test-sensors", defaultValue = "100", description = "Unseen sensors the reported error is "
            + "measured on. Default: ${DEFAULT-VALUE}.")
    int testSensors;

    @Option(names = "--validate-every", defaultValue = "250", description = "Steps between validations. Default: ${DEFAULT-VALUE}.")
    int validateEvery;

    @Option(names = "--patience", defaultValue = "4", description = "Validations without a 1 %% improvement before "
            + "stopping early (0: never). Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--max-minutes", defaultValue = "0", description = "Wall-clock budget of the training (0: none); "
            + "the best checkpoint so far is kept, and --steps <bestStep> reproduces it. Default: ${DEFAULT-VALUE}.")
    double maxMinutes;

    @Option(names = "--calibration-sensors", defaultValue = "100", description = "Simulated sensors the sensor-level "
            + "interval calibration is fitted on, and as many it is checked on (0: no calibration). Default: "
            + "${DEFAULT-VALUE}.")
    int calibrationSensors;

    @Option(names = "--calibration-seconds", defaultValue = "150", description = "Seconds of operation per "
            + "calibration sensor (the calibration counts what follows each sensor's first minute, as the live "
            + "score does). Default: ${DEFAULT-VALUE}.")
    double calibrationSeconds;

    @Option(names = "--calibrate-only", description = "Do not train: fit the interval calibration of the existing "
            + "<out>/<system>.bundle, and rewrite it and its manifest with it (same parameters).")
    boolean calibrateOnly;

    @Override
    public Integer call() throws IOException, InvalidBundleException {
        require(calibrationSensors >= 0, "--calibration-sensors", calibrationSensors, ">= 0");
        require(calibrationSeconds > BaseModelCalibration.MIN_SECONDS + 10, "--calibration-seconds",
                calibrationSeconds, "> " + (BaseModelCalibration.MIN_SECONDS + 10));
        if (calibrateOnly) {
            require(calibrationSensors >= 1, "--calibration-sensors", calibrationSensors, ">= 1 with --calibrate-only");
            return calibrateExisting();
        }
        require(tasks >= 2, "--tasks", tasks, ">= 2");
        require(steps >= 1, "--steps", steps, ">= 1");
        require(seconds * 1000 >= (contextSize + 2) * windowLength * 50, "--seconds", seconds,
                "long enough for K + 2 windows");
        require(eventGap > 0, "--event-gap", eventGap, "> 0");
        require(windowLength >= 4, "--window-length", windowLength, ">= 4");
        require(hop >= 1 && hop <= windowLength, "--hop", hop, "1..--window-length");
        require(trainHop >= 1, "--train-hop", trainHop, ">= 1");
        require(contextSize >= 1, "--context-size", contextSize, ">= 1");
        require(horizon >= 1, "--horizon", horizon, ">= 1");
        require(batch >= 1, "--batch", batch, ">= 1");
        require("rk4".equals(solver) || "euler".equals(solver), "--solver", solver, "rk4 or euler");
        require(targetWeight >= 0 && Double.isFinite(targetWeight), "--target-weight", targetWeight, ">= 0");
        require(validationSensors >= 1, "--validation-sensors", validationSensors, ">= 1");
        require(testSensors >= 1, "--test-sensors", testSensors, ">= 1");
        require(validateEvery >= 1, "--validate-every", validateEvery, ">= 1");
        require(patience >= 0, "--patience", patience, ">= 0");
        require(maxMinutes >= 0 && Double.isFinite(maxMinutes), "--max-minutes", maxMinutes, ">= 0");
        BaseModelTraining.Settings settings = new BaseModelTraining.Settings(system, tasks, steps, seed, seconds,
                eventGap, windowLength, hop, trainHop, contextSize, horizon, batch, solver, targetWeight,
                validationSensors, testSensors, validateEvery, patience, maxMinutes);
        PrintWriter err = spec.commandLine().getErr();
        String command = "java -jar trainer/target/trainer.jar " + String.join(" ",
                spec.commandLine().getParseResult().originalArgs());
        try (NDManager manager = NDManager.newBaseManager()) {
            BaseModelTraining.Result result = BaseModelTraining.train(settings, manager,
                    progressBar(err, system.name()), line -> {
                        err.println();
                        err.println(line);
                        err.flush();
                    });
            Map<String, Double> metrics = metrics(result);
            BaseModelCalibration.Result calibration = null;
            if (calibrationSensors > 0) {
                calibration = calibrate(result.model(), err);
                metrics.putAll(calibration.metrics());
            }
            byte[] bundle = ModelBundle.write(result.model(), metrics, trainingJson(settings, result));
            Files.createDirectories(out);
            String name = BaseModels.fileName(system);
            Files.write(out.resolve(name + ".bundle"), bundle);
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("system", system.name());
            manifest.put("bundle", name + ".bundle");
            manifest.put("sha256", BaseModels.sha256(bundle));
            manifest.put("parametersSha256", ModelBundle.read(bundle).parametersSha256());
            manifest.put("command", command.strip());
            manifest.put("seed", seed);
            manifest.put("settings", settings);
            manifest.put("population", Map.of("trainingSensors", tasks, "trainingWindows", result.trainingWindows(),
                    "validationSensors", validationSensors, "testSensors", testSensors,
                    "secondsPerSensor", seconds, "meanEventGapSeconds", eventGap,
                    "physicsRange", TwinPopulation.Spec.of(system, 1, seconds, eventGap).physicsRange(),
                    "liveRange", BaseModelTraining.liveRange(system)));
            manifest.put("stepsDone", result.stepsDone() - BaseModelTraining.PHYSICS_WARMUP);
            manifest.put("bestStep", result.bestStep());
            manifest.put("trainingSeconds", Math.round(result.seconds()));
            manifest.put("metrics", metrics);
            manifest.put("untrained", result.untrained());
            manifest.put("test", result.test());
            manifest.put("validations", result.validations());
            if (calibration != null) {
                manifest.put("calibration", calibrationJson(calibration));
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(out.resolve(name + ".json").toFile(), manifest);
            spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s (%d bytes, sha256 %s) in %.0f s: %s%n",
                    out.resolve(name + ".bundle"), bundle.length, manifest.get("sha256"), result.seconds(),
                    result.test().summary());
        }
        return 0;
    }

    private BaseModelCalibration.Result calibrate(io.hybridcast.model.api.HybridModel model, PrintWriter err) {
        // the line's window posterior of D is its own readings' fit (LineDiffusionModel), as the streams app serves it
        return BaseModelCalibration.of(LineDiffusionModel.wrapIfLine(model), system, calibrationSensors, calibrationSeconds, eventGap, windowLength,
                hop, contextSize, seed, line -> {
                    err.println(line);
                    err.flush();
                });
    }

    private Map<String, Object> calibrationJson(BaseModelCalibration.Result c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sensors", calibrationSensors);
        m.put("secondsPerSensor", calibrationSeconds);
        m.put("fitPoints", c.fit().size());
        m.put("checkPoints", c.check().size());
        m.put("metrics", c.metrics());
        return m;
    }

    /**
     * --calibrate-only: the bundle's parameters unchanged, its metrics with the calibration added, the manifest's
     * checksums and calibration section updated and the calibration command recorded.
     */
    private int calibrateExisting() throws IOException, InvalidBundleException {
        String name = BaseModels.fileName(system);
        Path bundlePath = out.resolve(name + ".bundle");
        Path manifestPath = out.resolve(name + ".json");
        ModelBundle existing = ModelBundle.read(bundlePath);
        PrintWriter err = spec.commandLine().getErr();
        try (NDManager manager = NDManager.newBaseManager()) {
            io.hybridcast.model.vae.HybridVae model = existing.instantiate(manager);
            BaseModelCalibration.Result calibration = calibrate(model, err);
            Map<String, Double> metrics = new LinkedHashMap<>(existing.metrics());
            metrics.putAll(calibration.metrics());
            byte[] bundle = ModelBundle.write(model, metrics, existing.trainingJson());
            String parameters = ModelBundle.read(bundle).parametersSha256();
            if (!parameters.equals(existing.parametersSha256())) {
                throw new IllegalStateException("rewriting " + bundlePath + " changed its parameters (" +
                        existing.parametersSha256() + " -> " + parameters + ")");
            }
            Files.write(bundlePath, bundle);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            @SuppressWarnings("unchecked")
            Map<String, Object> manifest = Files.exists(manifestPath)
                    ? json.readValue(manifestPath.toFile(), LinkedHashMap.class) : new LinkedHashMap<>();
            manifest.put("sha256", BaseModels.sha256(bundle));
            manifest.put("metrics", metrics);
            Map<String, Object> section = calibrationJson(calibration);
            section.put("command", ("java -jar trainer/target/trainer.jar " + String.join(" ",
                    spec.commandLine().getParseResult().originalArgs())).strip());
            manifest.put("calibration", section);
            json.writeValue(manifestPath.toFile(), manifest);
            spec.commandLine().getOut().printf(Locale.ROOT, "Calibrated %s: b = %.4f, held-out coverage %.3f%n",
                    bundlePath, calibration.calibration().systematic(),
                    calibration.check().coverage(calibration.calibration()));
        }
        return 0;
    }

    /** The held-out scores as bundle metrics (they travel with the version when the trainer publishes it). */
    static Map<String, Double> metrics(BaseModelTraining.Result r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("population_zp_rel_err_window", r.test().windowRelErr());
        m.put("population_zp_rel_err_sensor", r.test().sensorRelErr());
        m.put("population_zp_rel_err_sensor_weighted", r.test().sensorRelErrWeighted());
        m.put("population_zp_rel_err_window_live_range", r.test().liveRangeWindowRelErr());
        m.put("population_zp_rel_err_sensor_live_range", r.test().liveRangeSensorRelErr());
        m.put("population_zp_at_bound", r.test().atBound());
        m.put("population_untrained_zp_rel_err_window", r.untrained().windowRelErr());
        return m;
    }

    private static String trainingJson(BaseModelTraining.Settings s, BaseModelTraining.Result r) {
        return String.format(Locale.ROOT, "{\"baseModel\":true,\"tasks\":%d,\"steps\":%d,\"stepsDone\":%d,"
                        + "\"bestStep\":%d,\"seed\":%d,\"batch\":%d,\"solver\":\"%s\",\"targetWeight\":%s,"
                        + "\"hop\":%d,\"contextSize\":%d}", s.tasks(), s.steps(),
                r.stepsDone() - BaseModelTraining.PHYSICS_WARMUP, r.bestStep(), s.seed(), s.batch(), s.solver(),
                s.targetWeight(), s.hop(), s.contextSize());
    }

    private void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " must be " + expected + ", got "
                    + value);
        }
    }

    /** A one-line progress bar on stderr: percentage, step, loss, ms per step and ETA, redrawn in place. */
    static TrainingListener progressBar(PrintWriter err, String label) {
        return new TrainingListener() {
            private long lastDraw;

            @Override
            public void onStep(int step, int total, int epoch, double loss, long elapsedNanos) {
                if (elapsedNanos - lastDraw < 500_000_000L && step < total) {
                    return;
                }
                lastDraw = elapsedNanos;
                int width = 30;
                int done = (int) ((long) step * width / total);
                double eta = elapsedNanos / 1e9 / step * (total - step);
                err.printf(Locale.ROOT, "\r%-20s [%s%s] %3d%% step %d/%d loss %9.4f %4.0f ms/step ETA %5.0f s", label,
                        "#".repeat(done), " ".repeat(width - done), step * 100 / total, step, total, loss,
                        elapsedNanos / 1e6 / step, eta);
                err.flush();
            }
        };
    }
}
