package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;

import java.util.ArrayList;
import java.util.List;

/**
 * The serving path of {@link HybridVae}: forecast, band and latents of a batch of windows with the
 * predictive band from deterministic sigma points (the unscented transform) instead of Monte-Carlo samples.
 *
 * <p>The posterior of the latents z = (z_p, z_n) is a diagonal Gaussian of dimension d = 1 + n. Instead of
 * 16 random draws, the decoder runs on 2d + 1 sigma points: the posterior mean and μ ± √(d+κ)·σ_i along each
 * latent axis, with κ = max(0, 3 − d) (for the pendulum's d = 3: ±√3·σ_i, weights 1/6, centre weight 0,
 * which matches the Gaussian's fourth moment along each axis). The band's variance is the weighted spread of
 * the decoded trajectories plus the observation noise, as in the Monte-Carlo band; the forecast is the
 * decode of the posterior mean, as before. {@code SigmaPointBandTest} pins the band to a Monte-Carlo band of
 * many samples.
 *
 * <p>Why a separate path, and what makes it cheaper than {@link HybridVae}'s training decode (measured in
 * docs/streams-app.md "Benchmark"): every eager DJL op costs microseconds of fixed overhead, so the work is
 * restructured to need fewer and cheaper ops, with identical mathematics:
 * <ul>
 *   <li>7 trajectories per window instead of 17, and the physics-only trajectory x_P only for the posterior
 *       mean (one extra row per window with the neural term masked out), instead of an augmented state of
 *       twice the width for every sample;</li>
 *   <li>the in-ODE net's tanh layers are evaluated as logistic sigmoids with the factors folded into the
 *       weights, tanh(a) = 2σ(2a) − 1 (PyTorch's CPU tanh is several times slower than its sigmoid); the
 *       constant z_n part of the first layer and the first bias are folded into a per-row bias computed once,
 *       and the physics mask into the last layer;</li>
 *   <li>intermediate arrays are freed after each solver step (NDScope) instead of accumulating thousands of
 *       them until the call ends, so the allocator reuses warm memory;</li>
 *   <li>latents, sigma points and the band statistics are computed in plain Java on the few numbers involved.</li>
 * </ul>
 * The in-ODE net must be the three-layer tanh MLP {@link Networks#smoothMlp} builds; anything else is refused.
 */
final class SigmaPointInference implements BandInference {

    private final HybridVae vae;
    private final ModelSpec spec;
    private final Physics physics;
    private final Constants c;
    private final OdeSolver.Method method;
    private final int substeps;

    SigmaPointInference(HybridVae vae) {
        this.vae = vae;
        this.spec = vae.spec();
        this.physics = vae.physics();
        this.c = vae.constants();
        this.method = OdeSolver.Method.parse(spec.solver());
        this.substeps = spec.substeps();
        if (spec.useNeural()) {
            linears(vae.odeNet); // fail at construction, not at the first forecast
        }
    }

