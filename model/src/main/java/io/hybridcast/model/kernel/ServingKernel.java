package io.hybridcast.model.kernel;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;
import io.hybridcast.model.solver.PhysicsTrajectories;

/**
 * The served model in plain Java: the same inference as {@code HybridVae} with sigma-point bands (encoder, sigma
 * points, decoder solve, output residual, band), fused into loops over the bundle's parameters instead of
 * thousands of eager DJL ops of a few microseconds each. The decoder's ODE, nearly all of the arithmetic, runs on
 * the JDK Vector API when the {@code jdk.incubator.vector} module is present ({@link VectorOdeRows}) and in plain
 * loops otherwise ({@link ScalarOdeRows}). The physics-only row x_P is solved by the physics alone.
 *
 * <p>Weights are read and folded once, when the kernel is built for a model version; the kernel holds no mutable
 * state, so one instance serves every thread. DJL stays the reference: {@link GoldenSet} holds DJL's outputs for
 * a few inputs, written into each bundle, and a kernel whose outputs differ beyond {@link GoldenSet#tolerance} must
 * not serve.
 *
 * <p>Refused, with the reason: Monte-Carlo bands (random draws cannot match a reference), an in-ODE net that is
 * not three Linear layers with tanh between them, and parameters that do not fit the spec.
 */
public final class ServingKernel implements HybridModel {

    /** Which implementation of the decoder's ODE runs. */
    public enum Backend {
        /** The JDK Vector API (needs {@code --add-modules jdk.incubator.vector}). */
        VECTOR,
        /** Plain Java loops. */
        SCALAR;

        /** {@link #VECTOR} when the incubating module is in the boot layer, else {@link #SCALAR}. */
        public static Backend available() {
            return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? VECTOR : SCALAR;
        }
    }

    private final ModelSpec spec;
    private final Physics physics;
    private final Backend backend;
    private final Dense.Mlp setEmbed;
    private final Dense.Mlp latentHead;
    private final Dense.Mlp unmixer;
    private final Dense.Mlp physicsHead;
    private final Dense.Mlp velocityHead;
    private final Dense.Mlp residualNet;
    private final OdeRows rows;

    private ServingKernel(ModelSpec spec, KernelParameters p, Backend backend) {
        this.spec = spec;
        this.physics = Physics.forSystem(spec.system());
        this.backend = backend;
        int n = spec.neuralLatents();
        int inputSize = spec.windowLength() * spec.channels();
        this.setEmbed = check(p.mlp("setEmbed"), inputSize, spec.embedding(), "setEmbed");
        this.latentHead = check(p.mlp("latentHead"), spec.embedding(), Math.max(2 * n, 1), "latentHead");
        this.unmixer = check(p.mlp("unmixer"), inputSize + n, inputSize, "unmixer");
        this.physicsHead = check(p.mlp("physicsHead"), inputSize, 2, "physicsHead");
        this.velocityHead = check(p.mlp("velocityHead"), inputSize, Math.max(physics.unobservedDim(), 1),
                "velocityHead");
        Dense.Mlp ode = null;
        if (spec.useNeural()) {
            ode = p.mlp("odeNet");
            this.residualNet = check(p.mlp("residualNet"), 1 + n, (spec.windowLength() + spec.maxHorizon())
                    * spec.channels(), "residualNet");
        } else {
            this.residualNet = null;
        }
        float[] mask = physics.neuralMaskValues();
        OdeSolver.Method method = OdeSolver.Method.parse(spec.solver());
        this.rows = backend == Backend.VECTOR
                ? vectorRows(physics, method, spec, ode, mask)
                : new ScalarOdeRows(physics, method, spec.dt(), spec.substeps(), spec.channels(), spec.usePhysics(), n,
                        ode, mask);
    }

    /**
     * A kernel for the model of {@code spec} with the given parameter bytes (a bundle's parameters), on the best
     * available backend.
     *
     * @throws KernelUnsupportedException if the model has a shape the kernel does not implement
     */
    public static ServingKernel of(ModelSpec spec, byte[] parameters) {
        return of(spec, parameters, Backend.available());
    }

