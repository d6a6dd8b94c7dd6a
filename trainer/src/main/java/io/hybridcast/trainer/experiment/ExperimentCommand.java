package io.hybridcast.trainer.experiment;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code trainer experiment}: generates task-structured data (pendulum, advection-diffusion or double pendulum)
 * with the simulator, trains every model
 * variant with several seeds (a progress bar per run: loss and ETA), and writes
 * {@code <out>/<dataset>/results.json}, {@code report.md} and PNG plots.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains and scores every model and ablation on simulated task-structured data; writes a report.")
public final class ExperimentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "docs/experiments", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--dataset", defaultValue = "pendulum",
            description = "pendulum, advection-diffusion or double-pendulum (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--train-tasks", defaultValue = "100", description = "Training tasks (default: ${DEFAULT-VALUE}).")
    int trainTasks;

    @Option(names = "--per-task", defaultValue = "10", description = "Sequences per task (default: ${DEFAULT-VALUE}).")
    int perTask;

    @Option(names = "--test-tasks", defaultValue = "30", description = "Test tasks, in and out of distribution each.")
    int testTasks;

    @Option(names = "--epochs", defaultValue = "60", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--models", split = ",", description = "Model ids to run (default: all).")
    List<String> models;

    @Option(names = "--task-sweep", defaultValue = "5,10,20",
            description = "Numbers of training tasks for the MCC-vs-tasks curve, comma-separated (meta-hybrid-vae and "
                    + "phys-vae, first seed, each point trained for the same number of optimiser steps as the main "
                    + "runs; the full --train-tasks point comes from the main runs); 'none' to skip (default: "
                    + "${DEFAULT-VALUE}; skipped with --fast).")
    String taskSweepOption;

    List<Integer> taskSweep;

    @Option(names = "--timing-steps", defaultValue = "3",
            description = "Timed training steps at batch 200 per timed model, 0 to skip (default: ${DEFAULT-VALUE}; "
                    + "skipped with --fast).")
    int timingSteps;

    @Option(names = "--physics-head", defaultValue = "sigmoid",
            description = "Map of the physics head into the z_p prior range, for every model: sigmoid (smooth) or "
                    + "clamp (Phys-VAE's clamped Softplus) (default: ${DEFAULT-VALUE}).")
    String physicsHead;

    @Option(names = "--kl-weight", defaultValue = "1",
            description = "Multiplier of the VAEs' KL term on top of (1 + α)·σ² (default: ${DEFAULT-VALUE}).")
    double klWeight;

    @Option(names = "--alpha",
            description = "Weight α of the VAEs' least-action regulariser ‖x_P − x_PA‖² (and of the KL, as "
                    + "(1 + α)·σ²); default: the system's (1e-2, the line 1e-1).")
    Double alpha;

    @Option(names = "--physics-warmup", defaultValue = "300",
            description = "Steps that train only the VAEs' physics head on simulated physics-only trajectories "
                    + "before the joint fit; 0 for Phys-VAE's joint training only (default: ${DEFAULT-VALUE}, "
                    + "docs/model.md).")
    int physicsWarmup;

    @Option(names = "--horizon-residual", defaultValue = "1",
            description = "Weight of R_horizon, which keeps the VAEs' output residual at zero beyond the window "
                    + "(default: ${DEFAULT-VALUE}; 0 turns it off).")
    double horizonResidual;

    @Option(names = "--validate-every", defaultValue = "0",
            description = "Early stopping: steps between validations of the forecast MSE on a validation split of "
                    + "the training distribution; the best checkpoint is kept and the learning rate halved after "
                    + "half the patience without a 1 %% improvement; 0 trains for --epochs as before (default: "
                    + "${DEFAULT-VALUE}).")
    int validateEvery;

    @Option(names = "--context", defaultValue = "5",
            description = "Context size K: other sequences of the same task pooled into the meta models' prior of z_n, "
                    + "in training and scoring (default: ${DEFAULT-VALUE}; at most --per-task - 1).")
    int context;

    @Option(names = "--patience", defaultValue = "10",
            description = "Early stopping: validations without a 1 %% improvement before stopping (default: "
                    + "${DEFAULT-VALUE}; 0 never stops early but still keeps the best checkpoint).")
    int patience;

    @Option(names = "--max-minutes", defaultValue = "0",
            description = "Early stopping: wall-clock budget of each training run, then a last validation and the "
                    + "best checkpoint (default: ${DEFAULT-VALUE}, none).")
    double maxMinutes;

    @Option(names = "--solver", defaultValue = "rk4",
            description = "ODE solver of every model: rk4, or euler as the official Phys-VAE code (default: "
                    + "${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--residual", defaultValue = "mlp",
            description = "Form of the VAEs' output residual: mlp (written sample by sample, the served form) or "
                    + "sinusoids (amplitudes and frequencies of a few sinusoids per channel) (default: ${DEFAULT-VALUE}).")
    String residual;

    @Option(names = "--hidden", defaultValue = "64",
            description = "Width of every hidden layer of the VAEs (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--time-bank", defaultValue = "0",
            description = "Frequencies of the VAEs' in-ODE time bank, a drive term that depends on time alone, "
                    + "spread over (0, Nyquist]; 0 for none, the served form (default: ${DEFAULT-VALUE}).")
    int timeBank;

    @Option(names = "--embed-spectrum",
            description = "The VAEs' set encoder also reads each window's DFT magnitudes (not served by the kernel).")
    boolean embedSpectrum;

    @Option(names = "--drive",
            description = "The VAEs' ODE carries a drive as two rotating states at the rate a classical frequency "
                    + "search of each window finds (not served by the kernel).")
    boolean drive;

    @Option(names = "--least-action-keeps-drive",
            description = "With --drive: the VAEs' least-action term measures the neural half against physics + "
                    + "drive (a third solve) instead of the physics alone, so --alpha penalises only what the in-ODE "
                    + "net and the output residual add, not the drive (default: off).")
    boolean leastActionKeepsDrive;

    @Option(names = "--sensor-pooling", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also score the VAEs on whole test sequences of 1 + --context windows: ω fitted on each "
                    + "window and pooled over a sequence (results.json sensor_pooling); --no-sensor-pooling leaves "
                    + "these fits out, which at --test-tasks 30 take longer than the rest of the scoring "
                    + "(default: on).")
    boolean sensorPooling;

    @Option(names = "--profile-refines-latents",
            description = "The VAEs' test-time profile fit of ω also refines z_n, a maximum a posteriori fit under the "
                    + "model's prior of z_n, instead of holding z_n at the encoder's mean (results.json "
                    + "profile_fit_refines_latents; default: off).")
    boolean profileRefinesLatents;

    @Option(names = "--oracle-zn",
            description = "Oracle ablation, offline only: the VAEs' z_n set to the true unmodelled parameters of each "
                    + "window (standardised), to measure what the decoder can do when told them. Needs "
                    + "--validate-every > 0.")
    boolean oracleZn;

    @Option(names = "--prior", defaultValue = "service",
            description = "Prior range of z_p: service (PriorRange, the live models' range) or plausible (the "
                    + "physically plausible range, wide enough to extrapolate) (default: ${DEFAULT-VALUE}).")
    String prior;

    @Option(names = "--fast", description = "Small data, few epochs: a smoke run in about a minute per model.")
    boolean fast;

    @Override
    public Integer call() throws Exception {
        SystemKind system = java.util.Arrays.stream(SystemKind.values())
                .filter(k -> Experiment.datasetName(k).equals(dataset)).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                        "--dataset must be pendulum, advection-diffusion or double-pendulum, got " + dataset));
        taskSweep = parseSweep(taskSweepOption);
        if (fast) {
            trainTasks = Math.min(trainTasks, 40);
            perTask = Math.min(perTask, 8);
            testTasks = Math.min(testTasks, 10);
            epochs = Math.min(epochs, 60);
            taskSweep = List.of();
            timingSteps = 0;
        }
        require(trainTasks >= 2, "--train-tasks", trainTasks);
        require(perTask >= 2, "--per-task", perTask);
        require(testTasks >= 1, "--test-tasks", testTasks);
        require(epochs >= 1, "--epochs", epochs);
        require(batch >= 1, "--batch", batch);
        require(!seeds.isEmpty(), "--seeds", seeds);
        require(timingSteps >= 0, "--timing-steps", timingSteps);
        require(List.of("sigmoid", "clamp").contains(physicsHead), "--physics-head (sigmoid or clamp)", physicsHead);
        require(klWeight >= 0 && Double.isFinite(klWeight), "--kl-weight", klWeight);
        require(alpha == null || (alpha >= 0 && Double.isFinite(alpha)), "--alpha", alpha);
        require(physicsWarmup >= 0, "--physics-warmup", physicsWarmup);
        require(horizonResidual >= 0 && Double.isFinite(horizonResidual), "--horizon-residual", horizonResidual);
        require(validateEvery >= 0, "--validate-every", validateEvery);
        require(patience >= 0, "--patience", patience);
        require(context >= 1 && context < perTask, "--context (1..--per-task - 1)", context);
        require(maxMinutes >= 0 && Double.isFinite(maxMinutes), "--max-minutes", maxMinutes);
        require(List.of("rk4", "euler").contains(solver), "--solver (rk4 or euler)", solver);
        require(List.of("service", "plausible").contains(prior), "--prior (service or plausible)", prior);
        require(List.of("mlp", "sinusoids").contains(residual), "--residual (mlp or sinusoids)", residual);
        require(hidden >= 8, "--hidden (>= 8)", hidden);
        require(timeBank >= 0 && timeBank <= ModelSpec.MAX_TIME_BANK, "--time-bank (0.." + ModelSpec.MAX_TIME_BANK
                + ")", timeBank);
        require(!leastActionKeepsDrive || (drive && timeBank == 0),
                "--least-action-keeps-drive (needs --drive, no --time-bank)", leastActionKeepsDrive);
        require(!oracleZn || validateEvery > 0, "--validate-every (> 0 with --oracle-zn)", validateEvery);
        for (int tasks : taskSweep) {
            require(tasks >= 2 && tasks < trainTasks, "--task-sweep (each must be 2..--train-tasks - 1)", tasks);
        }
        List<ModelVariant> variants = models == null ? ModelVariant.ALL : models.stream().map(this::variant).toList();
        Experiment experiment = new Experiment(ExperimentSettings.builder().setSystem(system)
                .setScale(trainTasks, perTask, testTasks).setSchedule(epochs, batch, learningRate).setSeeds(seeds)
                .setVariants(variants).optContextSize(context).optPhysicsHeadMap(physicsHead).optKlWeight(klWeight)
                .optAlpha(alpha == null ? Double.NaN : alpha)
                .optPhysicsWarmupSteps(physicsWarmup).optHorizonResidualWeight(horizonResidual)
                .optEarlyStopping(validateEvery, patience, maxMinutes).optSolver(solver)
                .optPlausiblePrior("plausible".equals(prior)).optResidualForm(residual).optHidden(hidden).optTimeBank(timeBank)
                .optEmbedSpectrum(embedSpectrum).optDrive(drive).optOracleZn(oracleZn)
                .optLeastActionKeepsDrive(leastActionKeepsDrive).optSensorPooling(sensorPooling)
                .optProfileRefinesLatents(profileRefinesLatents).build());
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Map<ModelVariant, List<Experiment.Score>> results = experiment.runAll((variant, seed) ->
                progressBar(err, variant.id() + " seed " + seed));
        Map<ModelVariant, double[]> sweep = new LinkedHashMap<>();
        int[] counts = taskSweep.stream().mapToInt(Integer::intValue).toArray();
        for (ModelVariant v : variants) {
            if (counts.length > 0 && (v.id().equals("meta-hybrid-vae") || v.id().equals("phys-vae"))) {
                sweep.put(v, experiment.mccVersusTasks(v, seeds.get(0), counts, (variant, seed) ->
                        progressBar(err, variant.id() + " sweep")));
            }
        }
        Map<String, Double> stepMillis = new LinkedHashMap<>();
        for (ModelVariant v : variants) {
            if (timingSteps > 0 && List.of("meta-hybrid-vae", "phys-vae", "aphynity", "meta-hybrid-vae+sam")
                    .contains(v.id())) {
                stepMillis.put(v.id(), experiment.stepMillisAtBatch200(v, timingSteps));
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String command = "java -jar trainer/target/trainer.jar experiment " + String.join(" ",
                spec.commandLine().getParseResult().originalArgs().subList(1,
                        spec.commandLine().getParseResult().originalArgs().size()));
        Report.write(out.resolve(dataset), experiment.labels(), experiment.settings(), results, command.strip(), wall,
                stepMillis, counts, sweep);
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s in %.0f s%n", out.resolve(dataset), wall);
        return 0;
    }

    private ModelVariant variant(String id) {
        return ModelVariant.ALL.stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow(() ->
                new CommandLine.ParameterException(spec.commandLine(), "--models: unknown model '" + id + "' (known: "
                        + ModelVariant.ALL.stream().map(ModelVariant::id).toList() + ")"));
    }

    private List<Integer> parseSweep(String value) {
        String v = value.strip();
        if (v.isEmpty() || "none".equals(v)) {
            return List.of();
        }
        try {
            return java.util.Arrays.stream(v.split(",")).map(String::strip).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--task-sweep must be comma-separated task counts or 'none', got '" + value + "'");
        }
    }

    private void require(boolean ok, String name, Object value) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " is out of range: " + value);
        }
    }

    /** A one-line progress bar on stderr: percentage, loss, the last validation metric and ETA, redrawn in place. */
    static TrainingListener progressBar(PrintWriter err, String label) {
        return new TrainingListener() {
            private String validation = "";

            @Override
            public void onStep(int step, int total, int epoch, double loss, long elapsedNanos) {
                int width = 30;
                int done = (int) ((long) step * width / total);
                double eta = elapsedNanos / 1e9 / step * (total - step);
                err.printf(Locale.ROOT, "\r%-26s [%s%s] %3d%% loss %9.4f%s ETA %4.0f s", label, "#".repeat(done),
                        " ".repeat(width - done), step * 100 / total, loss, validation, eta);
                if (step == total) {
                    err.println();
                }
                err.flush();
            }

            @Override
            public void onValidation(int step, double metric, double best) {
                validation = String.format(Locale.ROOT, " val %.4g (best %.4g)", metric, best);
            }
        };
    }
}
