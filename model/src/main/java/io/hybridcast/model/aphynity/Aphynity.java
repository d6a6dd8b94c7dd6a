package io.hybridcast.model.aphynity;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.VaeArrays;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.PhysicsHeadMap;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * APHYNITY (Yin et al., ICLR 2021), the Meta-Hybrid-VAE paper's baseline: {@code ds/dt = F_p(s; z_p) + F_a(s)}
 * integrated with the data grid's RK4, trained on {@code λ·MSE + mean ||F_a(X_t)||²} with λ raised after each
 * batch (SCIENCE.md section 3).
 *
 * <p>Our datasets give every sequence its own z_p, so, as in APHYNITY's appendix G, an encoder reads each
 * window and outputs z_p (mapped into the prior range like the VAEs' physics head, {@link PhysicsHeadMap}) and the unobserved
 * initial state (the pendulum's θ'). F_p is the same {@link Physics} the VAEs use; F_a is a tanh MLP with
 * orthogonal initialisation (gain 0.2) acting, like the VAEs' in-ODE net, only on the accelerations of a
 * second-order system so that it cannot rewrite the kinematics θ' = v.
 *
 * <p>APHYNITY is deterministic and has no neural latent: {@link Inference#neuralMean()} is [b][0],
 * {@link Inference#physicsStd()} is 0, and the forecast spread is the observation noise alone.
 * Contexts are ignored (no context-conditional prior).
 */
public final class Aphynity implements HybridModel {

    /** Algorithm id, as results.json names it. */
    public static final String ID = "aphynity";

    /** One training per process: DJL's PyTorch gradient collector is process-global. */
    private static final Object TRAINING = new Object();

    private final ModelSpec spec;
    private final Physics physics;
    private final NDManager manager;
    private final Constants c;
    private final OdeSolver solver;
    private final ParameterStore parameterStore;
    private final int inputSize;
    private final NDArray neuralMask;
    private final Block encoder;
    private final Block augmentation;

    /** A freshly initialised model; {@code spec} must have no neural latents (see {@link #specFrom}). */
    public Aphynity(ModelSpec spec, NDManager parent, long seed) {
        if (spec.neuralLatents() != 0) {
            throw new IllegalArgumentException("model setting neuralLatents must be 0 for APHYNITY (it has no "
                    + "neural latent), got " + spec.neuralLatents() + "; use Aphynity.specFrom(spec)");
        }
        if (!spec.usePhysics() || !spec.useNeural() || spec.meta()) {
            throw new IllegalArgumentException("APHYNITY needs usePhysics=true, useNeural=true, meta=false, got "
                    + spec.usePhysics() + "/" + spec.useNeural() + "/" + spec.meta());
        }
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
        this.neuralMask = physics.neuralMask(manager);
        int h = spec.hidden();
        encoder = mlp(false, h, h, 1 + physics.unobservedDim());
        augmentation = mlp(true, h, h, physics.stateDim());
        manager.getEngine().setRandomSeed((int) seed);
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, inputSize));
        augmentation.initialize(manager, DataType.FLOAT32, new Shape(1, physics.stateDim()));
        Random random = new Random(seed);
        for (Pair<String, Parameter> p : augmentation.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (array.getShape().dimension() == 2) {
                OrthogonalInit.fill(array, 0.2, random);
            } else {
                array.set(java.nio.FloatBuffer.wrap(new float[(int) array.size()])); // zero biases
            }
        }
    }

    /** The APHYNITY spec derived from a hybrid VAE spec: same window, solver and z_p range, no neural latent. */
    public static ModelSpec specFrom(ModelSpec base) {
        return ModelSpec.builder().setSystem(base.system()).setAlgorithm(ID).setWindowLength(base.windowLength())
                .setChannels(base.channels()).setDt(base.dt()).optMaxHorizon(base.maxHorizon())
                .setPhysicsName(base.physicsName()).setPhysicsRange(base.physicsMin(), base.physicsMax())
                .setNeuralLatents(0).setHidden(base.hidden()).setEmbedding(base.embedding())
                .optSubsteps(base.substeps()).optSolver(base.solver()).optLogObsVariance(base.logObsVariance())
                .optPhysicsHeadMap(base.physicsHeadMap()).build();
    }

    private static Block mlp(boolean smooth, int... units) {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < units.length; i++) {
            block.add(Linear.builder().setUnits(units[i]).build());
            if (i < units.length - 1) {
                block.add(smooth ? Activation::tanh : Activation::relu);
            }
        }
        return block;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** Every trainable parameter by a unique id: {@code encoder.*} and {@code augmentation.*} (F_a). */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            out.put("encoder." + p.getKey(), p.getValue());
        }
        for (Pair<String, Parameter> p : augmentation.getParameters()) {
            out.put("augmentation." + p.getKey(), p.getValue());
        }
        return out;
    }

    private NDArray forward(Block block, NDArray input, boolean training) {
        return block.forward(parameterStore, new NDList(input), training).singletonOrThrow();
    }

    /** z_p [B, 1] and the initial state [B, D] of each window [B, T, C]. */
    private NDArray[] encode(NDArray windows, boolean training) {
        long b = windows.getShape().get(0);
        NDArray out = forward(encoder, windows.reshape(b, inputSize), training);
        NDArray zp = PhysicsHeadMap.apply(spec, out.get(":, 0:1"), c);
        NDArray first = windows.get(":, 0, :");
        NDArray s0 = physics.unobservedDim() == 0 ? first
                : NDArrays.concat(new NDList(first, out.get(":, 1:" + (1 + physics.unobservedDim()))), 1);
        return new NDArray[] {zp, s0};
    }

    /** F_a(s), masked to the components it may act on, [B, D]. */
    private NDArray augmentationTerm(NDArray state, boolean training) {
        return forward(augmentation, state, training).mul(neuralMask);
    }

    /** States [B, length, D] of the hybrid (or physics-only) ODE. */
    private NDArray solve(NDArray zp, NDArray s0, int length, boolean withAugmentation, boolean training) {
        OdeSolver.VectorField field = (state, time) -> {
            NDArray dp = physics.derivative(state, zp, c);
            return withAugmentation ? dp.add(augmentationTerm(state, training)) : dp;
        };
        return solver.trajectory(field, s0, length);
    }

    /** The two terms of APHYNITY's loss on one batch: trajectory MSE and mean (normalised) ||F_a||². */
    NDArray[] lossTerms(NDArray windows, boolean normaliseByState) {
        NDArray[] encoded = encode(windows, true);
        NDArray states = solve(encoded[0], encoded[1], spec.windowLength(), true, true);
        NDArray predicted = states.get(":, :, 0:" + spec.channels());
        NDArray mse = predicted.sub(windows).square().mean();
        long b = states.getShape().get(0);
        NDArray flatStates = states.reshape(b * spec.windowLength(), physics.stateDim());
        NDArray normSq = augmentationTerm(flatStates, true).square().sum(new int[] {1});
        if (normaliseByState) {
            normSq = normSq.div(flatStates.square().sum(new int[] {1}).add(c.of(1e-6)));
        }
        return new NDArray[] {mse, normSq.mean()};
    }

    /**
     * Trains a new model on windows [N][T][C].
     *
     * @return the trained model, whose {@link #lambda()} is the final λ
     */
    public static Aphynity train(ModelSpec spec, AphynityConfig config, double[][][] windows, NDManager parent,
                                 TrainingListener listener) {
        return train(spec, config, windows, parent, model -> listener);
    }

    /**
     * Trains a new model on windows [N][T][C] with a listener made for the new model (early stopping needs its
     * parameters and its inference).
     */
    public static Aphynity train(ModelSpec spec, AphynityConfig config, double[][][] windows, NDManager parent,
                                 java.util.function.Function<Aphynity, TrainingListener> listenerFor) {
        if (windows.length == 0) {
            throw new IllegalArgumentException("no training windows");
        }
        Aphynity model = new Aphynity(spec, parent, config.seed());
        try {
            model.checkWindows(windows);
            synchronized (TRAINING) {
                model.fit(config, windows, listenerFor.apply(model));
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private double lambda = Double.NaN;

    /** λ after training (NaN before): it grows with the remaining MSE, as APHYNITY's schedule does. */
    public double lambda() {
        return lambda;
    }

    private void fit(AphynityConfig config, double[][][] windows, TrainingListener listener) {
        Map<String, Parameter> params = parameters();
        for (Parameter p : params.values()) {
            p.getArray().setRequiresGradient(true);
        }
        // the listener may schedule the rate (EarlyStopping's reduce-on-plateau); 1x by default
        Tracker rate = update -> (float) (config.learningRate() * listener.learningRateFactor());
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(rate)
                .build();
        Random random = new Random(config.seed());
        int[] order = new int[windows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int batches = (windows.length + config.batchSize() - 1) / config.batchSize();
        int total = batches * config.epochs();
        int step = 0;
        lambda = config.lambda0();
        long start = System.nanoTime();
        boolean stopped = false;
        for (int epoch = 1; epoch <= config.epochs() && !stopped; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int b = 0; b < batches; b++) {
                int from = b * config.batchSize();
                int to = Math.min(order.length, from + config.batchSize());
                double[][][] batch = new double[to - from][][];
                for (int i = from; i < to; i++) {
                    batch[i - from] = windows[order[i]];
                }
                double lossValue = 0;
                double mseValue = 0;
                try (NDManager stepManager = manager.newSubManager()) {
                    NDArray x = stepManager.create(VaeArrays.toFloat(batch), new Shape(batch.length, spec.windowLength(),
                            spec.channels()));
                    // a per-step array, not a scalar overload (STACK.md 1.5); it lives until the step closes
                    NDArray lambdaArray = stepManager.create((float) lambda);
                    for (int inner = 0; inner < config.innerSteps(); inner++) {
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray[] terms = lossTerms(x, config.normaliseByState());
                            NDArray loss = terms[0].mul(lambdaArray).add(terms[1]);
                            collector.backward(loss);
                            lossValue = loss.getFloat();
                            mseValue = terms[0].getFloat();
                        }
                        if (!Double.isFinite(lossValue)) {
                            throw new IllegalStateException("APHYNITY training diverged: loss is " + lossValue
                                    + " at step " + (step + 1));
                        }
                        update(adam, params, config.gradientClip());
                    }
                }
                lambda += config.tau2() * mseValue;
                step++;
                listener.onStep(step, total, epoch, lossValue, System.nanoTime() - start);
                stopped = listener.stopRequested();
                if (stopped) {
                    break;
                }
            }
        }
    }

    private void update(Optimizer adam, Map<String, Parameter> params, double clip) {
        // Everything made here (the wrapper getGradient() returns on every call, clip's scalar bounds, the clipped
        // copy) would otherwise attach to the model's long-lived manager and pile up step after step; closing
        // a gradient wrapper frees only its handle, not the parameter's gradient.
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray weight = e.getValue().getArray();
                NDArray gradient = weight.getGradient();
                gradient.attach(scope);
                NDArray clipped = gradient.clip(-clip, clip);
                clipped.attach(scope);
                adam.update(e.getKey(), weight, clipped);
                // raw-parameter gradients accumulate in DJL 0.35.1 unless cleared (STACK.md 1.5)
                gradient.subi(gradient);
            }
        }
    }

    @Override
    public Inference infer(double[][][] windows, double[][][][] contexts, int horizon) {
        checkWindows(windows);
        if (horizon < 0 || horizon > spec.maxHorizon()) {
            throw new IllegalArgumentException("horizon must be 0.." + spec.maxHorizon() + ", got " + horizon);
        }
        int b = windows.length;
        int t = spec.windowLength();
        int ch = spec.channels();
        int length = t + horizon;
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(VaeArrays.toFloat(windows), new Shape(b, t, ch));
            NDArray[] encoded = encode(x, false);
            float[] hybrid = solve(encoded[0], encoded[1], length, true, false)
                    .get(":, :, 0:" + ch).toFloatArray();
            float[] physicsOnly = solve(encoded[0], encoded[1], t, false, false)
                    .get(":, :, 0:" + ch).toFloatArray();
            float[] zp = encoded[0].toFloatArray();
            double noiseStd = Math.sqrt(Math.exp(spec.logObsVariance()));
            double[][] zpMean = new double[b][1];
            double[][] zpStd = new double[b][1];
            double[][][] rec = new double[b][t][ch];
            double[][][] phys = new double[b][t][ch];
            double[][][] forecast = new double[b][horizon][ch];
            double[][][] forecastStd = new double[b][horizon][ch];
            for (int i = 0; i < b; i++) {
                zpMean[i][0] = zp[i];
                for (int k = 0; k < length; k++) {
                    for (int m = 0; m < ch; m++) {
                        double v = hybrid[(i * length + k) * ch + m];
                        if (k < t) {
                            rec[i][k][m] = v;
                            phys[i][k][m] = physicsOnly[(i * t + k) * ch + m];
                        } else {
                            forecast[i][k - t][m] = v;
                            forecastStd[i][k - t][m] = noiseStd;
                        }
                    }
                }
            }
            return new Inference(zpMean, zpStd, new double[b][0], rec, phys, forecast, forecastStd);
        }
    }

    /** APHYNITY has no context-conditional prior: zero embeddings of the spec's width, ignored by inference. */
    @Override
    public double[][] embedContext(double[][][] windows) {
        checkWindows(windows);
        return new double[windows.length][spec.embedding()];
    }

    /** Same as {@link #infer}: the pooled context is ignored (no context-conditional prior). */
    @Override
    public Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts,
                                            int horizon) {
        return infer(windows, null, horizon);
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

    @Override
    public void close() {
        manager.close();
    }
}
