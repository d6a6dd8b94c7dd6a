package io.hybridcast.simulator;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.dataset.ConsoleProgressBar;
import io.hybridcast.simulator.dataset.DatasetSpec;
import io.hybridcast.simulator.dataset.EpisodicDataset;
import io.hybridcast.simulator.dataset.EpisodicDatasets;
import io.hybridcast.simulator.dataset.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code simulator dataset}: writes train / valid / test splits of an offline episodic dataset
 * (docs/dataset-format.md). Split i is generated with seed {@code seed + i}, so the splits are independent and
 * the whole set is reproducible.
 */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Writes offline episodic datasets (train/valid/test) with the true parameters beside the data.")
public final class DatasetCommand implements Callable<Integer> {

    @Option(names = "--system", required = true, paramLabel = "KIND", converter = SystemConverter.class,
            description = "pendulum, advection-diffusion or double-pendulum.")
    SystemKind system;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--train", defaultValue = "1000", description = "Training tasks (default ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--valid", defaultValue = "500", description = "Validation tasks (default ${DEFAULT-VALUE}).")
    int valid;

    @Option(names = "--test", defaultValue = "1000", description = "Test tasks (default ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--sequences-per-task", defaultValue = "1",
            description = "Sequences per task; 1 gives Phys-VAE style sets (default ${DEFAULT-VALUE}).")
    int sequencesPerTask;

    @Option(names = "--steps", description = "Samples per sequence (default 50).")
    Integer steps;

    @Option(names = "--physics-min", description = "Lower bound of the physics parameter (default: the system's).")
    Double physicsMin;

    @Option(names = "--physics-max", description = "Upper bound of the physics parameter (default: the system's).")
    Double physicsMax;

    @Option(names = "--noise-std", description = "Observation noise std (default: the system's).")
    Double noiseStd;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}); split i uses seed + i.")
    long seed;

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        String[] names = {"train", "valid", "test"};
        int[] tasks = {train, valid, test};
        for (int i = 0; i < names.length; i++) {
            if (tasks[i] < 1) {
                throw new IllegalArgumentException("--" + names[i] + " must be >= 1, got " + tasks[i]);
            }
            DatasetSpec datasetSpec = DatasetSpec.defaults(system, tasks[i], sequencesPerTask);
            if (steps != null) {
                datasetSpec = datasetSpec.withSteps(steps);
            }
            if (physicsMin != null || physicsMax != null) {
                datasetSpec = datasetSpec.withPhysicsRange(physicsMin != null ? physicsMin : datasetSpec.physicsMin(),
                        physicsMax != null ? physicsMax : datasetSpec.physicsMax());
            }
            if (noiseStd != null) {
                datasetSpec = datasetSpec.withNoiseStd(noiseStd);
            }
            ProgressListener progress = noProgress ? ProgressListener.NONE
                    : new ConsoleProgressBar(System.err, String.format(Locale.ROOT, "%-5s", names[i]));
            EpisodicDataset dataset = EpisodicDatasets.generate(datasetSpec, seed + i, progress);
            EpisodicDatasets.write(dataset, out, names[i]);
            console.printf(Locale.ROOT, "%s: %d sequences (%d tasks x %d) of %d steps -> %s%n", names[i], dataset.size(),
                    tasks[i], sequencesPerTask, dataset.steps(), out.resolve(names[i] + ".json"));
            console.flush();
        }
        return 0;
    }

    /** Accepts enum names and their lower-case, dashed spellings. */
    static final class SystemConverter implements CommandLine.ITypeConverter<SystemKind> {
        @Override
        public SystemKind convert(String value) {
            String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                return SystemKind.valueOf(normalized);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected pendulum, advection-diffusion or double-pendulum,"
                        + " got '" + value + "'");
            }
        }
    }
}
