package io.hybridcast.model.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.VaeArrays;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.model.vae.HybridVaeLoss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link HybridVae} (Phys-VAE or Meta-Hybrid-VAE, and the ablations) with Adam, elementwise
 * gradient clipping and optional SAM on the neural parameter group.
 *
 * <p>Meta models see, for each query window, {@code K} other windows of the same task (a task is a sensor,
 * or a group of sequences sharing their unmodelled factors) as the context set.
 */
public final class HybridVaeTrainer {

    /**
     * One training at a time per process: DJL's PyTorch gradient collector is process-global ("Only one can
     * be collecting at a time"), so two threads training at once would fail. Inference on other threads is
     * unaffected (PyTorch's grad mode is thread-local).
     */
    private static final Object TRAINING = new Object();

    private HybridVaeTrainer() {
    }

    /**
     * Trains a new model.
     *
     * @param windows [N][T][C] training windows
     * @param taskIds [N] task of each window
     */
    public static HybridVae train(ModelSpec spec, TrainingConfig config, double[][][] windows, int[] taskIds,
                                  NDManager parent, TrainingListener listener) {
        HybridVae model = new HybridVae(spec, parent, config.seed());
        try {
            if (config.horizonResidualWeight() > 0) {
                model.zeroHorizonResidual();
            }
            continueTraining(model, config, windows, taskIds, listener);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Trains an existing model further (warm start). */
    public static void continueTraining(HybridVae model, TrainingConfig config, double[][][] windows, int[] taskIds,
                                        TrainingListener listener) {
        continueTraining(model, config, windows, taskIds, PhysicsTargets.NONE, listener);
    }

    /**
     * Trains an existing model further, with the physics head also supervised where {@code targets} knows the
     * window's z_p (simulated windows of a digital twin; NaN where it does not, e.g. live data).
     */
    public static void continueTraining(HybridVae model, TrainingConfig config, double[][][] windows, int[] taskIds,
                                        PhysicsTargets targets, TrainingListener listener) {
        if (targets.weight() > 0 && targets.values().length != windows.length) {
            throw new IllegalArgumentException(windows.length + " windows but " + targets.values().length
                    + " physics targets");
        }
        synchronized (TRAINING) {
            trainLocked(model, config, windows, taskIds, targets, listener);
        }
    }

    private static void trainLocked(HybridVae model, TrainingConfig config, double[][][] windows, int[] taskIds,
                                    PhysicsTargets targets, TrainingListener listener) {
        ModelSpec spec = model.spec();
        if (windows.length == 0) {
            throw new IllegalArgumentException("no training windows");
        }
        if (windows.length != taskIds.length) {
            throw new IllegalArgumentException(windows.length + " windows but " + taskIds.length + " task ids");
        }
        Random random = new Random(config.seed());
        Map<Integer, List<Integer>> byTask = new HashMap<>();
        for (int i = 0; i < taskIds.length; i++) {
            byTask.computeIfAbsent(taskIds[i], k -> new ArrayList<>()).add(i);
        }
        Map<String, Parameter> physicsGroup = model.parameters(true);
        Map<String, Parameter> neuralGroup = model.parameters(false);
        Map<String, Parameter> all = new LinkedHashMap<>(physicsGroup);
        all.putAll(neuralGroup);
        Map<String, Parameter> samGroup = new LinkedHashMap<>(neuralGroup);
        if (!config.samEncoderNeural()) {
            for (String encoderPart : List.of("setEmbed.", "latentHead.", "unmixer.", "velocityHead.")) {
                samGroup.keySet().removeIf(k -> k.startsWith(encoderPart));
            }
        }
        for (Parameter p : all.values()) {
            p.getArray().setRequiresGradient(true);
        }
        // the listener may schedule the rate (EarlyStopping's reduce-on-plateau); 1x by default
        Tracker rate = update -> (float) (config.learningRate() * listener.learningRateFactor());
        Optimizer adam = Optimizer.adam()
                .optLearningRateTracker(rate)
                .build();
        HybridVaeLoss loss = new HybridVaeLoss(model, config);
        int k = spec.meta() ? config.contextSize() : 0;
        int batches = (windows.length + config.batchSize() - 1) / config.batchSize();
        int warmup = spec.usePhysics() ? config.physicsWarmupSteps() : 0;
        int total = batches * config.epochs() + warmup;
        int step = 0;
        long start = System.nanoTime();
        if (warmup > 0) {
            // the physics head (and the unmixer in front of it) first learns to read z_p from physics-only
            // trajectories simulated from random z_p, with its own optimiser state, so that the joint fit
            // starts from a head that already inverts the known physics instead of from a random map
            Map<String, Parameter> headGroup = new LinkedHashMap<>(physicsGroup);
            neuralGroup.forEach((id, p) -> {
                if (id.startsWith("unmixer.")) {
                    headGroup.put(id, p);
                }
            });
            Optimizer warmAdam = Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                    .build();
            for (int w = 0; w < warmup; w++) {
                try (NDManager stepManager = model.manager().newSubManager()) {
                    long augSeed = random.nextLong();
                    double value;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray warm = loss.dataAugmentation(stepManager, config.batchSize(), augSeed, true);
                        collector.backward(warm);
                        value = warm.getFloat();
                    }
                    update(warmAdam, headGroup, config.gradientClip(), stepManager);
                    step++;
                    listener.onStep(step, total, 0, value, System.nanoTime() - start);
                }
            }
        }
        int[] order = new int[windows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        boolean stopped = false;
        for (int epoch = 1; epoch <= config.epochs() && !stopped; epoch++) {
            shuffle(order, random);
            for (int b = 0; b < batches && !stopped; b++) {
                int from = b * config.batchSize();
                int to = Math.min(order.length, from + config.batchSize());
                int[] queries = java.util.Arrays.copyOfRange(order, from, to);
                try (NDManager stepManager = model.manager().newSubManager()) {
                    Batch batch = Batch.of(stepManager, spec, windows, queries, taskIds, byTask, k, random)
                            .withTargets(stepManager, targets, queries);
                    long augSeed = random.nextLong();
                    double value;
                    if (config.samRho() > 0) {
                        value = samStep(model, loss, batch, augSeed, all, samGroup, config, adam, stepManager);
                    } else {
                        value = backward(loss, batch, augSeed);
                        update(adam, all, config.gradientClip(), stepManager);
                    }
                    step++;
                    listener.onStep(step, total, epoch, value, System.nanoTime() - start);
                    stopped = listener.stopRequested();
                }
            }
        }
    }

    private static double backward(HybridVaeLoss loss, Batch batch, long augSeed) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss.compute(batch.windows(), batch.contexts(), batch.contextCounts(), augSeed, true,
                    batch.targets(), batch.targetMask(), batch.targetWeight());
            collector.backward(value);
            double v = value.getFloat();
            if (!Double.isFinite(v)) {
                throw new IllegalStateException("training diverged: loss is " + v);
            }
            return v;
        }
    }