    /** Like {@link #of(ModelSpec, byte[])} on a chosen backend ({@link Backend#VECTOR} needs the module). */
    public static ServingKernel of(ModelSpec spec, byte[] parameters, Backend backend) {
        if (spec.sinusoidResidual()) {
            throw new KernelUnsupportedException("the kernel serves the output residual written sample by sample ("
                    + ModelSpec.RESIDUAL_MLP + "); this model's residual form is " + spec.residualForm());
        }
        if (spec.hasTimeBank()) {
            throw new KernelUnsupportedException("the kernel serves an in-ODE net of the state and z_n alone; this "
                    + "model has an in-ODE time bank of " + spec.timeBank() + " frequencies");
        }
        if (spec.embedSpectrum()) {
            throw new KernelUnsupportedException("the kernel's set encoder reads the window alone; this model's "
                    + "also reads the window's spectrum");
        }
        if (spec.drive()) {
            throw new KernelUnsupportedException("the kernel serves an ODE of the physical state alone; this model's "
                    + "ODE also carries the rotating drive states (c, s) of a classical frequency search");
        }
        if (backend == Backend.VECTOR && Backend.available() != Backend.VECTOR) {
            throw new KernelUnsupportedException("the vector backend needs the JVM flag --add-modules "
                    + "jdk.incubator.vector");
        }
        return new ServingKernel(spec, KernelParameters.read(parameters), backend);
    }

    /** Builds {@link VectorOdeRows} reflectively, so that this class links without the incubating module. */
    private static OdeRows vectorRows(Physics physics, OdeSolver.Method method, ModelSpec spec, Dense.Mlp ode,
                                      float[] mask) {
        try {
            return (OdeRows) Class.forName("io.hybridcast.model.kernel.VectorOdeRows")
                    .getDeclaredConstructor(Physics.class, OdeSolver.Method.class, double.class, int.class, int.class,
                            boolean.class, int.class, Dense.Mlp.class, float[].class)
                    .newInstance(physics, method, spec.dt(), spec.substeps(), spec.channels(), spec.usePhysics(),
                            spec.neuralLatents(), ode, mask);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new KernelUnsupportedException("the vector backend failed to start: " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new KernelUnsupportedException("the vector backend failed to start: " + e);
        }
    }

    private static Dense.Mlp check(Dense.Mlp mlp, int in, int out, String name) {
        if (mlp.in() != in || mlp.out() != out) {
            throw new KernelUnsupportedException("the parameters' " + name + " maps " + mlp.in() + " to " + mlp.out()
                    + " values; the spec needs " + in + " to " + out);
        }
        for (int i = 1; i < mlp.layers().length; i++) {
            if (mlp.layers()[i].in() != mlp.layers()[i - 1].out()) {
                throw new KernelUnsupportedException("the parameters' " + name + " layers do not chain");
            }
        }
        return mlp;
    }

    /** The backend this kernel runs on. */
    public Backend backend() {
        return backend;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Inference infer(double[][][] windows, double[][][][] contexts, int horizon) {
        int b = windows.length;
        double[][] sums = new double[b][spec.embedding()];
        int[] counts = new int[b];
        if (spec.meta() && contexts != null) {
            for (int i = 0; i < b; i++) {
                if (contexts[i] != null && contexts[i].length > 0) {
                    double[][] e = embedContext(contexts[i]);
                    counts[i] = e.length;
                    for (double[] row : e) {
                        for (int j = 0; j < row.length; j++) {
                            sums[i][j] += row[j];
                        }
                    }
                }
            }
        }
        return inferWithPooledContext(windows, sums, counts, horizon);
    }

    @Override
    public double[][] embedContext(double[][][] windows) {
        checkWindows(windows);
        double[][] out = new double[windows.length][];
        for (int i = 0; i < windows.length; i++) {
            out[i] = toDouble(setEmbed.apply(flat(windows[i]), 0));
        }
        return out;
    }

    @Override
    public Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts,
                                            int horizon) {
        return inferWithPooledContext(windows, embeddingSums, counts, horizon, null);
    }

    /** Decodes a window without a band from its posterior mean alone: one ODE row instead of the 2d + 1 sigma rows. */
    @Override
    public Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts,
                                            int horizon, boolean[] band) {
        checkWindows(windows);
        if (band != null && band.length != windows.length) {
            throw new IllegalArgumentException(band.length + " band flags for " + windows.length + " windows");
        }
        if (horizon < 0 || horizon > spec.maxHorizon()) {
            throw new IllegalArgumentException("horizon must be 0.." + spec.maxHorizon() + ", got " + horizon);
        }
        int b = windows.length;
        Posterior q = encode(windows, embeddingSums, counts);
        return SigmaPoints.infer(spec, physics, rows, residualNet, q, b, horizon, band);
    }

    /** Encoder outputs, flat per window. */
    record Posterior(float[] zpMean, float[] zpLogVar, float[] znMean, float[] znLogVar, float[] initial) {
    }