    @Override
    public Inference infer(NDManager step, HybridVae.Posterior q, int b, int horizon) {
        int t = spec.windowLength();
        int ch = spec.channels();
        int length = t + horizon;
        int n = spec.neuralLatents();
        int d = 1 + n;
        SigmaPointWeights weights = SigmaPointWeights.of(d);
        int p = weights.points();
        double spread = weights.spread();
        int sigmaRows = b * p;
        int rows = sigmaRows + b; // + one physics-only row per window
        int stateDim = physics.stateDim();

        float[] zpMean = q.physicsMean().toType(DataType.FLOAT32, false).toFloatArray();
        float[] zpLogVar = q.physicsLogVar().toType(DataType.FLOAT32, false).toFloatArray();
        float[] znMean = n == 0 ? new float[0] : q.latentMean().toType(DataType.FLOAT32, false).toFloatArray();
        float[] znLogVar = n == 0 ? new float[0] : q.latentLogVar().toType(DataType.FLOAT32, false).toFloatArray();
        float[] initial = q.initialState().toType(DataType.FLOAT32, false).toFloatArray();

        // rows: window i's sigma points at i*p .. i*p+p-1 (centre first), then the physics-only rows
        float[] zp = new float[rows];
        float[] zn = new float[rows * n];
        float[] s0 = new float[rows * stateDim];
        float[] rowMask = new float[rows];
        float lo = (float) spec.physicsMin();
        float hi = (float) spec.physicsMax();
        for (int i = 0; i < b; i++) {
            float zpStd = (float) Math.exp(0.5 * zpLogVar[i]);
            for (int k = 0; k < p; k++) {
                int r = i * p + k;
                float zpValue = zpMean[i];
                for (int j = 0; j < n; j++) {
                    zn[r * n + j] = znMean[i * n + j];
                }
                if (k > 0) {
                    int axis = SigmaPointWeights.axis(k);
                    float sign = SigmaPointWeights.sign(k);
                    if (axis == 0) {
                        zpValue += (float) (sign * spread * zpStd);
                    } else {
                        int j = axis - 1;
                        zn[r * n + j] += (float) (sign * spread * Math.exp(0.5 * znLogVar[i * n + j]));
                    }
                }
                zp[r] = Math.min(hi, Math.max(lo, zpValue));
                System.arraycopy(initial, i * stateDim, s0, r * stateDim, stateDim);
                rowMask[r] = 1f;
            }
            int r = sigmaRows + i;
            zp[r] = zp[i * p];
            System.arraycopy(zn, i * p * n, zn, r * n, n);
            System.arraycopy(initial, i * stateDim, s0, r * stateDim, stateDim);
        }

        NDArray zpRows = step.create(zp, new Shape(rows, 1));
        NDArray state = step.create(s0, new Shape(rows, stateDim));
        VectorField field = vectorField(step, zpRows, zn, rowMask, rows);
        float[] trajectory = solve(field, state, length, rows, stateDim);

        // output residual f_A2(z_p, z_n) of the sigma rows
        float[] residual = null;
        int residualLength = t + spec.maxHorizon();
        if (spec.useNeural()) {
            float[] residualInput = new float[sigmaRows * (1 + n)];
            for (int r = 0; r < sigmaRows; r++) {
                residualInput[r * (1 + n)] = (float) ((zp[r] - spec.physicsMin()) / spec.physicsWidth());
                System.arraycopy(zn, r * n, residualInput, r * (1 + n) + 1, n);
            }
            residual = OutputResidual.apply(spec,
                    vae.forward(vae.residualNet, step.create(residualInput, new Shape(sigmaRows, 1 + n)), false)
                            .toType(DataType.FLOAT32, false).toFloatArray(), sigmaRows, residualLength);
        }

        double[][] physicsMean = new double[b][1];
        double[][] physicsStd = new double[b][1];
        double[][] neuralMean = new double[b][n];
        double[][][] reconstruction = new double[b][t][ch];
        double[][][] physicsOnly = new double[b][t][ch];
        double[][][] forecastMean = new double[b][horizon][ch];
        double[][][] forecastStd = new double[b][horizon][ch];
        double obsVariance = Math.exp(spec.logObsVariance());
        double[] values = new double[p];
        for (int i = 0; i < b; i++) {
            physicsMean[i][0] = zpMean[i];
            physicsStd[i][0] = Math.exp(0.5 * zpLogVar[i]);
            for (int j = 0; j < n; j++) {
                neuralMean[i][j] = znMean[i * n + j];
            }
            for (int k = 0; k < length; k++) {
                for (int m = 0; m < ch; m++) {
                    double mean = 0;
                    for (int s = 0; s < p; s++) {
                        int r = i * p + s;
                        double x = trajectory[(r * length + k) * stateDim + m];
                        if (residual != null) {
                            x += residual[(r * residualLength + k) * ch + m];
                        }
                        values[s] = x;
                        mean += weights.weight(s) * x;
                    }
                    if (k < t) {
                        reconstruction[i][k][m] = values[0];
                        physicsOnly[i][k][m] = trajectory[((sigmaRows + i) * length + k) * stateDim + m];
                    } else {
                        double variance = 0;
                        for (int s = 0; s < p; s++) {
                            double dev = values[s] - mean;
                            variance += weights.weight(s) * dev * dev;
                        }
                        forecastMean[i][k - t][m] = values[0];
                        forecastStd[i][k - t][m] = Math.sqrt(variance + obsVariance);
                    }
                }
            }
        }
        return new Inference(physicsMean, physicsStd, neuralMean, reconstruction, physicsOnly, forecastMean,
                forecastStd);
    }

