package io.hybridcast.model.bundle;

import io.hybridcast.model.api.ModelSpec;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Sane bounds of a bundle's spec and parameter layout, checked before a model is built from it: building one
 * allocates every parameter array the spec implies (the encoder alone {@code hidden × windowLength × channels}
 * floats), so a spec with a huge dimension would exhaust memory before the parameters could be found not to
 * fit. The bounds are far above any model this project trains (window 50, hidden 64) and far below what would
 * hurt a serving process.
 */
public final class SpecBounds {

    /** Longest window, samples. */
    public static final int MAX_WINDOW_LENGTH = 10_000;
    /** Most channels per sample. */
    public static final int MAX_CHANNELS = 64;
    /** Longest forecast horizon, samples. */
    public static final int MAX_HORIZON = 10_000;
    /** Widest hidden layer and context embedding. */
    public static final int MAX_WIDTH = 4096;
    /** Most neural latents. */
    public static final int MAX_NEURAL_LATENTS = 1024;
    /** Most solver substeps per sample (each one costs a network evaluation per sample). */
    public static final int MAX_SUBSTEPS = 1000;
    /** Most parameter arrays and dimensions per array in a parameter file. */
    static final int MAX_ARRAYS = 1000;
    static final int MAX_RANK = 8;

    private SpecBounds() {
    }

    /**
     * Checks every dimension of {@code spec}, and that the parameter file of {@code parameterBytes} bytes can
     * hold the floats the spec implies at the least (the physics head's input layer): a spec asking for more is
     * refused before anything is allocated for it.
     */
    public static void check(ModelSpec spec, long parameterBytes) throws InvalidBundleException {
        within("windowLength", spec.windowLength(), MAX_WINDOW_LENGTH);
        within("channels", spec.channels(), MAX_CHANNELS);
        within("maxHorizon", spec.maxHorizon(), MAX_HORIZON);
        within("hidden", spec.hidden(), MAX_WIDTH);
        within("embedding", spec.embedding(), MAX_WIDTH);
        within("neuralLatents", spec.neuralLatents(), MAX_NEURAL_LATENTS);
        within("substeps", spec.substeps(), MAX_SUBSTEPS);
        // every variant (ablations included) has the physics head, which reads the flat window (T·C inputs) into
        // a hidden layer; the other blocks depend on the variant, so only this one is a safe lower bound
        long window = (long) spec.windowLength() * spec.channels();
        long leastFloats = (long) spec.hidden() * window;
        if (leastFloats > parameterBytes / Float.BYTES) {
            throw new InvalidBundleException("The bundle's spec implies at least " + leastFloats + " parameters "
                    + "(hidden " + spec.hidden() + ", window " + spec.windowLength() + " x " + spec.channels()
                    + "), its parameter file holds " + parameterBytes / Float.BYTES);
        }
    }

    private static void within(String name, int value, int max) throws InvalidBundleException {
        if (value > max) {
            throw new InvalidBundleException("The bundle's spec has " + name + " = " + value + ", more than the "
                    + max + " this build accepts");
        }
    }

    /**
     * Walks the parameter file's layout (array count; per array its name, rank, dimensions and value count)
     * without allocating the values: every count must be small, every value count must equal its dimensions'
     * product and fit in the bytes that are left, and the file must end with the last array.
     */
    public static void checkParameterLayout(byte[] parameters) throws InvalidBundleException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            int count = in.readInt();
            if (count < 0 || count > MAX_ARRAYS) {
                throw new InvalidBundleException("The bundle's parameters declare " + count + " arrays (at most "
                        + MAX_ARRAYS + ")");
            }
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                if (rank < 0 || rank > MAX_RANK) {
                    throw new InvalidBundleException("Parameter " + name + " declares rank " + rank);
                }
                long product = 1;
                for (int d = 0; d < rank; d++) {
                    long dim = in.readLong();
                    if (dim < 0 || dim > Integer.MAX_VALUE || (product *= dim) > Integer.MAX_VALUE) {
                        throw new InvalidBundleException("Parameter " + name + " declares a dimension of " + dim);
                    }
                }
                int size = in.readInt();
                if (size != product || (long) size * Float.BYTES > in.available()) {
                    throw new InvalidBundleException("Parameter " + name + " declares " + size + " values for "
                            + product + " cells, with " + in.available() + " bytes left");
                }
                in.skipNBytes((long) size * Float.BYTES);
            }
            if (in.available() != 0) {
                throw new InvalidBundleException("The bundle's parameters have " + in.available()
                        + " bytes after the last array");
            }
        } catch (IOException e) {
            throw new InvalidBundleException("The bundle's parameters are truncated: " + e, e);
        }
    }
}
