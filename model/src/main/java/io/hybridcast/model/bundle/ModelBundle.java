package io.hybridcast.model.bundle;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.kernel.GoldenSet;
import io.hybridcast.model.vae.HybridVae;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A trained model as one self-describing, versioned file: a zip with {@value #MANIFEST} (format and
 * version, the full {@link ModelSpec}, metrics, training settings, creation time, and the SHA-256 of the
 * parameters) and {@value #PARAMETERS} (every parameter by id, shape and float32 values).
 *
 * <p>{@link #read} checks all of it and refuses a bundle that is not a zip, lacks an entry, has another
 * format or a newer format version, whose parameters do not match their checksum, or whose spec is invalid;
 * {@link #instantiate} refuses parameters that do not fit the spec. Each refusal names what is wrong.
 *
 * <p>A bundle may come from anyone who can write the model topic, so reading it is bounded before anything is
 * allocated: at most {@value #MAX_ENTRIES} zip entries, each inflated only up to its limit while it is read
 * ({@value #MAX_MANIFEST_BYTES} bytes of manifest, {@value #MAX_PARAMETER_BYTES} of parameters: a zip bomb
 * stops there), every dimension of the spec within {@link SpecBounds}, and the parameters' own layout (array
 * count, ranks, sizes) consistent with their bytes, so {@link #instantiate} never allocates what the bytes do
 * not hold.
 *
 * @param spec            every dimension and setting of the model
 * @param metrics         held-out metrics at publication (name to value)
 * @param trainingJson    the training settings, as JSON (may be "{}")
 * @param createdAt       when the bundle was written
 * @param parametersSha256 SHA-256 of the parameter bytes, lowercase hex
 * @param parameters      the parameter bytes
 */
public record ModelBundle(ModelSpec spec, Map<String, Double> metrics, String trainingJson, Instant createdAt,
                          String parametersSha256, byte[] parameters) {

    /** Identifies the file format in the manifest. */
    public static final String FORMAT = "hybridcast-model-bundle";
    /** The newest format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    static final String MANIFEST = "manifest.json";
    static final String PARAMETERS = "parameters.bin";
    /** Most zip entries read; a bundle has two. */
    public static final int MAX_ENTRIES = 16;
    /** Largest inflated manifest. */
    public static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    /** Largest inflated parameter file (16 M float32 values). */
    public static final int MAX_PARAMETER_BYTES = 64 * 1024 * 1024;
    /** Largest inflated golden set (a few hundred windows with their reference outputs). */
    public static final int MAX_GOLDEN_BYTES = 16 * 1024 * 1024;
    /**
     * Optional entry: golden inputs and the reference (DJL) outputs for them ({@link GoldenSet}), against which a
     * serving process checks a faster engine before letting it serve these weights. Bundles without it are served
     * by DJL.
     */
    public static final String GOLDEN = "golden.bin";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** The manifest as stored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Manifest(String format, int formatVersion, ModelSpec spec, Map<String, Double> metrics,
                    String training, String createdAt, String parametersSha256) {
    }

    /** Writes a trained model with its metrics and training settings. */
    public static byte[] write(HybridVae model, Map<String, Double> metrics, String trainingJson) {
        try {
            ByteArrayOutputStream params = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(params)) {
                model.writeParameters(out);
            }
            byte[] parameterBytes = params.toByteArray();
            Manifest manifest = new Manifest(FORMAT, FORMAT_VERSION, model.spec(), new TreeMap<>(metrics),
                    trainingJson == null ? "{}" : trainingJson, Instant.now().toString(), sha256(parameterBytes));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(PARAMETERS));
                zip.write(parameterBytes);
                zip.closeEntry();
                byte[] golden = goldenOf(model);
                if (golden != null) {
                    zip.putNextEntry(new ZipEntry(GOLDEN));
                    zip.write(golden);
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a model bundle: " + e.getMessage(), e);
        }
    }

    /**
     * The golden set of a model, or null when it cannot be computed: a bundle without one is still valid (it is
     * served by DJL alone), so this never stops a bundle from being written.
     */
    private static byte[] goldenOf(HybridVae model) {
        try {
            return GoldenSet.create(model).toBytes();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The golden set stored in a bundle ({@value #GOLDEN}), empty when the bundle has none (written before the
     * entry existed).
     *
     * @throws InvalidBundleException if the entry is there but unreadable
     */
    public static java.util.Optional<GoldenSet> golden(byte[] bundle) throws InvalidBundleException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            int entries = 0;
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (++entries > MAX_ENTRIES) {
                    throw new InvalidBundleException("Not a model bundle: the zip has more than " + MAX_ENTRIES
                            + " entries");
                }
                if (GOLDEN.equals(entry.getName())) {
                    // bounded like the other entries: the golden set is read before the kernel is trusted
                    return java.util.Optional.of(GoldenSet.fromBytes(
                            readBounded(zip, GOLDEN, null, MAX_GOLDEN_BYTES)));
                }
            }
            return java.util.Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidBundleException("The bundle's " + GOLDEN + " is not readable: " + e.getMessage(), e);
        }
    }

    /** Reads and checks a bundle. */
    public static ModelBundle read(byte[] bundle) throws InvalidBundleException {
        byte[] manifestBytes = null;
        byte[] parameterBytes = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            int entries = 0;
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (++entries > MAX_ENTRIES) {
                    throw new InvalidBundleException("Not a model bundle: the zip has more than " + MAX_ENTRIES
                            + " entries");
                }
                if (MANIFEST.equals(entry.getName())) {
                    manifestBytes = readBounded(zip, MANIFEST, manifestBytes, MAX_MANIFEST_BYTES);
                } else if (PARAMETERS.equals(entry.getName())) {
                    parameterBytes = readBounded(zip, PARAMETERS, parameterBytes, MAX_PARAMETER_BYTES);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidBundleException("Not a readable model bundle (corrupt or truncated zip: "
                    + e.getMessage() + ")", e);
        }
        if (manifestBytes == null || parameterBytes == null) {
            throw new InvalidBundleException("Not a model bundle: the zip lacks "
                    + (manifestBytes == null ? MANIFEST : PARAMETERS) + " (corrupt, truncated or another file)");
        }
        Manifest manifest;
        try {
            manifest = JSON.readValue(manifestBytes, Manifest.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidBundleException("The bundle's " + MANIFEST + " is not valid: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(manifest.format())) {
            throw new InvalidBundleException("The bundle's format is '" + manifest.format() + "', expected '" + FORMAT
                    + "'");
        }
        if (manifest.formatVersion() < 1 || manifest.formatVersion() > FORMAT_VERSION) {
            throw new InvalidBundleException("The bundle has format version " + manifest.formatVersion()
                    + "; this build reads versions 1.." + FORMAT_VERSION);
        }
        if (manifest.spec() == null) {
            throw new InvalidBundleException("The bundle's manifest has no model spec");
        }
        SpecBounds.checkParameterLayout(parameterBytes);
        SpecBounds.check(manifest.spec(), parameterBytes.length);
        String actual = sha256(parameterBytes);
        if (!actual.equals(manifest.parametersSha256())) {
            throw new InvalidBundleException("The bundle's parameters do not match their checksum (manifest says "
                    + manifest.parametersSha256() + ", the bytes hash to " + actual + "): corrupt");
        }
        Instant created;
        try {
            created = Instant.parse(manifest.createdAt());
        } catch (RuntimeException e) {
            throw new InvalidBundleException("The bundle's createdAt is not a time: " + manifest.createdAt(), e);
        }
        return new ModelBundle(manifest.spec(), manifest.metrics() == null ? Map.of() : manifest.metrics(),
                manifest.training(), created, actual, parameterBytes);
    }

    /**
     * Reads the current zip entry, inflating at most {@code limit} bytes: a larger entry is refused as soon as
     * it passes the limit, whatever its header claims. A second entry of the same name is refused too.
     */
    private static byte[] readBounded(ZipInputStream zip, String name, byte[] earlier, int limit)
            throws IOException, InvalidBundleException {
        if (earlier != null) {
            throw new InvalidBundleException("Not a model bundle: the zip holds " + name + " twice");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = zip.read(buffer)) > 0; ) {
            if (out.size() + n > limit) {
                throw new InvalidBundleException("The bundle's " + name + " inflates to more than " + limit
                        + " bytes: not a model bundle of this build (or a zip bomb)");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Reads and checks a bundle file; a missing or unreadable file is refused with its path. */
    public static ModelBundle read(java.nio.file.Path file) throws InvalidBundleException {
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidBundleException("Cannot read the model bundle file " + file + ": " + e, e);
        }
        try {
            return read(bytes);
        } catch (InvalidBundleException e) {
            throw new InvalidBundleException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a bundle and checks that it serves the expected system. */
    public static ModelBundle read(byte[] bundle, String expectedSystem) throws InvalidBundleException {
        ModelBundle read = read(bundle);
        if (!read.spec().system().equals(expectedSystem)) {
            throw new InvalidBundleException("The bundle holds a model of " + read.spec().system() + ", expected "
                    + expectedSystem);
        }
        return read;
    }

    /** A new model instance with this bundle's parameters; close it when done. */
    public HybridVae instantiate(NDManager parent) throws InvalidBundleException {
        HybridVae model = new HybridVae(spec, parent, 0);
        try {
            model.readParameters(new DataInputStream(new ByteArrayInputStream(parameters)));
            return model;
        } catch (IOException e) {
            model.close();
            throw new InvalidBundleException("The bundle's parameters do not fit its spec: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** SHA-256 of bytes, lowercase hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