    /** ds/dt of every row. */
    @FunctionalInterface
    private interface VectorField {
        NDArray apply(NDArray state);
    }

    /**
     * The decoder's vector field, rewritten for fewer ops: physics + mask ⊙ net(s, z_n) on the sigma rows,
     * physics alone on the physics-only rows (row mask 0).
     */
    private VectorField vectorField(NDManager step, NDArray zpRows, float[] zn, float[] rowMask, int rows) {
        if (!spec.useNeural()) {
            return s -> physics.derivative(s, zpRows, c);
        }
        int n = spec.neuralLatents();
        int stateDim = physics.stateDim();
        List<Linear> layers = linears(vae.odeNet);
        float[] w1 = weights(layers.get(0));
        float[] b1 = bias(layers.get(0));
        float[] w2 = weights(layers.get(1));
        float[] b2 = bias(layers.get(1));
        float[] w3 = weights(layers.get(2));
        float[] b3 = bias(layers.get(2));
        int h1 = b1.length;
        int h2 = b2.length;
        int in1 = stateDim + n;
        // layer 1: tanh(W1s·s + W1z·zn + b1) = 2·σ(2·W1s·s + 2·(W1z·zn + b1)) − 1
        float[] w1s = new float[h1 * stateDim];
        float[] rowBias1 = new float[rows * h1];
        for (int o = 0; o < h1; o++) {
            for (int k = 0; k < stateDim; k++) {
                w1s[o * stateDim + k] = 2 * w1[o * in1 + k];
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < h1; o++) {
                double a = b1[o];
                for (int j = 0; j < n; j++) {
                    a += w1[o * in1 + stateDim + j] * zn[r * n + j];
                }
                rowBias1[r * h1 + o] = (float) (2 * a);
            }
        }
        // layer 2 reads u1 = (h + 1)/2: W2·(2·u1 − 1) + b2, and is a tanh again: doubled once more
        float[] w2f = new float[h2 * h1];
        float[] b2f = new float[h2];
        for (int o = 0; o < h2; o++) {
            double rowSum = 0;
            for (int k = 0; k < h1; k++) {
                w2f[o * h1 + k] = 4 * w2[o * h1 + k];
                rowSum += w2[o * h1 + k];
            }
            b2f[o] = (float) (2 * (b2[o] - rowSum));
        }
        // layer 3 (linear): W3·(2·u2 − 1) + b3, masked to the components the net may act on
        float[] mask = spec.usePhysics() ? vae.neuralMaskValues() : null;
        float[] w3f = new float[stateDim * h2];
        float[] b3f = new float[stateDim];
        for (int o = 0; o < stateDim; o++) {
            double rowSum = 0;
            float m = mask == null ? 1f : mask[o];
            for (int k = 0; k < h2; k++) {
                w3f[o * h2 + k] = 2 * w3[o * h2 + k] * m;
                rowSum += w3[o * h2 + k];
            }
            b3f[o] = (float) ((b3[o] - rowSum) * m);
        }
        NDArray weight1 = step.create(w1s, new Shape(h1, stateDim));
        NDArray bias1 = step.create(rowBias1, new Shape(rows, h1));
        NDArray weight2 = step.create(w2f, new Shape(h2, h1));
        NDArray bias2 = step.create(b2f, new Shape(h2));
        NDArray weight3 = step.create(w3f, new Shape(stateDim, h2));
        NDArray bias3 = step.create(b3f, new Shape(stateDim));
        NDArray rowMaskArray = step.create(rowMask, new Shape(rows, 1));
        boolean usePhysics = spec.usePhysics();
        return s -> {
            NDArray u1 = Activation.sigmoid(Linear.linear(s, weight1, bias1).singletonOrThrow());
            NDArray u2 = Activation.sigmoid(Linear.linear(u1, weight2, bias2).singletonOrThrow());
            NDArray net = Linear.linear(u2, weight3, bias3).singletonOrThrow().mul(rowMaskArray);
            return usePhysics ? physics.derivative(s, zpRows, c).add(net) : net;
        };
    }

