package io.hybridcast.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;

import java.util.Arrays;

/**
 * Test-time fit of the physics parameter z_p by its profile likelihood: with the encoder's z_n and initial state held,
 * the hybrid decoder reconstructs the window for candidate z_p values across the whole prior range, and the best
 * fit is refined on finer grids around it; then z_p and the initial state are refined together by Adam steps on
 * the same squared error (the encoder's initial state is a guess too, and a wrong one biases z_p). The encoder is
 * an amortised guess that shrinks towards the range it was trained on; the ODE is not, so a fit by the decoder can
 * reach a z_p the training never showed. A grid first, because an oscillator's likelihood in its frequency has
 * many local optima; gradient steps only inside the basin the grid found.
 *
 * <p>Optionally ({@code refineLatents}) the joint steps refine z_n too, as a maximum a posteriori fit under the
 * model's prior of z_n (the context's conditional prior for the meta model, as in training): the squared error
 * weighted by 1 / 2s² (s² the window's noise variance at the grid's best fit) plus ½ Σ ((z_n − μ) / σ)². Why: z_n
 * carries the damping and the in-ODE net's reading of the forcing, and over a third of a period ω trades off
 * against both, so a z_n held at the encoder's guess can bend ω (docs/model.md, "The profile fit with z_n refined").
 *
 * <p>The standard deviation is Laplace's: the parabola through the best candidate and its two neighbours gives the
 * curvature a of the squared error, and with the noise variance s² estimated from the best fit's residual,
 * std = s/√a (the full prior width where the error is flat).
 */
public final class PhysicsProfileFit {

    /** Candidates of the first, whole-range grid. */
    static final int COARSE = 48;
    /** Candidates of each finer grid, spanning the best candidate's two neighbours. */
    static final int FINE = 16;
    /** Finer grids after the coarse one. */
    static final int REFINEMENTS = 2;
    /** Grid searches, each followed by a joint refinement. */
    static final int ROUNDS = 2;
    /** Adam steps of the joint refinement of z_p and the initial state. */
    static final int JOINT_STEPS = 60;
    /** Adam's step size, on log z_p (or z_p) and on the initial state. */
    private static final double LEARNING_RATE = 0.02;
    /** Windows decoded together (each with all of its candidates). */
    private static final int CHUNK = 128;

    /**
     * @param mean the fitted z_p of each window
     * @param std  its Laplace standard deviation
     */
    public record Result(double[] mean, double[] std) {
    }

    private PhysicsProfileFit() {
    }

    /**
     * Fits z_p for each window; {@code contexts} as for {@link HybridVae#infer} (null or empty for none).
     *
     * @throws IllegalArgumentException for a model without physics (the ablation has no z_p to fit)
     */
    public static Result fit(HybridVae model, double[][][] windows, double[][][][] contexts) {
        return fit(model, windows, contexts, false);
    }

    /**
     * As {@link #fit(HybridVae, double[][][], double[][][][])}; {@code refineLatents}: the joint steps refine z_n
     * too, under the model's prior of it.
     */
    public static Result fit(HybridVae model, double[][][] windows, double[][][][] contexts, boolean refineLatents) {
        ModelSpec spec = model.spec();
        if (!spec.usePhysics()) {
            throw new IllegalArgumentException("the neural-only model has no physics parameter to fit");
        }
        double[] mean = new double[windows.length];
        double[] std = new double[windows.length];
        for (int from = 0; from < windows.length; from += CHUNK) {
            int to = Math.min(windows.length, from + CHUNK);
            double[][][] w = Arrays.copyOfRange(windows, from, to);
            double[][][][] ctx = contexts == null ? null : Arrays.copyOfRange(contexts, from, to);
            fitChunk(model, w, ctx, mean, std, from, refineLatents);
        }
        return new Result(mean, std);
    }

