package io.hybridcast.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.hybridcast.model.api.ModelSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The profile fit of {@link PhysicsProfileFit} done jointly over a group of windows that share z_p (the consecutive
 * windows of one pendulum): one z_p per group, each window keeping its own encoder z_n and its own initial state.
 * The squared errors of the group's windows are summed at every candidate before the grid picks its best, and the
 * joint Adam steps move the shared z_p with every window's initial state; the Laplace std comes from the summed
 * error. A window of a slow pendulum holds under half a period, so one window barely constrains ω; the group sees
 * several. A task's windows in the experiment's data do not share ω (docs/model.md, "Where the ω error sits").
 */
public final class PooledProfileFit {

    /** Window rows decoded together (each with all of its candidates), as the per-window fit's chunk. */
    private static final int CHUNK_ROWS = 128;

    private PooledProfileFit() {
    }

    /**
     * Fits one z_p per group.
     *
     * @param windows  every window, [n][T][C]
     * @param contexts each window's context set for its encoder posterior, as {@link HybridVae#infer} (may be null)
     * @param groups   for each query, the indices into {@code windows} of the windows that share its z_p;
     *                 queries with the same members get the same fit
     * @return for each query, the group's z_p and its Laplace std
     */
    public static PhysicsProfileFit.Result fit(HybridVae model, double[][][] windows, double[][][][] contexts,
                                               int[][] groups) {
        ModelSpec spec = model.spec();
        if (!spec.usePhysics()) {
            throw new IllegalArgumentException("the neural-only model has no physics parameter to fit");
        }
        // every window's encoder posterior (z_n mean, initial state), with its own context set
        int n = windows.length;
        float[][] latents = new float[n][];
        float[][] states = new float[n][];
        for (int from = 0; from < n; from += CHUNK_ROWS) {
            int to = Math.min(n, from + CHUNK_ROWS);
            double[][][] w = Arrays.copyOfRange(windows, from, to);
            HybridVae.PooledContext pooled = model.pool(w, contexts == null ? null
                    : Arrays.copyOfRange(contexts, from, to));
            try (NDManager step = model.manager().newSubManager()) {
                HybridVae.Posterior q = model.posterior(step, w, pooled.sums(), pooled.counts());
                split(q.latentMean(), latents, from);
                split(q.initialState(), states, from);
            }
        }
        Map<String, int[]> unique = new LinkedHashMap<>();
        Map<String, List<Integer>> queries = new LinkedHashMap<>();
        for (int i = 0; i < groups.length; i++) {
            int[] members = groups[i].clone();
            Arrays.sort(members);
            String key = Arrays.toString(members);
            unique.putIfAbsent(key, members);
            queries.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        double[] mean = new double[groups.length];
        double[] std = new double[groups.length];
        List<int[]> batch = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int rows = 0;
        List<String> all = new ArrayList<>(unique.keySet());
        for (int g = 0; g <= all.size(); g++) {
            int size = g < all.size() ? unique.get(all.get(g)).length : 0;
            if (g == all.size() || (rows + size > CHUNK_ROWS && !batch.isEmpty())) {
                double[][] fitted = fitBatch(model, windows, latents, states, batch);
                for (int k = 0; k < batch.size(); k++) {
                    for (int query : queries.get(keys.get(k))) {
                        mean[query] = fitted[0][k];
                        std[query] = fitted[1][k];
                    }
                }
                batch.clear();
                keys.clear();
                rows = 0;
            }
            if (g < all.size()) {
                batch.add(unique.get(all.get(g)));
                keys.add(all.get(g));
                rows += size;
            }
        }
        return new PhysicsProfileFit.Result(mean, std);
    }

    private static void split(NDArray a, float[][] into, int offset) {
        int b = (int) a.getShape().get(0);
        float[] flat = a.toType(DataType.FLOAT32, false).toFloatArray();
        int width = flat.length / b;
        for (int i = 0; i < b; i++) {
            into[offset + i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
    }

    /** {mean[], std[]} of z_p for each group of {@code groups}, fitted together. */
    private static double[][] fitBatch(HybridVae model, double[][][] windows, float[][] latents, float[][] states,
                                       List<int[]> groups) {
        if (groups.isEmpty()) {
            return new double[2][0];
        }
        ModelSpec spec = model.spec();
        int t = spec.windowLength();
        int ch = spec.channels();
        int rows = groups.stream().mapToInt(g -> g.length).sum();
        int[] owner = new int[rows];
        double[][][] x = new double[rows][][];
        float[] zn = new float[rows * latents[0].length];
        float[] initial = new float[rows * states[0].length];
        int r = 0;
        for (int g = 0; g < groups.size(); g++) {
            for (int member : groups.get(g)) {
                owner[r] = g;
                x[r] = windows[member];
                System.arraycopy(latents[member], 0, zn, r * latents[0].length, latents[0].length);
                System.arraycopy(states[member], 0, initial, r * states[0].length, states[0].length);
                r++;
            }
        }
        boolean logScale = spec.physicsMin() > 0;
        double lo = PhysicsProfileFit.scale(spec.physicsMin(), logScale);
        double hi = PhysicsProfileFit.scale(spec.physicsMax(), logScale);
        Shape stateShape = new Shape(rows, states[0].length);
        try (NDManager step = model.manager().newSubManager()) {
            Rows data = new Rows(step.create(VaeArrays.toFloat(x), new Shape(rows, t, ch)),
                    step.create(zn, new Shape(rows, latents[0].length)), owner, groups.size());
            double[] fitted = null;
            for (int round = 0; round < PhysicsProfileFit.ROUNDS; round++) {
                double[] start = gridSearch(model, step, data, step.create(initial, stateShape), lo, hi, logScale);
                fitted = refineJointly(model, step, data, start, initial, stateShape, logScale);
            }
            double spacing = logScale ? 0.01 : 0.01 * (hi - lo);
            double[][] around = new double[groups.size()][];
            for (int g = 0; g < groups.size(); g++) {
                around[g] = new double[] {fitted[g] - spacing, fitted[g], fitted[g] + spacing};
            }
            double[][] error = summedErrors(model, step, data, step.create(initial, stateShape), around, logScale);
            double[][] out = new double[2][groups.size()];
            for (int g = 0; g < groups.size(); g++) {
                double z = PhysicsProfileFit.unscale(fitted[g], logScale);
                out[0][g] = Math.min(spec.physicsMax(), Math.max(spec.physicsMin(), z));
                out[1][g] = PhysicsProfileFit.laplaceStd(around[g], error[g], 1, logScale,
                        (double) t * ch * groups.get(g).length, spec);
            }
            return out;
        }
    }

    /** The windows of a batch of groups: observations [R, T, C], z_n [R, n], and the group of each row. */
    private record Rows(NDArray x, NDArray zn, int[] owner, int groups) {
    }

    private static double[] gridSearch(HybridVae model, NDManager step, Rows data, NDArray state, double lo,
                                       double hi, boolean logScale) {
        double[][] grid = new double[data.groups()][];
        for (int g = 0; g < data.groups(); g++) {
            grid[g] = PhysicsProfileFit.even(lo, hi, PhysicsProfileFit.COARSE);
        }
        double[][] error = null;
        for (int level = 0; level <= PhysicsProfileFit.REFINEMENTS; level++) {
            error = summedErrors(model, step, data, state, grid, logScale);
            if (level < PhysicsProfileFit.REFINEMENTS) {
                for (int g = 0; g < data.groups(); g++) {
                    int best = PhysicsProfileFit.argmin(error[g]);
                    double left = grid[g][Math.max(0, best - 1)];
                    double right = grid[g][Math.min(grid[g].length - 1, best + 1)];
                    grid[g] = PhysicsProfileFit.even(left, right, PhysicsProfileFit.FINE);
                }
            }
        }
        double[] best = new double[data.groups()];
        for (int g = 0; g < data.groups(); g++) {
            best[g] = grid[g][PhysicsProfileFit.argmin(error[g])];
        }
        return best;
    }

    /** Squared reconstruction error of each group at each of its candidates, summed over its windows. */
    static double[][] summedErrors(HybridVae model, NDManager step, Rows data, NDArray state, double[][] grid,
                                   boolean logScale) {
        int rows = data.owner().length;
        int c = grid[0].length;
        float[] candidates = new float[rows * c];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < c; k++) {
                candidates[r * c + k] = (float) PhysicsProfileFit.unscale(grid[data.owner()[r]][k], logScale);
            }
        }
        NDArray zp = step.create(candidates, new Shape((long) rows * c, 1));
        HybridVae.Decoded decoded = model.decode(zp, VaeArrays.repeat(data.zn(), c), VaeArrays.repeat(state, c),
                model.spec().windowLength(), false);
        float[] sse = decoded.xPAB().sub(VaeArrays.repeat(data.x(), c)).square().sum(new int[] {1, 2})
                .toType(DataType.FLOAT32, false).toFloatArray();
        double[][] out = new double[data.groups()][c];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < c; k++) {
                float v = sse[r * c + k];
                out[data.owner()[r]][k] += Float.isFinite(v) ? v : Double.POSITIVE_INFINITY;
            }
        }
        return out;
    }

    /**
     * Adam steps on each group's z_p (in the grid's scale) and every window's initial state together; the rows
     * take their group's z_p through a one-hot product, so its gradient sums over the group.
     */
    private static double[] refineJointly(HybridVae model, NDManager step, Rows data, double[] start,
                                          float[] initial, Shape stateShape, boolean logScale) {
        int groups = data.groups();
        int rows = data.owner().length;
        float[] onehot = new float[rows * groups];
        for (int r = 0; r < rows; r++) {
            onehot[r * groups + data.owner()[r]] = 1f;
        }
        NDArray select = step.create(onehot, new Shape(rows, groups));
        float[] u = new float[groups];
        for (int g = 0; g < groups; g++) {
            u[g] = (float) start[g];
        }
        float[][] moments = {new float[groups], new float[groups], new float[initial.length],
                new float[initial.length]};
        NDArray zn = data.zn().stopGradient();
        for (int k = 1; k <= PhysicsProfileFit.JOINT_STEPS; k++) {
            try (NDManager inner = step.newSubManager()) {
                NDArray uArray = inner.create(u, new Shape(groups, 1));
                NDArray s0 = inner.create(initial, stateShape);
                uArray.setRequiresGradient(true);
                s0.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray perRow = select.matMul(uArray);
                    NDArray zp = logScale ? perRow.exp() : perRow;
                    NDArray decoded = model.decode(zp, zn, s0, model.spec().windowLength(), false).xPAB();
                    collector.backward(decoded.sub(data.x()).square().sum());
                }
                PhysicsProfileFit.adam(u, uArray.getGradient().toFloatArray(), moments[0], moments[1], k);
                PhysicsProfileFit.adam(initial, s0.getGradient().toFloatArray(), moments[2], moments[3], k);
            }
        }
        PhysicsProfileFit.clearParameterGradients(model, step);
        double[] out = new double[groups];
        for (int g = 0; g < groups; g++) {
            out[g] = u[g];
        }
        return out;
    }
}
