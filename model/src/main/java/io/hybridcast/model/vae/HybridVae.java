package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;

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
 * <p>This class owns the blocks and their parameters and wires the parts that do the work: {@link VaeEncoder}
 * (set embedding, z_n posterior/prior, unmixer, physics and velocity heads; live windows do not start at rest),
 * {@link VaeDecoder} (augmented physics + in-ODE net solve and output residual), {@link ParameterCodec} (the
 * parameters by id and their bundle form) and a {@link BandInference} ({@link SigmaPointInference} or
 * {@link MonteCarloBand}) for the predictive band.
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
    private final BlockRunner runner;
    private final VaeEncoder encoder;
    private final VaeDecoder decoder;
    private final ParameterCodec codec;
    private int posteriorSamples = DEFAULT_POSTERIOR_SAMPLES;
    private BandMethod bandMethod = BandMethod.SIGMA_POINTS;
    private BandInference sigmaPoints;

    final Block setEmbed;
    final Block latentHead;
    final Block unmixer;
    final Block physicsHead;
    final Block velocityHead;
    final Block odeNet;
    final Block residualNet;
    /** The in-ODE time bank's network, null without a time bank ({@link TimeBank}). */
    final Block timeBankNet;
    /** The rotating drive's network, null without a drive ({@link RotatingDrive}). */
    final Block driveNet;
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
        this.runner = new BlockRunner(new ParameterStore(manager, false));
        int inputSize = spec.windowLength() * spec.channels();
        int n = spec.neuralLatents();
        int h = spec.hidden();
        int latentOut = Math.max(2 * n, 1);
        setEmbed = Networks.mlp(h, h, spec.embedding());
        latentHead = Networks.mlp(h, latentOut);
        unmixer = Networks.mlp(h, h, inputSize);
        physicsHead = Networks.mlp(h, h, 2);
        velocityHead = Networks.mlp(h, Math.max(physics.unobservedDim(), 1));
        odeNet = Networks.smoothMlp(h, h, physics.stateDim());
        residualNet = Networks.mlp(h, OutputResidual.outputs(spec));
        timeBankNet = spec.hasTimeBank() ? Networks.mlp(h, TimeBank.outputs(spec, physics.stateDim())) : null;
        driveNet = RotatingDrive.network(spec, physics, h);
        neuralMask = physics.neuralMask(manager);

        // the initialisation order fixes the weights a seed gives: keep it
        manager.getEngine().setRandomSeed((int) seed);
        init(setEmbed, inputSize + (spec.embedSpectrum() ? WindowSpectrum.width(spec) : 0));
        init(latentHead, spec.embedding());
        init(unmixer, inputSize + n);
        init(physicsHead, inputSize);
        init(velocityHead, inputSize);
        init(odeNet, physics.stateDim() + n);
        init(residualNet, 1 + n);
        if (timeBankNet != null) {
            init(timeBankNet, 1 + n);
            Networks.zeroLastLayer(timeBankNet);
        }
        if (driveNet != null) {
            init(driveNet, n + RotatingDrive.EXTRA_INPUTS);
            Networks.zeroLastLayer(driveNet);
        }

        this.encoder = new VaeEncoder(spec, physics, c, runner, setEmbed, latentHead, unmixer, physicsHead,
                velocityHead, driveNet == null ? null : new RotatingDrive(spec, c, runner, driveNet));
        this.decoder = new VaeDecoder(spec, physics, c, runner, odeNet, residualNet, timeBankNet, neuralMask);
        Map<String, Block> physicsBlocks = new LinkedHashMap<>();
        physicsBlocks.put("physicsHead", physicsHead);
        Map<String, Block> neuralBlocks = new LinkedHashMap<>();
        neuralBlocks.put("setEmbed", setEmbed);
        neuralBlocks.put("latentHead", latentHead);
        neuralBlocks.put("unmixer", unmixer);
        neuralBlocks.put("velocityHead", velocityHead);
        if (spec.useNeural()) {
            neuralBlocks.put("odeNet", odeNet);
            neuralBlocks.put("residualNet", residualNet);
            if (timeBankNet != null) {
                neuralBlocks.put("timeBankNet", timeBankNet);
            }
            if (driveNet != null) {
                neuralBlocks.put("driveNet", driveNet);
            }
        }
        this.codec = new ParameterCodec(spec.algorithm(), physicsBlocks, neuralBlocks);
    }

    /**
     * Sets the output residual's rows for the forecast horizon to zero. Training reconstructs only the window,
     * so nothing fits those rows, and their random initial values would land in every forecast (measured: an
     * RMS of about 1 rad on the pendulum). Zero rows get zero gradient and stay zero; R_horizon in the loss
     * brings rows that are not zero down (docs/model.md). The trainer calls this on a new model when R_horizon
     * is on. A residual of sinusoids has no horizon rows: it runs on beyond the window by design.
     */
    public void zeroHorizonResidual() {
        if (!spec.sinusoidResidual()) {
            decoder.zeroHorizonResidual();
        }
    }

    /**
     * <b>Offline oracle ablation only, never served:</b> the encoder's z_n replaced by the true unmodelled parameters
     * {@code oracle} holds ({@link OracleLatents}); null restores the encoder. Not written into bundles.
     */
    public void setOracleLatents(OracleLatents oracle) {
        encoder.setOracle(oracle);
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
        return codec.parameters(physicsGroup);
    }

    /** Every parameter of the model by its unique id (both groups), in a fixed order. */
    public Map<String, Parameter> allParameters() {
        return codec.all();
    }

    /**
     * Writes every parameter by id with its shape and float32 values. By id rather than DJL's positional
     * block format, so that a mismatch between a bundle and the code reading it is named, not guessed.
     */
    public void writeParameters(DataOutputStream out) throws IOException {
        codec.write(out);
    }

    /** Reads parameters written by {@link #writeParameters}; refuses any that do not fit this model's spec. */
    public void readParameters(DataInputStream in) throws IOException {
        codec.read(in);
    }

    NDArray forward(Block block, NDArray input, boolean training) {
        return runner.forward(block, input, training);
    }

    // ---------------------------------------------------------------------------------------------------
    // Encoder and decoder (the training loss reads them)

    /** Per-window embeddings, [B, E]. {@code windows} is [B, T, C]. */
    NDArray embed(NDArray windows, boolean training) {
        return encoder.embed(windows, training);
    }

    NDArray flat(NDArray windows) {
        return encoder.flat(windows);
    }

    /** Encoder outputs of one batch. */
    record Posterior(NDArray latentMean, NDArray latentLogVar, NDArray physicsMean, NDArray physicsLogVar,
                     NDArray unmixed, NDArray initialState) {
    }

    /** See {@link VaeEncoder#encode}. */
    Posterior encode(NDArray windows, NDArray embeddingSums, NDArray counts, boolean training) {
        return encoder.encode(windows, embeddingSums, counts, training);
    }

    /** Mean (mapped into the prior range, {@link PhysicsHeadMap}) and log variance of z_p, each [B, 1]. */
    NDArray[] physicsHead(NDArray unmixed, boolean training) {
        return encoder.physicsHead(unmixed, training);
    }

    /** Conditional prior of z_n from the context alone: mean and log variance, [B, n] each. */
    NDArray[] contextPrior(NDArray embeddingSums, NDArray counts, boolean training) {
        return encoder.contextPrior(embeddingSums, counts, training);
    }

    /**
     * Decoder outputs: the four reconstructions over window + horizon, each [B, T + h, C], and x_PD, physics + the
     * rotating drive without the in-ODE net, null unless asked for.
     */
    record Decoded(NDArray xP, NDArray xPA, NDArray xPB, NDArray xPAB, NDArray xPD) {
    }

    Decoded decode(NDArray zp, NDArray zn, NDArray initialState, int length, boolean training) {
        return decoder.decode(zp, zn, initialState, length, training);
    }

    /** As {@link #decode}, with x_PD when {@code driveReference} (the drive's least-action reference). */
    Decoded decode(NDArray zp, NDArray zn, NDArray initialState, int length, boolean training,
                   boolean driveReference) {
        return decoder.decode(zp, zn, initialState, length, training, driveReference);
    }

    // ---------------------------------------------------------------------------------------------------
    // Inference

    @Override
    public Inference infer(double[][][] windows, double[][][][] contexts, int horizon) {
        PooledContext pooled = pool(windows, contexts);
        return inferWithPooledContext(windows, pooled.sums(), pooled.counts(), horizon);
    }

    /** Context embeddings summed per query window, and how many there are. */
    record PooledContext(double[][] sums, int[] counts) {
    }

    /** Embeds each window's context set (meta models; none otherwise) and sums the embeddings per window. */
    PooledContext pool(double[][][] windows, double[][][][] contexts) {
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
        return new PooledContext(sums, counts);
    }

    @Override
    public double[][] embedContext(double[][][] windows) {
        checkWindows(windows);
        try (NDManager step = manager.newSubManager()) {
            NDArray e = embed(step.create(VaeArrays.toFloat(windows), new Shape(windows.length, spec.windowLength(),
                    spec.channels())), false);
            return VaeArrays.to2d(e, windows.length, spec.embedding());
        }
    }

    @Override
    public Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts,
                                            int horizon) {
        checkWindows(windows);
        if (horizon < 0 || horizon > spec.maxHorizon()) {
            throw new IllegalArgumentException("horizon must be 0.." + spec.maxHorizon() + ", got " + horizon);
        }
        try (NDManager step = manager.newSubManager()) {
            return band().infer(step, posterior(step, windows, embeddingSums, counts), windows.length, horizon);
        }
    }

    /** The encoder's posterior of {@code windows} (already checked) in {@code step}, from pooled context sums. */
    Posterior posterior(NDManager step, double[][][] windows, double[][] embeddingSums, int[] counts) {
        int b = windows.length;
        int t = spec.windowLength();
        int ch = spec.channels();
        NDArray x = step.create(VaeArrays.toFloat(windows), new Shape(b, t, ch));
        NDArray[] context = VaeArrays.context(step, b, spec.embedding(), embeddingSums, counts);
        return encode(x, context[0], context[1], false);
    }

    private BandInference band() {
        // the sigma-point path rewrites the vector field without time: a time bank or drive is decoded by the training
        // decoder, which the Monte-Carlo band uses
        if (bandMethod == BandMethod.MONTE_CARLO || spec.hasTimeBank() || spec.drive()) {
            return new MonteCarloBand(spec, c, decoder, posteriorSamples);
        }
        if (sigmaPoints == null) {
            sigmaPoints = new SigmaPointInference(this);
        }
        return sigmaPoints;
    }

    void checkWindows(double[][][] windows) {
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

    /** Random generator seeded for data augmentation draws. */
    static Random random(long seed) {
        return new Random(seed);
    }

    @Override
    public void close() {
        manager.close();
    }
}