    private static void fitChunk(HybridVae model, double[][][] windows, double[][][][] contexts, double[] mean,
                                 double[] std, int offset, boolean refineLatents) {
        ModelSpec spec = model.spec();
        int b = windows.length;
        int t = spec.windowLength();
        int ch = spec.channels();
        HybridVae.PooledContext pooled = model.pool(windows, contexts);
        boolean logScale = spec.physicsMin() > 0;
        double lo = scale(spec.physicsMin(), logScale);
        double hi = scale(spec.physicsMax(), logScale);
        try (NDManager step = model.manager().newSubManager()) {
            HybridVae.Posterior q = model.posterior(step, windows, pooled.sums(), pooled.counts());
            NDArray x = step.create(VaeArrays.toFloat(windows), new Shape(b, t, ch));
            float[] initial = q.initialState().toType(DataType.FLOAT32, false).toFloatArray();
            ProfileLatents prior = refineLatents ? ProfileLatents.of(model, step, q, pooled) : null;
            NDArray latents = q.latentMean();
            double[] fitted = null;
            for (int round = 0; round < ROUNDS; round++) {
                // the grid searches z_p at the current initial state, the joint steps fit both inside its basin;
                // a second round searches again from the refined state (the encoder's may be far off)
                NDArray state = step.create(initial, q.initialState().getShape());
                GridBest best = gridSearch(model, step, latents, state, x, lo, hi, logScale);
                if (prior != null) {
                    prior.weighNoise(best.error(), t * ch);
                }
                fitted = refineJointly(model, step, q, x, best.at(), initial, prior, logScale);
                if (prior != null) {
                    latents = prior.current(step);
                }
            }
            // the Laplace std along z_p at the joint optimum, from candidates 1 % of z_p (or of the range) either side
            double spacing = logScale ? 0.01 : 0.01 * (hi - lo);
            double[][] around = new double[b][];
            for (int i = 0; i < b; i++) {
                around[i] = new double[] {fitted[i] - spacing, fitted[i], fitted[i] + spacing};
            }
            NDArray refinedState = step.create(initial, q.initialState().getShape());
            double[][] aroundError = squaredErrors(model, step, latents, refinedState, x, around, logScale);
            for (int i = 0; i < b; i++) {
                double z = Math.min(spec.physicsMax(), Math.max(spec.physicsMin(), unscale(fitted[i], logScale)));
                mean[offset + i] = z;
                std[offset + i] = laplaceStd(around[i], aroundError[i], 1, logScale, (double) t * ch, spec);
            }
        }
    }