    /** Integrates every row; returns the states at every sample time as [rows][length][stateDim], flat. */
    private float[] solve(VectorField field, NDArray s0, int length, int rows, int stateDim) {
        double h = spec.dt() / substeps;
        NDArray hArray = c.of(h);
        NDArray halfH = c.of(h / 2);
        NDArray sixthH = c.of(h / 6);
        NDArray two = c.of(2);
        // one evaluation outside any scope first: constants a physics creates lazily (Constants.of) must not be
        // created inside a scope, which would free them while the constants cache still holds them
        field.apply(s0);
        List<NDArray> states = new ArrayList<>(length);
        NDArray s = s0;
        states.add(s);
        for (int k = 1; k < length; k++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (int j = 0; j < substeps; j++) {
                    if (method == OdeSolver.Method.EULER) {
                        s = s.add(field.apply(s).mul(hArray));
                    } else {
                        NDArray k1 = field.apply(s);
                        NDArray k2 = field.apply(s.add(k1.mul(halfH)));
                        NDArray k3 = field.apply(s.add(k2.mul(halfH)));
                        NDArray k4 = field.apply(s.add(k3.mul(hArray)));
                        s = s.add(k1.add(k2.add(k3).mul(two)).add(k4).mul(sixthH));
                    }
                }
                NDScope.unregister(s);
            }
            states.add(s);
        }
        NDArray stacked = NDArrays.stack(new NDList(states), 1);
        float[] out = stacked.toFloatArray();
        stacked.close();
        for (int k = 1; k < states.size(); k++) {
            states.get(k).close();
        }
        if (out.length != rows * length * stateDim) {
            throw new IllegalStateException("trajectory has " + out.length + " values, expected "
                    + rows * length * stateDim);
        }
        return out;
    }

    /** The three Linear layers of the in-ODE net, or a clear refusal if the net has another shape. */
    private static List<Linear> linears(Block net) {
        List<Linear> layers = new ArrayList<>();
        int others = 0;
        for (var child : net.getChildren()) {
            if (child.getValue() instanceof Linear linear) {
                layers.add(linear);
            } else {
                others++;
            }
        }
        if (layers.size() != 3 || others != 2 || net.getChildren().size() != 5
                || !(net.getChildren().get(0).getValue() instanceof Linear)
                || !(net.getChildren().get(4).getValue() instanceof Linear)) {
            throw new IllegalStateException("sigma-point inference expects the in-ODE net to be Linear, tanh, "
                    + "Linear, tanh, Linear (Networks.smoothMlp with three widths); it has " + layers.size()
                    + " Linear layers among " + net.getChildren().size() + " blocks");
        }
        return layers;
    }

    private static float[] weights(Linear layer) {
        return layer.getParameters().get("weight").getArray().toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static float[] bias(Linear layer) {
        return layer.getParameters().get("bias").getArray().toType(DataType.FLOAT32, false).toFloatArray();
    }
}
