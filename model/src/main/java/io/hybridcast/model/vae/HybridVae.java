package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The hybrid physics + neural VAE: Phys-VAE when {@link ModelSpec#meta()} is false, Meta-Hybrid-VAE when
 * it is true (the prior of the neural latents is conditioned on a context set of the same sensor/task).
 *
 * <p>Encoder: a set network embeds each window; the mean of the embeddings of {context ∪ query} gives the
 * posterior of the neural latents z_n (the context alone gives their conditional prior). An unmixer
 * {@code u = x + g(x, μ_zn)} strips what the physics does not explain before a range-bounded physics
 * head infers z_p; a velocity head infers the unobserved part of the initial state, because live windows
 * do not start at rest. Decoder: one augmented solve of [physics only; physics + in-ODE net] gives x_P and
 * x_PA; an output residual f_A2(z_p, z_n) gives x_PB and x_PAB.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class HybridVae implements HybridModel {

    /** Default number of posterior samples behind each predictive band. */
    public static final int DEFAULT_POSTERIOR_SAMPLES = 16;

    private final ModelSpec spec;
    private final Physics physics;
    private final NDManager manager;
    private final Constants c;
    private final OdeSolver solver;
    private final ParameterStore parameterStore;
    private final int inputSize;
    private final int n;
    private int posteriorSamples = DEFAULT_POSTERIOR_SAMPLES;
    private BandMethod bandMethod = BandMethod.SIGMA_POINTS;
    private SigmaPointInference sigmaPoints;

    /** How inference derives the predictive band from the posterior. */
    public enum BandMethod {
        /** Deterministic sigma points (unscented transform, 2d + 1 decodes per window): the default. */
        SIGMA_POINTS,
        /** The posterior mean plus {@link #setPosteriorSamples} random posterior samples per window. */
        MONTE_CARLO;

        /** Parses {@code sigma-points} or {@code monte-carlo}. */
        public static BandMethod parse(String name) {
            return switch (name) {
                case "sigma-points" -> SIGMA_POINTS;
                case "monte-carlo" -> MONTE_CARLO;
                default -> throw new IllegalArgumentException("band method must be sigma-points or monte-carlo, got "
                        + name);
            };
        }
    }

    final Block setEmbed;
    final Block latentHead;
    final Block unmixer;
    final Block physicsHead;
    final Block velocityHead;
    final Block odeNet;
    final Block residualNet;
    private final NDArray neuralMask;

    /** A freshly initialised model (random weights from {@code seed}). */
    public HybridVae(ModelSpec spec, NDManager parent, long seed) {
        this.spec = spec;
        this.physics = Physics.forSystem(spec.system());
        if (physics.channels() != spec.channels()) {
            throw new IllegalArgumentException("model setting channels must be " + physics.channels() + " for "
                    + spec.system() + ", got " + spec.channels());
        }
        this.manager = parent.newSubManager();
        this.c = new Constants(manager);
        this.solver = new OdeSolver(OdeSolver.Method.parse(spec.solver()), spec.dt(), spec.substeps(), c);
        this.parameterStore = new ParameterStore(manager, false);
        this.inputSize = spec.windowLength() * spec.channels();
        this.n = spec.neuralLatents();
        int h = spec.hidden();
        int latentOut = Math.max(2 * n, 1);
        setEmbed = Networks.mlp(h, h, spec.embedding());
        latentHead = Networks.mlp(h, latentOut);
        unmixer = Networks.mlp(h, h, inputSize);
        physicsHead = Networks.mlp(h, h, 2);
        velocityHead = Networks.mlp(h, Math.max(physics.unobservedDim(), 1));
        odeNet = Networks.smoothMlp(h, h, physics.stateDim());
        residualNet = Networks.mlp(h, (spec.windowLength() + spec.maxHorizon()) * spec.channels());
        neuralMask = physics.neuralMask(manager);

        manager.getEngine().setRandomSeed((int) seed);
        init(setEmbed, inputSize);
        init(latentHead, spec.embedding());
        init(unmixer, inputSize + n);
        init(physicsHead, inputSize);
        init(velocityHead, inputSize);
        init(odeNet, physics.stateDim() + n);
        init(residualNet, 1 + n);
    }

    /**
     * Sets the output residual's rows for the forecast horizon to zero. Training reconstructs only the window,
     * so nothing fits those rows, and their random initial values would land in every forecast (measured: an
     * RMS of about 1 rad on the pendulum). Zero rows get zero gradient and stay zero; R_horizon in the loss
     * brings rows that are not zero down (docs/model.md). The trainer calls this on a new model when R_horizon
     * is on.
     */
    public void zeroHorizonResidual() {
        Parameter weight = null;
        Parameter bias = null;
        for (Pair<String, Parameter> p : residualNet.getParameters()) {
            if (p.getKey().endsWith("weight")) {
                weight = p.getValue();
            } else if (p.getKey().endsWith("bias")) {
                bias = p.getValue();
            }
        }
        int windowOutputs = spec.windowLength() * spec.channels();
        for (Parameter p : new Parameter[] {weight, bias}) {
            NDArray array = p.getArray();
            long rows = array.getShape().get(0);
            int width = (int) (array.size() / rows);
            float[] values = array.toFloatArray();
            java.util.Arrays.fill(values, windowOutputs * width, values.length, 0f);
            array.set(java.nio.FloatBuffer.wrap(values));
        }
    }

    private void init(Block block, int inputWidth) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, inputWidth));
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Posterior samples drawn per window for the predictive band (>= 2). Inference cost grows with it: each
     * sample is one more trajectory in the batched solve.
     */
    public void setPosteriorSamples(int samples) {
        if (samples < 2) {
            throw new IllegalArgumentException("posterior samples must be >= 2, got " + samples);
        }
        this.posteriorSamples = samples;
    }

    /** Sets how inference derives the predictive band (default {@link BandMethod#SIGMA_POINTS}). */
    public void setBandMethod(BandMethod method) {
        this.bandMethod = java.util.Objects.requireNonNull(method, "band method");
    }

    /** How inference derives the predictive band. */
    public BandMethod bandMethod() {
        return bandMethod;
    }

    /** The physics mask of the in-ODE net as plain values, [D]. */
    float[] neuralMaskValues() {
        return neuralMask.toFloatArray();
    }

    /** The physics this model knows. */
    public Physics physics() {
        return physics;
    }

    /** The manager owning the parameters, for optimisers and sub-managers. */
    public NDManager manager() {
        return manager;
    }

    /** Scalar constants that live as long as the model. */
    public Constants constants() {
        return c;
    }

    /** Every trainable parameter by a unique id, grouped: {@code physics} (physics head) or {@code neural}. */
    public Map<String, Parameter> parameters(boolean physicsGroup) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Map<String, Block> blocks = new LinkedHashMap<>();
        blocks.put("physicsHead", physicsHead);
        if (!physicsGroup) {
            blocks.clear();
            blocks.put("setEmbed", setEmbed);
            blocks.put("latentHead", latentHead);
            blocks.put("unmixer", unmixer);
            blocks.put("velocityHead", velocityHead);
            if (spec.useNeural()) {
                blocks.put("odeNet", odeNet);
                blocks.put("residualNet", residualNet);
            }
        }
        blocks.forEach((name, block) -> {
            for (Pair<String, Parameter> p : block.getParameters()) {
                out.put(name + "." + p.getKey(), p.getValue());
            }
        });
        return out;
    }

    /** Every parameter of the model by its unique id (both groups), in a fixed order. */
    public Map<String, Parameter> allParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>(parameters(true));
        out.putAll(parameters(false));
        return out;
    }

    /**
     * Writes every parameter by id with its shape and float32 values. By id rather than DJL's positional
     * block format, so that a mismatch between a bundle and the code reading it is named, not guessed.
     */
    public void writeParameters(DataOutputStream out) throws IOException {
        Map<String, Parameter> all = allParameters();
        out.writeInt(all.size());
        for (Map.Entry<String, Parameter> e : all.entrySet()) {
            NDArray array = e.getValue().getArray();
            out.writeUTF(e.getKey());
            long[] shape = array.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
            out.writeInt(values.length);
            for (float v : values) {
                out.writeFloat(v);
            }
        }
    }

    /** Reads parameters written by {@link #writeParameters}; refuses any that do not fit this model's spec. */
    public void readParameters(DataInputStream in) throws IOException {
        Map<String, Parameter> all = allParameters();
        int count = in.readInt();
        if (count != all.size()) {
            throw new IOException("the parameters hold " + count + " arrays, a " + spec.algorithm() + " model of this "
                    + "spec has " + all.size());
        }
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            int size = in.readInt();
            Parameter parameter = all.get(name);
            if (parameter == null) {
                throw new IOException("parameter " + name + " is not part of a " + spec.algorithm() + " model");
            }
            if (!parameter.getArray().getShape().equals(new Shape(shape))) {
                throw new IOException("parameter " + name + " has shape " + new Shape(shape) + ", the model spec needs "
                        + parameter.getArray().getShape());
            }
            float[] values = new float[size];
            for (int k = 0; k < size; k++) {
                values[k] = in.readFloat();
            }
            parameter.getArray().set(java.nio.FloatBuffer.wrap(values));
        }
    }

    NDArray forward(Block block, NDArray input, boolean training) {
        return block.forward(parameterStore, new NDList(input), training).singletonOrThrow();
    }

    // ---------------------------------------------------------------------------------------------------
    // Encoder

    /** Per-window embeddings, [B, E]. {@code windows} is [B, T, C]. */
    NDArray embed(NDArray windows, boolean training) {
        return forward(setEmbed, flat(windows), training);
    }

    NDArray flat(NDArray windows) {
        return windows.reshape(windows.getShape().get(0), inputSize);
    }

    /** Encoder outputs of one batch. */
    record Posterior(NDArray latentMean, NDArray latentLogVar, NDArray physicsMean, NDArray physicsLogVar,
                     NDArray unmixed, NDArray initialState) {
    }

    /**
     * @param windows       [B, T, C]
     * @param embeddingSums [B, E] sum of the context embeddings (zeros for none)
     * @param counts        [B, 1] number of context windows (float)
     */
    Posterior encode(NDArray windows, NDArray embeddingSums, NDArray counts, boolean training) {
        NDArray x = flat(windows);
        NDArray own = forward(setEmbed, x, training);
        NDArray pooled = spec.meta()
                ? own.add(embeddingSums).div(counts.add(c.of(1)))
                : own;
        NDArray latent = forward(latentHead, pooled, training);
        NDArray latentMean = n == 0 ? latent.get(":, 0:0") : latent.get(":, 0:" + n);
        NDArray latentLogVar = n == 0 ? latent.get(":, 0:0") : latent.get(":, " + n + ":" + (2 * n));
        NDArray unmixed = x.add(forward(unmixer, NDArrays.concat(new NDList(x, latentMean), 1), training));
        NDArray[] head = physicsHead(unmixed, training);
        NDArray first = windows.get(":, 0, :");
        NDArray initial = physics.unobservedDim() == 0 ? first
                : NDArrays.concat(new NDList(first, forward(velocityHead, x, training)), 1);
        return new Posterior(latentMean, latentLogVar, head[0], head[1], unmixed, initial);
    }

    /** Mean (mapped into the prior range, {@link PhysicsHeadMap}) and log variance of z_p, each [B, 1]. */
    NDArray[] physicsHead(NDArray unmixed, boolean training) {
        NDArray out = forward(physicsHead, unmixed, training);
        NDArray mean = PhysicsHeadMap.apply(spec, out.get(":, 0:1"), c);
        return new NDArray[] {mean, out.get(":, 1:2")};
    }

    /** Conditional prior of z_n from the context alone: mean and log variance, [B, n] each. */
    NDArray[] contextPrior(NDArray embeddingSums, NDArray counts, boolean training) {
        NDArray pooled = embeddingSums.div(counts.maximum(c.of(1)));
        NDArray latent = forward(latentHead, pooled, training);
        return new NDArray[] {latent.get(":, 0:" + n), latent.get(":, " + n + ":" + (2 * n))};
    }

    // ---------------------------------------------------------------------------------------------------
    // Decoder

    /** Decoder outputs: the four reconstructions over window + horizon, each [B, T + h, C]. */
    record Decoded(NDArray xP, NDArray xPA, NDArray xPB, NDArray xPAB) {
    }

    Decoded decode(NDArray zp, NDArray zn, NDArray initialState, int length, boolean training) {
        int d = physics.stateDim();
        int channels = spec.channels();
        NDArray s0 = NDArrays.concat(new NDList(initialState, initialState), 1);
        OdeSolver.VectorField field = augmentedField(zp, zn);
        NDArray trajectory = solver.trajectory(field, s0, length);
        NDArray xP = trajectory.get(":, :, 0:" + channels);
        NDArray xPA = trajectory.get(":, :, " + d + ":" + (d + channels));
        if (!spec.useNeural()) {
            return new Decoded(xP, xPA, xP, xPA);
        }
        NDArray zpScaled = zp.sub(c.of(spec.physicsMin())).div(c.of(spec.physicsWidth()));
        NDArray residual = forward(residualNet, NDArrays.concat(new NDList(zpScaled, zn), 1), training)
                .reshape(zp.getShape().get(0), spec.windowLength() + spec.maxHorizon(), channels)
                .get(":, 0:" + length + ", :");
        return new Decoded(xP, xPA, xP.add(residual), xPA.add(residual));
    }

    /**
     * The decoder's vector field on the augmented state [s_P, s_PA] ([B, 2D]): physics alone on s_P, physics +
     * mask ⊙ net(s_PA, z_n) on s_PA. Everything fixed during a solve is prepared once per decode, so that an
     * evaluation issues about 12 eager ops instead of 25 (each costs microseconds, STACK.md 1.6):
     * <ul>
     *   <li>the physics acts on both halves at once ({@link Physics#prepare}; ω² once per solve);</li>
     *   <li>the in-ODE net's first layer reads the whole state through its weight padded with zeros for s_P, and
     *       its z_n part plus bias is a per-row bias computed once (no concat per evaluation);</li>
     *   <li>the last layer writes straight into the s_PA half with the physics mask folded into its weight and
     *       bias (no mask multiply, no concat).</li>
     * </ul>
     * The same mathematics as slicing the halves apart; {@code LeanDecoderTest} pins it to that formulation, and
     * gradients still reach every parameter (the padding and folding are graph ops on the raw parameters).
     */
    private OdeSolver.VectorField augmentedField(NDArray zp, NDArray zn) {
        int d = physics.stateDim();
        Physics.PreparedField known = spec.usePhysics() ? physics.prepare(zp, 2, c) : null;
        if (!spec.useNeural()) {
            return (state, time) -> known.apply(state);
        }
        NDManager m = zp.getManager();
        List<NDArray> w = new ArrayList<>();
        for (var child : odeNet.getChildren()) {
            if (child.getValue() instanceof ai.djl.nn.core.Linear linear) {
                w.add(linear.getParameters().get("weight").getArray());
                w.add(linear.getParameters().get("bias").getArray());
            }
        }
        // an op's result attaches to its first operand's manager: results of ops on the parameters are moved to
        // this decode's manager, or they would pile up in the model's (HybridVaeTrainerMemoryTest)
        NDArray w1 = w.get(0);
        int h1 = (int) w1.getShape().get(0);
        NDArray w1StatePart = w1.get(":, 0:" + d);
        w1StatePart.attach(m);
        NDArray w1State = NDArrays.concat(new NDList(m.zeros(new Shape(h1, d)), w1StatePart), 1)
                .transpose(); // [2D, h1]
        NDArray rowBias;
        if (n == 0) {
            rowBias = w.get(1);
        } else {
            NDArray w1Latent = w1.get(":, " + d + ":");
            w1Latent.attach(m);
            rowBias = ai.djl.nn.core.Linear.linear(zn, w1Latent, w.get(1)).singletonOrThrow(); // [B, h1]
        }
        NDArray w3 = w.get(4);
        NDArray b3 = w.get(5);
        if (spec.usePhysics()) {
            float[] mask = neuralMask.toFloatArray();
            w3 = m.create(mask, new Shape(d, 1)).mul(w3);
            b3 = m.create(mask).mul(b3);
        }
        int h2 = (int) w3.getShape().get(1);
        NDArray w3Out = NDArrays.concat(new NDList(m.zeros(new Shape(d, h2)), w3), 0); // [2D, h2]
        NDArray b3Out = NDArrays.concat(new NDList(m.zeros(new Shape(d)), b3), 0);
        NDArray w2 = w.get(2);
        NDArray b2 = w.get(3);
        return (state, time) -> {
            NDArray u1 = state.matMul(w1State).add(rowBias).tanh();
            NDArray u2 = ai.djl.nn.core.Linear.linear(u1, w2, b2).singletonOrThrow().tanh();
            NDArray net = ai.djl.nn.core.Linear.linear(u2, w3Out, b3Out).singletonOrThrow();
            return known == null ? net : known.apply(state).add(net);
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // Inference

    @Override
    public Inference infer(double[][][] windows, double[][][][] contexts, int horizon) {
        int b = windows.length;
        double[][] sums = new double[b][spec.embedding()];
        int[] counts = new int[b];
        if (spec.meta() && contexts != null) {
            List<double[][]> flatContext = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                if (contexts[i] != null) {
                    for (double[][] w : contexts[i]) {
                        flatContext.add(w);
                        owner.add(i);
                    }
                }
            }
            if (!flatContext.isEmpty()) {
                double[][] e = embedContext(flatContext.toArray(new double[0][][]));
                for (int k = 0; k < e.length; k++) {
                    int i = owner.get(k);
                    counts[i]++;
                    for (int j = 0; j < e[k].length; j++) {
                        sums[i][j] += e[k][j];
                    }
                }
            }
        }
        return inferWithPooledContext(windows, sums, counts, horizon);
    }

    @Override
    public double[][] embedContext(double[][][] windows) {
        checkWindows(windows);
        try (NDManager step = manager.newSubManager()) {
            NDArray e = embed(step.create(toFloat(windows), new Shape(windows.length, spec.windowLength(),
                    spec.channels())), false);
            return to2d(e, windows.length, spec.embedding());
        }
    }

    @Override
    public Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts,
                                            int horizon) {
        checkWindows(windows);
        if (horizon < 0 || horizon > spec.maxHorizon()) {
            throw new IllegalArgumentException("horizon must be 0.." + spec.maxHorizon() + ", got " + horizon);
        }
        int b = windows.length;
        int t = spec.windowLength();
        int ch = spec.channels();
        int length = t + horizon;
        int s = posteriorSamples;
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(toFloat(windows), new Shape(b, t, ch));
            float[] sumFlat = new float[b * spec.embedding()];
            float[] countFlat = new float[b];
            for (int i = 0; i < b; i++) {
                countFlat[i] = counts == null ? 0 : counts[i];
                for (int j = 0; j < spec.embedding(); j++) {
                    sumFlat[i * spec.embedding() + j] = embeddingSums == null ? 0f : (float) embeddingSums[i][j];
                }
            }
            Posterior q = encode(x, step.create(sumFlat, new Shape(b, spec.embedding())),
                    step.create(countFlat, new Shape(b, 1)), false);
            if (bandMethod == BandMethod.SIGMA_POINTS) {
                if (sigmaPoints == null) {
                    sigmaPoints = new SigmaPointInference(this);
                }
                return sigmaPoints.infer(step, q, b, horizon);
            }
            // One solve for everything: per window, the posterior mean followed by s posterior samples
            // (one decode costs about what a bigger batch costs: per-op overhead dominates, STACK.md 1.6).
            NDArray zpStd = q.physicsLogVar().mul(c.of(0.5)).exp();
            NDArray znStd = q.latentLogVar().mul(c.of(0.5)).exp();
            NDArray zpNoise = NDArrays.concat(new NDList(step.zeros(new Shape(b, 1, 1)),
                    step.randomNormal(new Shape(b, s, 1))), 1).reshape(b * (s + 1), 1);
            NDArray znNoise = NDArrays.concat(new NDList(step.zeros(new Shape(b, 1, n)),
                    step.randomNormal(new Shape(b, s, n))), 1).reshape(b * (s + 1), n);
            NDArray zp = repeat(q.physicsMean(), s + 1).add(repeat(zpStd, s + 1).mul(zpNoise))
                    .maximum(c.of(spec.physicsMin())).minimum(c.of(spec.physicsMax()));
            NDArray zn = repeat(q.latentMean(), s + 1).add(repeat(znStd, s + 1).mul(znNoise));
            Decoded all = decode(zp, zn, repeat(q.initialState(), s + 1), length, false);
            NDArray decodedPAB = all.xPAB().reshape(b, s + 1, length, ch);
            NDArray decodedP = all.xP().reshape(b, s + 1, length, ch);
            Decoded mean = new Decoded(decodedP.get(":, 0, :, :"), null, null, decodedPAB.get(":, 0, :, :"));
            NDArray sampled = decodedPAB.get(":, 1:, :, :");
            NDArray spread = sampled.sub(sampled.mean(new int[] {1}, true)).square().mean(new int[] {1});
            NDArray predictiveStd = spread.add(c.of(Math.exp(spec.logObsVariance()))).sqrt();

            double[][][] xPAB = to3d(mean.xPAB(), b, length, ch);
            double[][][] xP = to3d(mean.xP(), b, length, ch);
            double[][][] std = to3d(predictiveStd, b, length, ch);
            return new Inference(
                    to2d(q.physicsMean(), b, 1),
                    to2d(zpStd, b, 1),
                    to2d(q.latentMean(), b, n),
                    slice(xPAB, 0, t), slice(xP, 0, t),
                    slice(xPAB, t, length), slice(std, t, length));
        }
    }

    /** Repeats each row {@code times} times, consecutively: [B, ...] to [B·times, ...]. */
    static NDArray repeat(NDArray a, int times) {
        Shape shape = a.getShape();
        long[] dims = shape.getShape();
        long[] expanded = new long[dims.length + 1];
        expanded[0] = dims[0];
        expanded[1] = times;
        System.arraycopy(dims, 1, expanded, 2, dims.length - 1);
        long[] flat = dims.clone();
        flat[0] = dims[0] * times;
        return a.expandDims(1).broadcast(new Shape(expanded)).reshape(new Shape(flat));
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

    static float[] toFloat(double[][][] a) {
        int b = a.length;
        int t = b == 0 ? 0 : a[0].length;
        int ch = t == 0 ? 0 : a[0][0].length;
        float[] out = new float[b * t * ch];
        int k = 0;
        for (double[][] w : a) {
            for (double[] s : w) {
                for (double v : s) {
                    out[k++] = (float) v;
                }
            }
        }
        return out;
    }

    static double[][] to2d(NDArray a, int rows, int cols) {
        float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i][j] = f[i * cols + j];
            }
        }
        return out;
    }

    static double[][][] to3d(NDArray a, int b, int t, int ch) {
        float[] f = a.toFloatArray();
        double[][][] out = new double[b][t][ch];
        int k = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                for (int m = 0; m < ch; m++) {
                    out[i][j][m] = f[k++];
                }
            }
        }
        return out;
    }

    private static double[][][] slice(double[][][] a, int from, int to) {
        double[][][] out = new double[a.length][][];
        for (int i = 0; i < a.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(a[i], from, to);
        }
        return out;
    }

    /** Random generator seeded for data augmentation draws. */
    static Random random(long seed) {
        return new Random(seed);
    }

    @Override
    public void close() {
        manager.close();
    }
}