    /**
     * Sharpness-aware step on the neural group only: gradient g at w; perturb the neural group by
     * ρ·g_N/||g_N||; gradient at the perturbed point; undo; Adam step with that gradient.
     */
    private static double samStep(HybridVae model, HybridVaeLoss loss, Batch batch, long augSeed,
                                  Map<String, Parameter> all, Map<String, Parameter> samGroup, TrainingConfig config,
                                  Optimizer adam, NDManager stepManager) {
        double value = backward(loss, batch, augSeed);
        // every array made here (gradient wrappers, squares, sums, perturbations) goes to the step's manager:
        // left to itself it would attach to the model's long-lived manager and pile up step after step
        double normSq = 0;
        for (Parameter p : samGroup.values()) {
            NDArray gradient = gradientIn(p, stepManager);
            NDArray squared = gradient.square();
            squared.attach(stepManager);
            NDArray sum = squared.sum();
            sum.attach(stepManager);
            normSq += sum.getFloat();
        }
        double scale = config.samRho() / (Math.sqrt(normSq) + 1e-12);
        Map<String, NDArray> perturbations = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : samGroup.entrySet()) {
            // outside any gradient collector, so the scalar overload cannot corrupt a graph (STACK.md 1.5)
            NDArray eps = gradientIn(e.getValue(), stepManager).mul(scale);
            eps.attach(stepManager);
            perturbations.put(e.getKey(), eps);
        }
        zeroGradients(all, stepManager);
        perturbations.forEach((id, eps) -> samGroup.get(id).getArray().addi(eps));
        backward(loss, batch, augSeed);
        perturbations.forEach((id, eps) -> samGroup.get(id).getArray().subi(eps));
        update(adam, all, config.gradientClip(), stepManager);
        return value;
    }

    private static void update(Optimizer adam, Map<String, Parameter> params, double clip, NDManager stepManager) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray weight = e.getValue().getArray();
            NDArray gradient = gradientIn(e.getValue(), stepManager);
            // clip's scalar bounds and the clipped copy would otherwise attach to the model's manager
            NDArray clipped = gradient.clip(-clip, clip);
            clipped.attach(stepManager);
            adam.update(e.getKey(), weight, clipped);
            // raw-parameter gradients accumulate in DJL 0.35.1 unless cleared (STACK.md 1.5)
            gradient.subi(gradient);
        }
    }

    private static void zeroGradients(Map<String, Parameter> params, NDManager stepManager) {
        for (Parameter p : params.values()) {
            NDArray g = gradientIn(p, stepManager);
            g.subi(g);
        }
    }

    /**
     * The parameter's gradient as a handle owned by {@code scope}: getGradient() makes a new wrapper on every
     * call, attached to the parameter's (long-lived) manager; closing the wrapper frees only the handle, not
     * the gradient itself.
     */
    private static NDArray gradientIn(Parameter parameter, NDManager scope) {
        NDArray gradient = parameter.getArray().getGradient();
        gradient.attach(scope);
        return gradient;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * One batch of query windows with their context sets, as NDArrays in the step's manager, and the known z_p
     * of its windows ([B, 1], mask 1 where known) when the physics head is supervised.
     */
    record Batch(NDArray windows, NDArray contexts, NDArray contextCounts, NDArray targets, NDArray targetMask,
                 double targetWeight) {

        Batch(NDArray windows, NDArray contexts, NDArray contextCounts) {
            this(windows, contexts, contextCounts, null, null, 0);
        }

        /** This batch with the targets of its queries; unchanged without supervision. */
        Batch withTargets(NDManager m, PhysicsTargets physicsTargets, int[] queries) {
            if (physicsTargets.weight() <= 0) {
                return this;
            }
            float[] values = new float[queries.length];
            float[] mask = new float[queries.length];
            for (int i = 0; i < queries.length; i++) {
                double v = physicsTargets.values()[queries[i]];
                values[i] = Double.isNaN(v) ? 0f : (float) v;
                mask[i] = Double.isNaN(v) ? 0f : 1f;
            }
            return new Batch(windows, contexts, contextCounts, m.create(values, new Shape(queries.length, 1)),
                    m.create(mask, new Shape(queries.length, 1)), physicsTargets.weight());
        }

        static Batch of(NDManager m, ModelSpec spec, double[][][] data, int[] queries, int[] taskIds,
                        Map<Integer, List<Integer>> byTask, int k, Random random) {
            int t = spec.windowLength();
            int ch = spec.channels();
            int b = queries.length;
            double[][][] q = new double[b][][];
            for (int i = 0; i < b; i++) {
                q[i] = data[queries[i]];
            }
            NDArray windows = m.create(VaeArrays.toFloat(q), new Shape(b, t, ch));
            if (k == 0) {
                return new Batch(windows, null, null);
            }
            double[][][] ctx = new double[b * k][][];
            float[] counts = new float[b];
            for (int i = 0; i < b; i++) {
                int query = queries[i];
                List<Integer> mates = byTask.get(taskIds[query]);
                List<Integer> others = new ArrayList<>(mates);
                others.remove(Integer.valueOf(query));
                counts[i] = others.isEmpty() ? 0 : k;
                for (int j = 0; j < k; j++) {
                    ctx[i * k + j] = others.isEmpty() ? new double[t][ch] : data[others.get(random.nextInt(others.size()))];
                }
            }
            return new Batch(windows, m.create(VaeArrays.toFloat(ctx), new Shape(b, k, t, ch)),
                    m.create(counts, new Shape(b, 1)));
        }
    }
}