    private Posterior encode(double[][][] windows, double[][] sums, int[] counts) {
        int b = windows.length;
        int n = spec.neuralLatents();
        int e = spec.embedding();
        int d = physics.stateDim();
        int ch = spec.channels();
        float[] zpMean = new float[b];
        float[] zpLogVar = new float[b];
        float[] znMean = new float[b * n];
        float[] znLogVar = new float[b * n];
        float[] initial = new float[b * d];
        int inputSize = spec.windowLength() * ch;
        float[] unmixIn = new float[inputSize + n];
        for (int i = 0; i < b; i++) {
            float[] x = flat(windows[i]);
            float[] pooled = setEmbed.apply(x, 0);
            if (spec.meta()) {
                // (own + sum) / (count + 1), as float ops in DJL's order
                float count = counts == null ? 0f : counts[i];
                for (int j = 0; j < e; j++) {
                    float sum = sums == null ? 0f : (float) sums[i][j];
                    pooled[j] = (pooled[j] + sum) / (count + 1f);
                }
            }
            float[] latent = latentHead.apply(pooled, 0);
            System.arraycopy(latent, 0, znMean, i * n, n);
            if (n > 0) {
                System.arraycopy(latent, n, znLogVar, i * n, n);
            }
            System.arraycopy(x, 0, unmixIn, 0, inputSize);
            System.arraycopy(latent, 0, unmixIn, inputSize, n);
            float[] unmixed = unmixer.apply(unmixIn, 0);
            for (int k = 0; k < inputSize; k++) {
                unmixed[k] = x[k] + unmixed[k];
            }
            float[] head = physicsHead.apply(unmixed, 0);
            zpMean[i] = headMap(head[0]);
            zpLogVar[i] = head[1];
            System.arraycopy(x, 0, initial, i * d, ch);
            if (physics.unobservedDim() > 0) {
                float[] velocity = velocityHead.apply(x, 0);
                System.arraycopy(velocity, 0, initial, i * d + ch, physics.unobservedDim());
            }
        }
        return new Posterior(zpMean, zpLogVar, znMean, znLogVar, initial);
    }

    /** {@code PhysicsHeadMap}: the head's raw output mapped into the prior range of z_p. */
    private float headMap(float raw) {
        if (spec.smoothPhysicsHead()) {
            float sigmoid = (float) (1 / (1 + Math.exp(-raw)));
            return sigmoid * (float) spec.physicsWidth() + (float) spec.physicsMin();
        }
        // PyTorch's softplus: log1p(exp(x)), x itself above the threshold 20
        float softplus = raw > 20f ? raw : (float) Math.log1p(Math.exp(raw));
        return Math.min((float) spec.physicsMax(), Math.max((float) spec.physicsMin(), softplus));
    }

    /** The physics-only trajectories x_P of the given rows, [rows][length][C] flat. */
    static float[] physicsOnly(ModelSpec spec, Physics physics, float[] zp, float[] s0, int length) {
        if (!spec.usePhysics()) {
            // no physics term: the state stays where it starts
            int d = physics.stateDim();
            int ch = spec.channels();
            float[] out = new float[zp.length * length * ch];
            for (int r = 0; r < zp.length; r++) {
                for (int k = 0; k < length; k++) {
                    System.arraycopy(s0, r * d, out, (r * length + k) * ch, ch);
                }
            }
            return out;
        }
        return PhysicsTrajectories.simulate(physics, OdeSolver.Method.parse(spec.solver()), spec.dt(),
                spec.substeps(), zp, s0, length, spec.channels());
    }

    private float[] flat(double[][] window) {
        int ch = spec.channels();
        float[] x = new float[window.length * ch];
        for (int t = 0; t < window.length; t++) {
            for (int c = 0; c < ch; c++) {
                x[t * ch + c] = (float) window[t][c];
            }
        }
        return x;
    }

    private static double[] toDouble(float[] f) {
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    private void checkWindows(double[][][] windows) {
        for (int i = 0; i < windows.length; i++) {
            if (windows[i].length != spec.windowLength()) {
                throw new IllegalArgumentException("window " + i + " has " + windows[i].length + " samples, the "
                        + "model reads " + spec.windowLength());
            }
            for (double[] sample : windows[i]) {
                if (sample.length != spec.channels()) {
                    throw new IllegalArgumentException("window " + i + " has " + sample.length + " channels, the "
                            + "model reads " + spec.channels());
                }
            }
        }
    }

    /** Holds no native memory: nothing to release. */
    @Override
    public void close() {
    }
}
