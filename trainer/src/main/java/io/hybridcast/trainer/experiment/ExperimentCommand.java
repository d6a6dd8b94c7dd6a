package io.hybridcast.trainer.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.model.training.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code trainer experiment}: generates task-structured pendulum data with the simulator, trains every model
 * variant with several seeds (a progress bar per run: loss and ETA), and writes
 * {@code <out>/<dataset>/results.json}, {@code report.md} and PNG plots.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains and scores every model and ablation on simulated pendulum data; writes a report.")
public final class ExperimentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "docs/experiments", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--dataset", defaultValue = "pendulum", description = "Dataset name; only pendulum so far.")
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

    @Option(names = "--fast", description = "Small data, few epochs: a smoke run in about a minute per model.")
    boolean fast;

    @Override
    public Integer call() throws Exception {
        if (!"pendulum".equals(dataset)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--dataset must be pendulum (the only one implemented so far), got " + dataset);
        }
        if (fast) {
            trainTasks = Math.min(trainTasks, 40);
            perTask = Math.min(perTask, 8);
            testTasks = Math.min(testTasks, 10);
            epochs = Math.min(epochs, 60);
        }
        require(trainTasks >= 2, "--train-tasks", trainTasks);
        require(perTask >= 2, "--per-task", perTask);
        require(testTasks >= 1, "--test-tasks", testTasks);
        require(epochs >= 1, "--epochs", epochs);
        require(batch >= 1, "--batch", batch);
        require(!seeds.isEmpty(), "--seeds", seeds);
        List<ModelVariant> variants = models == null ? ModelVariant.ALL : models.stream().map(this::variant).toList();
        Experiment experiment = new Experiment(new Experiment.Settings(trainTasks, perTask, testTasks, epochs, batch,
                learningRate, seeds, 20, 5, variants));
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Map<ModelVariant, List<Experiment.Score>> results = experiment.runAll((variant, seed) ->
                progressBar(err, variant.id() + " seed " + seed));
        double wall = (System.nanoTime() - start) / 1e9;
        String command = "java -jar trainer/target/trainer.jar experiment " + String.join(" ",
                spec.commandLine().getParseResult().originalArgs().subList(1,
                        spec.commandLine().getParseResult().originalArgs().size()));
        Report.write(out.resolve(dataset), dataset, experiment.settings(), results, command.strip(), wall,
                stepTimes());
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s in %.0f s%n", out.resolve(dataset), wall);
        return 0;
    }

    private ModelVariant variant(String id) {
        return ModelVariant.ALL.stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow(() ->
                new CommandLine.ParameterException(spec.commandLine(), "--models: unknown model '" + id + "' (known: "
                        + ModelVariant.ALL.stream().map(ModelVariant::id).toList() + "; aphynity is not implemented yet)"));
    }

    private void require(boolean ok, String name, Object value) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " is out of range: " + value);
        }
    }

    /** A one-line progress bar on stderr: percentage, loss and ETA, redrawn in place. */
    static TrainingListener progressBar(PrintWriter err, String label) {
        return (step, total, epoch, loss, elapsedNanos) -> {
            int width = 30;
            int done = (int) ((long) step * width / total);
            double eta = elapsedNanos / 1e9 / step * (total - step);
            err.printf(Locale.ROOT, "\r%-26s [%s%s] %3d%% loss %9.4f ETA %4.0f s", label, "#".repeat(done),
                    " ".repeat(width - done), step * 100 / total, loss, eta);
            if (step == total) {
                err.println();
            }
            err.flush();
        };
    }

    /** Median step times from the model benchmark's report, when it is there. */
    private static Map<String, Double> stepTimes() {
        Map<String, Double> out = new LinkedHashMap<>();
        Path file = Path.of("docs/benchmarks/model.json");
        if (Files.exists(file)) {
            try {
                JsonNode steps = new ObjectMapper().readTree(file.toFile()).path("training_step");
                steps.fieldNames().forEachRemaining(k -> out.put(k, steps.get(k).path("median_ms_per_step").asDouble()));
            } catch (java.io.IOException e) {
                // the report is optional decoration; the experiment itself stands
            }
        }
        return out;
    }
}