    /**
     * Adam steps on z_p (in the grid's scale) and the initial state of every window together, from {@code start}
     * and {@code initial} (updated in place to the refined state); returns the refined z_p in the grid's scale.
     * The model's parameters take part in the graph, so their gradients are cleared afterwards.
     */
    private static double[] refineJointly(HybridVae model, NDManager step, HybridVae.Posterior q, NDArray x,
                                          double[] start, float[] initial, ProfileLatents prior, boolean logScale) {
        int b = start.length;
        int t = model.spec().windowLength();
        Constants c = model.constants();
        float[] u = new float[b];
        for (int i = 0; i < b; i++) {
            u[i] = (float) start[i];
        }
        float[][] moments = {new float[b], new float[b], new float[initial.length], new float[initial.length]};
        NDArray fixedLatents = q.latentMean().stopGradient();
        if (prior != null) {
            prior.restart();
        }
        for (int k = 1; k <= JOINT_STEPS; k++) {
            try (NDManager inner = step.newSubManager()) {
                NDArray uArray = inner.create(u, new Shape(b, 1));
                NDArray s0 = inner.create(initial, q.initialState().getShape());
                uArray.setRequiresGradient(true);
                s0.setRequiresGradient(true);
                NDArray zn = prior == null ? fixedLatents : prior.variable(inner);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray zp = logScale ? uArray.exp() : uArray;
                    NDArray decoded = model.decode(zp, zn, s0, t, false).xPAB();
                    NDArray error = decoded.sub(x).square();
                    collector.backward(prior == null ? error.sum() : prior.objective(inner, error, zn));
                }
                adam(u, uArray.getGradient().toFloatArray(), moments[0], moments[1], k);
                adam(initial, s0.getGradient().toFloatArray(), moments[2], moments[3], k);
                if (prior != null) {
                    prior.step(zn.getGradient().toFloatArray(), k);
                }
            }
        }
        clearParameterGradients(model, step);
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            out[i] = u[i];
        }
        return out;
    }

    static void adam(float[] value, float[] gradient, float[] first, float[] second, int step) {
        double b1 = 0.9;
        double b2 = 0.999;
        for (int i = 0; i < value.length; i++) {
            double g = Float.isFinite(gradient[i]) ? gradient[i] : 0;
            first[i] = (float) (b1 * first[i] + (1 - b1) * g);
            second[i] = (float) (b2 * second[i] + (1 - b2) * g * g);
            double mHat = first[i] / (1 - Math.pow(b1, step));
            double vHat = second[i] / (1 - Math.pow(b2, step));
            value[i] -= (float) (LEARNING_RATE * mHat / (Math.sqrt(vHat) + 1e-8));
        }
    }

    /** Raw-parameter gradients accumulate in DJL 0.35.1 until cleared (STACK.md): a later training must not see them. */
    static void clearParameterGradients(HybridVae model, NDManager scope) {
        for (Parameter p : model.allParameters().values()) {
            if (p.getArray().hasGradient()) {
                NDArray gradient = p.getArray().getGradient();
                gradient.attach(scope);
                gradient.subi(gradient);
            }
        }
    }

    /** Per window, the best z_p of a grid search (in the grid's scale) and its sum of squared errors. */
    private record GridBest(double[] at, double[] error) {
    }

    /** The best z_p (in the grid's scale) of each window on the coarse grid and its finer grids. */
    private static GridBest gridSearch(HybridVae model, NDManager step, NDArray latents, NDArray state, NDArray x,
                                       double lo, double hi, boolean logScale) {
        int b = (int) x.getShape().get(0);
        double[][] grid = new double[b][];
        for (int i = 0; i < b; i++) {
            grid[i] = even(lo, hi, COARSE);
        }
        double[][] error = null;
        for (int level = 0; level <= REFINEMENTS; level++) {
            error = squaredErrors(model, step, latents, state, x, grid, logScale);
            if (level < REFINEMENTS) {
                for (int i = 0; i < b; i++) {
                    int best = argmin(error[i]);
                    double left = grid[i][Math.max(0, best - 1)];
                    double right = grid[i][Math.min(grid[i].length - 1, best + 1)];
                    grid[i] = even(left, right, FINE);
                }
            }
        }
        double[] best = new double[b];
        double[] bestError = new double[b];
        for (int i = 0; i < b; i++) {
            int k = argmin(error[i]);
            best[i] = grid[i][k];
            bestError[i] = error[i][k];
        }
        return new GridBest(best, bestError);
    }

    /** Sum of squared reconstruction errors of each window at each of its candidates: [b][candidates]. */
    private static double[][] squaredErrors(HybridVae model, NDManager step, NDArray latents, NDArray initialState,
                                            NDArray x, double[][] grid, boolean logScale) {
        int b = grid.length;
        int g = grid[0].length;
        int t = model.spec().windowLength();
        float[] candidates = new float[b * g];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < g; k++) {
                candidates[i * g + k] = (float) unscale(grid[i][k], logScale);
            }
        }
        NDArray zp = step.create(candidates, new Shape((long) b * g, 1));
        NDArray zn = VaeArrays.repeat(latents, g);
        NDArray initial = VaeArrays.repeat(initialState, g);
        HybridVae.Decoded decoded = model.decode(zp, zn, initial, t, false);
        float[] sse = decoded.xPAB().sub(VaeArrays.repeat(x, g)).square().sum(new int[] {1, 2})
                .toType(DataType.FLOAT32, false).toFloatArray();
        double[][] out = new double[b][g];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < g; k++) {
                out[i][k] = Float.isFinite(sse[i * g + k]) ? sse[i * g + k] : Double.POSITIVE_INFINITY;
            }
        }
        return out;
    }

    /**
     * Laplace standard deviation of z_p at the best candidate: the squared error's curvature from the parabola
     * through the best candidate and its neighbours (in z_p itself, not the grid's scale), noise variance from
     * the best fit's residual over {@code values} observed values.
     */
    static double laplaceStd(double[] grid, double[] error, int best, boolean logScale, double values,
                             ModelSpec spec) {
        double width = spec.physicsMax() - spec.physicsMin();
        if (best == 0 || best == grid.length - 1) {
            return width;
        }
        double z0 = unscale(grid[best - 1], logScale);
        double z1 = unscale(grid[best], logScale);
        double z2 = unscale(grid[best + 1], logScale);
        // second divided difference: the parabola's leading coefficient a in e(z) ≈ e* + a (z − z*)²
        double a = ((error[best + 1] - error[best]) / (z2 - z1) - (error[best] - error[best - 1]) / (z1 - z0))
                / (z2 - z0);
        double noise = Math.max(error[best] / values, 1e-12);
        if (!(a > 0)) {
            return width;
        }
        return Math.min(width, Math.sqrt(noise / a));
    }

    static double[] even(double from, double to, int count) {
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            out[k] = from + (to - from) * k / (count - 1);
        }
        return out;
    }

    static int argmin(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] < values[best]) {
                best = k;
            }
        }
        return best;
    }

    static double scale(double z, boolean log) {
        return log ? Math.log(z) : z;
    }

    static double unscale(double s, boolean log) {
        return log ? Math.exp(s) : s;
    }
}
