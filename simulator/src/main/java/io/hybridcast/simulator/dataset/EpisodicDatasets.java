package io.hybridcast.simulator.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PhysicalSystem;
import io.hybridcast.simulator.physics.PhysicalSystems;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Generates, writes and reads offline episodic datasets. The file format (a JSON manifest plus raw
 * little-endian arrays) is described in docs/dataset-format.md.
 */
public final class EpisodicDatasets {

    /** Value of the manifest's {@code format} field. */
    public static final String FORMAT = "hybridcast-episodic";
    /** Current format version. */
    public static final int FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(EpisodicDatasets.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** Below this many sequences generation is quick and not reported. */
    private static final int PROGRESS_THRESHOLD = 200;

    private EpisodicDatasets() {
    }

    /** Generates a dataset; big ones report progress as log lines. Same spec and seed, same dataset. */
    public static EpisodicDataset generate(DatasetSpec spec, long seed) {
        ProgressListener progress = spec.size() >= PROGRESS_THRESHOLD
                ? new LogProgress(LOG, "generating " + spec.system() + " dataset")
                : ProgressListener.NONE;
        return generate(spec, seed, progress);
    }

    /**
     * Generates a dataset, reporting progress once per sequence.
     *
     * <p>Draw order (part of what "deterministic for a seed" means): per task the unmodelled factors, then
     * per sequence the physics parameter, the initial state and the noise of every sample.
     */
    public static EpisodicDataset generate(DatasetSpec spec, long seed, ProgressListener progress) {
        PhysicalSystem system = PhysicalSystems.of(spec.system());
        GroundTruthIntegrator integrator = new GroundTruthIntegrator();
        SplittableRandom rng = new SplittableRandom(seed);
        int n = spec.size();
        int channels = system.channels();
        double dt = system.dt();
        int[] taskIds = new int[n];
        double[][][] observations = new double[n][spec.steps()][channels];
        double[][] initialStates = new double[n][];
        double[][] physics = new double[n][1];
        double[][] unmodelled = new double[n][];
        int index = 0;
        for (int task = 0; task < spec.tasks(); task++) {
            double[] taskFactors = system.sampleUnmodelled(rng);
            for (int s = 0; s < spec.sequencesPerTask(); s++, index++) {
                double zp = spec.physicsMin() + (spec.physicsMax() - spec.physicsMin()) * rng.nextDouble();
                double[] initial = system.initialState(rng, true);
                OrdinaryDifferentialEquation ode = system.equations(zp, taskFactors);
                double[][] states = integrator.trajectory(ode, 0.0, initial, dt, spec.steps());
                for (int k = 0; k < spec.steps(); k++) {
                    double[] obs = observations[index][k];
                    system.observe(states[k], obs);
                    for (int c = 0; c < channels; c++) {
                        obs[c] += spec.noiseStd() * rng.nextGaussian();
                    }
                }
                taskIds[index] = task;
                initialStates[index] = initial;
                physics[index][0] = zp;
                unmodelled[index] = taskFactors.clone();
                progress.progress(index + 1L, n);
            }
        }
        return new EpisodicDataset(spec.system(), dt, taskIds, observations, initialStates,
                new String[] {system.physicsName()}, physics,
                system.unmodelledNames().toArray(String[]::new), unmodelled);
    }

    /**
     * Writes {@code <split>.json} and the array files {@code <split>.<array>.bin} into {@code dir} (created
     * if missing), replacing an existing split of the same name.
     */
    public static void write(EpisodicDataset d, Path dir, String split) {
        checkSplit(split);
        int n = d.size();
        int steps = d.steps();
        int channels = d.channels();
        int stateDim = d.stateDim();
        try {
            Files.createDirectories(dir);
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("format", FORMAT);
            manifest.put("version", FORMAT_VERSION);
            manifest.put("split", split);
            manifest.put("system", d.system().name());
            manifest.put("dt", d.dt());
            manifest.put("sequences", n);
            manifest.put("tasks", d.taskCount());
            manifest.put("steps", steps);
            manifest.put("channels", channels);
            manifest.put("stateDim", stateDim);
            ArrayNode physicsNames = manifest.putArray("physicsNames");
            for (String name : d.physicsNames()) {
                physicsNames.add(name);
            }
            ArrayNode unmodelledNames = manifest.putArray("unmodelledNames");
            for (String name : d.unmodelledNames()) {
                unmodelledNames.add(name);
            }
            ObjectNode arrays = manifest.putObject("arrays");

            ByteBuffer tasks = buffer(4L * n);
            for (int id : d.taskIds()) {
                tasks.putInt(id);
            }
            writeArray(dir, split, "taskIds", "int32", new int[] {n}, tasks, arrays);

            ByteBuffer obs = buffer(8L * n * steps * channels);
            for (double[][] sequence : d.observations()) {
                for (double[] sample : sequence) {
                    for (double v : sample) {
                        obs.putDouble(v);
                    }
                }
            }
            writeArray(dir, split, "observations", "float64", new int[] {n, steps, channels}, obs, arrays);
            writeArray(dir, split, "initialStates", "float64", new int[] {n, stateDim},
                    matrix(d.initialStates(), stateDim), arrays);
            writeArray(dir, split, "physics", "float64", new int[] {n, d.physicsNames().length},
                    matrix(d.physics(), d.physicsNames().length), arrays);
            writeArray(dir, split, "unmodelled", "float64", new int[] {n, d.unmodelledNames().length},
                    matrix(d.unmodelled(), d.unmodelledNames().length), arrays);
            // The manifest last: a reader never sees a manifest whose arrays are still being written.
            Files.writeString(dir.resolve(split + ".json"), JSON.writeValueAsString(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write dataset split '" + split + "' to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads a split written by {@link #write}; a missing, truncated or inconsistent file is a {@link DatasetFormatException}. */
    public static EpisodicDataset read(Path dir, String split) {
        checkSplit(split);
        Path manifestFile = dir.resolve(split + ".json");
        JsonNode manifest;
        try {
            manifest = JSON.readTree(Files.readString(manifestFile));
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("No dataset split '" + split + "': " + manifestFile + " does not exist", e);
        } catch (IOException e) {
            throw new DatasetFormatException("Cannot read manifest " + manifestFile + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(text(manifest, "format", manifestFile))) {
            throw new DatasetFormatException(manifestFile + ": format must be '" + FORMAT + "', got '"
                    + manifest.path("format").asText() + "'");
        }
        int version = integer(manifest, "version", manifestFile);
        if (version != FORMAT_VERSION) {
            throw new DatasetFormatException(manifestFile + ": unsupported version " + version + " (this reader knows "
                    + FORMAT_VERSION + ")");
        }
        String systemName = text(manifest, "system", manifestFile);
        SystemKind system;
        try {
            system = SystemKind.valueOf(systemName);
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(manifestFile + ": unknown system '" + systemName + "'", e);
        }
        double dt = manifest.path("dt").asDouble(Double.NaN);
        int n = integer(manifest, "sequences", manifestFile);
        int steps = integer(manifest, "steps", manifestFile);
        int channels = integer(manifest, "channels", manifestFile);
        int stateDim = integer(manifest, "stateDim", manifestFile);
        String[] physicsNames = names(manifest, "physicsNames", manifestFile);
        String[] unmodelledNames = names(manifest, "unmodelledNames", manifestFile);
        JsonNode arrays = manifest.path("arrays");

        ByteBuffer tasks = readArray(dir, manifestFile, arrays, "taskIds", "int32", new int[] {n});
        int[] taskIds = new int[n];
        for (int i = 0; i < n; i++) {
            taskIds[i] = tasks.getInt();
        }
        ByteBuffer obs = readArray(dir, manifestFile, arrays, "observations", "float64", new int[] {n, steps, channels});
        double[][][] observations = new double[n][steps][channels];
        for (double[][] sequence : observations) {
            for (double[] sample : sequence) {
                for (int c = 0; c < channels; c++) {
                    sample[c] = obs.getDouble();
                }
            }
        }
        double[][] initialStates = toMatrix(readArray(dir, manifestFile, arrays, "initialStates", "float64",
                new int[] {n, stateDim}), n, stateDim);
        double[][] physics = toMatrix(readArray(dir, manifestFile, arrays, "physics", "float64",
                new int[] {n, physicsNames.length}), n, physicsNames.length);
        double[][] unmodelled = toMatrix(readArray(dir, manifestFile, arrays, "unmodelled", "float64",
                new int[] {n, unmodelledNames.length}), n, unmodelledNames.length);
        try {
            return new EpisodicDataset(system, dt, taskIds, observations, initialStates, physicsNames, physics,
                    unmodelledNames, unmodelled);
        } catch (IllegalArgumentException e) {
            throw new DatasetFormatException(manifestFile + ": " + e.getMessage(), e);
        }
    }

    private static void checkSplit(String split) {
        if (split == null || !SPLIT_NAME.matcher(split).matches()) {
            throw new IllegalArgumentException("split must be a plain name of letters, digits, '_' or '-', got '"
                    + split + "'");
        }
    }

    private static ByteBuffer buffer(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array of " + bytes + " bytes is too large for one file; split the dataset");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer matrix(double[][] rows, int columns) {
        ByteBuffer buffer = buffer(8L * rows.length * columns);
        for (double[] row : rows) {
            for (int c = 0; c < columns; c++) {
                buffer.putDouble(row[c]);
            }
        }
        return buffer;
    }

    private static double[][] toMatrix(ByteBuffer buffer, int rows, int columns) {
        double[][] matrix = new double[rows][columns];
        for (double[] row : matrix) {
            for (int c = 0; c < columns; c++) {
                row[c] = buffer.getDouble();
            }
        }
        return matrix;
    }

    private static void writeArray(Path dir, String split, String name, String dtype, int[] shape, ByteBuffer data,
                                   ObjectNode arrays) throws IOException {
        String file = split + "." + name + ".bin";
        Files.write(dir.resolve(file), data.array());
        ObjectNode entry = arrays.putObject(name);
        entry.put("file", file);
        entry.put("dtype", dtype);
        ArrayNode shapeNode = entry.putArray("shape");
        for (int s : shape) {
            shapeNode.add(s);
        }
    }

    private static ByteBuffer readArray(Path dir, Path manifestFile, JsonNode arrays, String name, String dtype,
                                        int[] shape) {
        JsonNode entry = arrays.path(name);
        if (!entry.isObject()) {
            throw new DatasetFormatException(manifestFile + ": arrays." + name + " is missing");
        }
        if (!dtype.equals(entry.path("dtype").asText())) {
            throw new DatasetFormatException(manifestFile + ": arrays." + name + ".dtype must be " + dtype + ", got '"
                    + entry.path("dtype").asText() + "'");
        }
        List<Integer> declared = new ArrayList<>();
        entry.path("shape").forEach(s -> declared.add(s.asInt()));
        List<Integer> expected = new ArrayList<>();
        long elements = 1;
        for (int s : shape) {
            expected.add(s);
            elements *= s;
        }
        if (!declared.equals(expected)) {
            throw new DatasetFormatException(manifestFile + ": arrays." + name + ".shape must be " + expected + ", got "
                    + declared);
        }
        String fileName = entry.path("file").asText("");
        if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\")) {
            throw new DatasetFormatException(manifestFile + ": arrays." + name + ".file must be a plain file name, got '"
                    + fileName + "'");
        }
        Path file = dir.resolve(fileName);
        long expectedBytes = elements * ("int32".equals(dtype) ? 4 : 8);
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != expectedBytes) {
                throw new DatasetFormatException(file + ": expected " + expectedBytes + " bytes for " + name + " "
                        + expected + " " + dtype + ", found " + bytes.length);
            }
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException("Array file " + file + " named by " + manifestFile + " does not exist", e);
        } catch (IOException e) {
            throw new DatasetFormatException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new DatasetFormatException(file + ": field '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String field, Path file) {
        JsonNode value = node.path(field);
        if (!value.isInt() || value.asInt() < 0) {
            throw new DatasetFormatException(file + ": field '" + field + "' must be a non-negative integer, got " + value);
        }
        return value.asInt();
    }

    private static String[] names(JsonNode node, String field, Path file) {
        JsonNode value = node.path(field);
        if (!value.isArray()) {
            throw new DatasetFormatException(file + ": field '" + field + "' is missing or not an array");
        }
        String[] names = new String[value.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = value.get(i).asText();
        }
        return names;
    }
}
