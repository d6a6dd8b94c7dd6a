package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * z_n under refinement by {@link PhysicsProfileFit}: its current value, the prior it is held to (mean, and 1 / σ√2
 * so that the squared standardised offset is already halved), each window's weight 1 / 2s² on its squared error,
 * and Adam's moments.
 */
final class ProfileLatents {
    private final float[] value;
    private final float[] mean;
    private final float[] halfPrecisionRoot;
    private final float[] noiseWeight;
    private final Shape shape;
    private final float[] first;
    private final float[] second;

    private ProfileLatents(float[] start, float[] mean, float[] halfPrecisionRoot, Shape shape) {
        this.value = start;
        this.mean = mean;
        this.halfPrecisionRoot = halfPrecisionRoot;
        this.shape = shape;
        this.noiseWeight = new float[(int) shape.get(0)];
        this.first = new float[mean.length];
        this.second = new float[mean.length];
    }

    /**
     * Starts at the encoder's mean of z_n and holds it to the model's prior of z_n: the context's conditional
     * prior for a meta model's window with context windows, N(0, I) otherwise, as the training's KL term does.
     */
    static ProfileLatents of(HybridVae model, NDManager m, HybridVae.Posterior q, HybridVae.PooledContext pooled) {
        float[] start = q.latentMean().toType(DataType.FLOAT32, false).toFloatArray();
        int b = (int) q.latentMean().getShape().get(0);
        int n = start.length / b;
        float[] mean = new float[start.length];
        float[] root = new float[start.length];
        Arrays.fill(root, (float) Math.sqrt(0.5));
        if (model.spec().meta() && pooled.counts() != null) {
            NDArray[] context = VaeArrays.context(m, b, model.spec().embedding(), pooled.sums(), pooled.counts());
            NDArray[] prior = model.contextPrior(context[0], context[1], false);
            int[] counts = pooled.counts();
            float[] priorMean = prior[0].toType(DataType.FLOAT32, false).toFloatArray();
            float[] priorLogVar = prior[1].toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < b; i++) {
                if (counts[i] > 0) {
                    for (int j = i * n; j < (i + 1) * n; j++) {
                        mean[j] = priorMean[j];
                        root[j] = (float) (1 / (Math.exp(0.5 * priorLogVar[j]) * Math.sqrt(2)));
                    }
                }
            }
        }
        return new ProfileLatents(start, mean, root, q.latentMean().getShape());
    }

    /** Each window's weight from its squared error at the grid's best z_p over {@code values} observed values. */
    void weighNoise(double[] bestError, double values) {
        for (int i = 0; i < noiseWeight.length; i++) {
            double noise = Math.max(bestError[i] / values, 1e-8);
            noiseWeight[i] = (float) (1 / (2 * noise));
        }
    }

    NDArray variable(NDManager m) {
        NDArray zn = m.create(value, shape);
        zn.setRequiresGradient(true);
        return zn;
    }

    /** Σ_windows SSE / 2s² + ½ Σ ((z_n − μ) / σ)², from the squared errors [b, t, ch]. */
    NDArray objective(NDManager m, NDArray squaredError, NDArray zn) {
        NDArray data = squaredError.sum(new int[] {1, 2}).mul(m.create(noiseWeight)).sum();
        NDArray offset = zn.sub(m.create(mean, shape)).mul(m.create(halfPrecisionRoot, shape));
        return data.add(offset.square().sum());
    }

    /** Adam's moments from zero: each joint refinement starts its own (as z_p's and the state's do). */
    void restart() {
        Arrays.fill(first, 0);
        Arrays.fill(second, 0);
    }

    void step(float[] gradient, int k) {
        PhysicsProfileFit.adam(value, gradient, first, second, k);
    }

    /** The refined z_n, [b, n] as the encoder's mean. */
    NDArray current(NDManager m) {
        return m.create(value, shape);
    }
}
