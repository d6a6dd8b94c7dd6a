package io.hybridcast.model.kernel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;
import io.hybridcast.model.solver.PhysicsTrajectories;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.model.vae.HybridVae;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * Golden inputs and DJL's outputs for them, written into each model bundle when it is created, so that a serving
 * process can check a kernel against the reference engine on the very weights it is about to serve: a few windows
 * simulated from the model's own physics across the prior range, context windows with their embeddings, and the
 * sigma-point inference DJL computes for them at the longest horizon.
 *
 * <p>Tolerance: outputs are compared as max |kernel − DJL| / scale (scale: the largest |value| of the output's
 * family: the signal for trajectories and bands, the prior's upper end for z_p, 1 for z_n, the largest embedding for
 * embeddings). Float32 rounding of two correct implementations differs by about 1e-6 of that scale; the tolerance is
 * {@value #BASE_TOLERANCE} per 50 solver samples, times e^(λ·t) over the solved time t for a system whose model
 * physics amplifies differences exponentially (λ = {@value #CHAOTIC_GROWTH_PER_SECOND}/s for the double pendulum,
 * 0 otherwise). A wrong kernel (a sign, a layer, a solver step) differs by 1e-2 or more.
 */
public record GoldenSet(int horizon, double[][][] contextWindows, double[][] contextEmbeddings,
                        double[][][] windows, double[][] pooledSums, int[] pooledCounts, Inference expected) {

    /** Allowed relative difference per 50 solver samples for a non-chaotic system. */
    public static final double BASE_TOLERANCE = 1e-4;
    /** Growth rate of rounding differences assumed for the chaotic double pendulum, per second of solved time. */
    public static final double CHAOTIC_GROWTH_PER_SECOND = 1.5;
    private static final int FORMAT = 1;
    private static final int QUERIES = 4;
    private static final int CONTEXTS_PER_QUERY = 2;

    /** The tolerance for a model's outputs at {@code horizon} ({@link GoldenSet} explains the rule). */
    public static double tolerance(ModelSpec spec, int horizon) {
        int samples = spec.windowLength() + horizon;
        double seconds = samples * spec.dt();
        double growth = "DOUBLE_PENDULUM".equals(spec.system()) ? CHAOTIC_GROWTH_PER_SECOND : 0;
        return BASE_TOLERANCE * Math.max(1, samples / 50.0) * Math.exp(growth * seconds);
    }

    /** Golden inputs for {@code model} and its outputs with sigma-point bands (the band method is restored). */
    public static GoldenSet create(HybridVae model) {
        ModelSpec spec = model.spec();
        Physics physics = model.physics();
        Random random = new Random(20261202L);
        int count = QUERIES * (1 + CONTEXTS_PER_QUERY);
        float[] zp = new float[count];
        for (int i = 0; i < count; i++) {
            // inside the range, not on a bound: the head map squeezes values near the bounds
            zp[i] = (float) (spec.physicsMin() + spec.physicsWidth() * (0.15 + 0.7 * random.nextDouble()));
        }
        float[] s0;
        try (NDManager m = model.manager().newSubManager()) {
            s0 = physics.randomInitialState(m, count, random).toFloatArray();
        }
        float[] simulated = PhysicsTrajectories.simulate(physics, OdeSolver.Method.parse(spec.solver()), spec.dt(),
                spec.substeps(), zp, s0, spec.windowLength(), spec.channels());
        double[][][] all = new double[count][spec.windowLength()][spec.channels()];
        for (int i = 0; i < count; i++) {
            for (int t = 0; t < spec.windowLength(); t++) {
                for (int c = 0; c < spec.channels(); c++) {
                    all[i][t][c] = simulated[(i * spec.windowLength() + t) * spec.channels() + c];
                }
            }
        }
        double[][][] windows = java.util.Arrays.copyOf(all, QUERIES);
        double[][][] contexts = java.util.Arrays.copyOfRange(all, QUERIES, count);
        double[][] embeddings = model.embedContext(contexts);
        double[][] sums = new double[QUERIES][spec.embedding()];
        int[] counts = new int[QUERIES];
        for (int i = 0; i < QUERIES - 1; i++) { // the last query has no context
            for (int k = 0; k < CONTEXTS_PER_QUERY; k++) {
                double[] e = embeddings[i * CONTEXTS_PER_QUERY + k];
                for (int j = 0; j < e.length; j++) {
                    sums[i][j] += e[j];
                }
            }
            counts[i] = CONTEXTS_PER_QUERY;
        }
        BandMethod method = model.bandMethod();
        try {
            model.setBandMethod(BandMethod.SIGMA_POINTS);
            Inference expected = model.inferWithPooledContext(windows, sums, counts, spec.maxHorizon());
            return new GoldenSet(spec.maxHorizon(), contexts, embeddings, windows, sums, counts, expected);
        } finally {
            model.setBandMethod(method);
        }
    }

    /** How a model's outputs compare with the golden ones. */
    public record Verdict(double maxRelativeDifference, double tolerance, String worstOutput) {
        /** Whether the model may serve in place of the reference. */
        public boolean passed() {
            return maxRelativeDifference <= tolerance;
        }
    }

    /** Runs {@code candidate} on the golden inputs and compares its outputs with DJL's. */
    public Verdict check(HybridModel candidate) {
        ModelSpec spec = candidate.spec();
        Inference got = candidate.inferWithPooledContext(windows, pooledSums, pooledCounts, horizon);
        double[][] embedded = candidate.embedContext(contextWindows);
        double signal = Math.max(maxAbs(expected.reconstruction()), maxAbs(expected.forecastMean()));
        Worst worst = new Worst();
        worst.compare("embedding", flatten2(embedded), flatten2(contextEmbeddings),
                maxAbs(new double[][][] {contextEmbeddings}));
        worst.compare("physicsMean", flatten2(got.physicsMean()), flatten2(expected.physicsMean()), spec.physicsMax());
        worst.compare("physicsStd", flatten2(got.physicsStd()), flatten2(expected.physicsStd()), spec.physicsMax());
        worst.compare("neuralMean", flatten2(got.neuralMean()), flatten2(expected.neuralMean()),
                Math.max(1, maxAbs(new double[][][] {expected.neuralMean()})));
        worst.compare("reconstruction", flatten3(got.reconstruction()), flatten3(expected.reconstruction()), signal);
        worst.compare("physicsOnly", flatten3(got.physicsOnly()), flatten3(expected.physicsOnly()),
                Math.max(signal, maxAbs(expected.physicsOnly())));
        worst.compare("forecastMean", flatten3(got.forecastMean()), flatten3(expected.forecastMean()), signal);
        worst.compare("forecastStd", flatten3(got.forecastStd()), flatten3(expected.forecastStd()), signal);
        return new Verdict(worst.value, tolerance(spec, horizon), worst.name);
    }

    private static final class Worst {
        double value;
        String name = "none";

        void compare(String output, double[] got, double[] want, double scale) {
            if (got.length != want.length) {
                value = Double.POSITIVE_INFINITY;
                name = output + " (" + got.length + " values, expected " + want.length + ")";
                return;
            }
            double s = Math.max(scale, 1e-9);
            for (int i = 0; i < got.length; i++) {
                double diff = Math.abs(got[i] - want[i]) / s;
                if (!(diff <= value)) { // NaN counts as the worst
                    value = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                    name = output;
                }
            }
        }
    }

    private static double maxAbs(double[][][] a) {
        double m = 0;
        for (double v : flatten3(a)) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double[] flatten2(double[][] a) {
        return java.util.Arrays.stream(a).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static double[] flatten3(double[][][] a) {
        return java.util.Arrays.stream(a).flatMap(java.util.Arrays::stream).flatMapToDouble(java.util.Arrays::stream)
                .toArray();
    }

    /** The binary form stored in a bundle. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(FORMAT);
                out.writeInt(horizon);
                write3(out, contextWindows);
                write2(out, contextEmbeddings);
                write3(out, windows);
                write2(out, pooledSums);
                out.writeInt(pooledCounts.length);
                for (int c : pooledCounts) {
                    out.writeInt(c);
                }
                write2(out, expected.physicsMean());
                write2(out, expected.physicsStd());
                write2(out, expected.neuralMean());
                write3(out, expected.reconstruction());
                write3(out, expected.physicsOnly());
                write3(out, expected.forecastMean());
                write3(out, expected.forecastStd());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads {@link #toBytes}; refuses another format, naming it. */
    public static GoldenSet fromBytes(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("golden set format " + format + ", this build reads " + FORMAT);
            }
            int horizon = in.readInt();
            double[][][] contexts = read3(in);
            double[][] embeddings = read2(in);
            double[][][] windows = read3(in);
            double[][] sums = read2(in);
            int countsLength = in.readInt();
            if (countsLength < 0 || (long) countsLength * Integer.BYTES > in.available()) {
                throw new IOException("golden set declares " + countsLength + " counts in " + in.available()
                        + " bytes");
            }
            int[] counts = new int[countsLength];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = in.readInt();
            }
            Inference expected = new Inference(read2(in), read2(in), read2(in), read3(in), read3(in), read3(in),
                    read3(in));
            return new GoldenSet(horizon, contexts, embeddings, windows, sums, counts, expected);
        }
    }

    private static void write2(DataOutputStream out, double[][] a) throws IOException {
        out.writeInt(a.length);
        out.writeInt(a.length == 0 ? 0 : a[0].length);
        for (double[] row : a) {
            for (double v : row) {
                out.writeDouble(v);
            }
        }
    }

    private static void write3(DataOutputStream out, double[][][] a) throws IOException {
        out.writeInt(a.length);
        for (double[][] m : a) {
            write2(out, m);
        }
    }

    private static double[][] read2(DataInputStream in) throws IOException {
        int rows = in.readInt();
        int cols = in.readInt();
        // nothing is allocated beyond what the remaining bytes can fill (the input is an in-memory array)
        if (rows < 0 || cols < 0 || (long) rows * cols > 10_000_000
                || (long) rows * cols * Double.BYTES > in.available()) {
            throw new IOException("golden array of " + rows + " x " + cols + " values");
        }
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a[i][j] = in.readDouble();
            }
        }
        return a;
    }

    private static double[][][] read3(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("golden array of " + n + " matrices");
        }
        double[][][] a = new double[n][][];
        for (int i = 0; i < n; i++) {
            a[i] = read2(in);
        }
        return a;
    }
}
