package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.fusion.ForcedSwing;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The drive of {@link ModelSpec#drive()}: two states (c, s) that rotate, c' = −W s, s' = W c, and push the last
 * physical state component (θ' of the pendulum) by c on the neural half of the decoder's ODE.
 *
 * <p>Why: the in-ODE net reads the state and z_n, never time, so it cannot write the pendulum's drive A ω² cos(2πf t),
 * and half the forcing stayed unexplained while the physics head bent ω to absorb it (docs/model.md). The rate W is
 * not fitted by gradient from scratch (a window holds 9-18 drive periods, so the loss in W has many modes): a classical
 * front-end outside the graph, {@link ForcedSwing}'s frequency search of one window's sinusoid beside a cubic, gives
 * W₀ and the forced sinusoid's coefficients (a, b); the network, from (z_n, the front-end's values, ω's mean) only
 * moves W within ±{@value #RATE_BOUND} rad/s and sets a complex gain g = (1 + tanh u₁)·e^{iπ tanh u₂} on the linear
 * response's force (c₀ + i s₀) = g·(ω² − W²)·(a − i b). Its last layer starts at zero: training starts at the
 * front-end's reading. The initial velocity gains the forced sinusoid's W₀·b, which the velocity head would
 * otherwise have to learn from the window.
 *
 * <p>The rotation is integrated in closed form, c(t) = c₀ cos Wt − s₀ sin Wt, not by the solver: RK4 at dt 0.05 s
 * shrinks a rotation at W = 40 rad/s by 25 % a step (W·dt = 2), while a force evaluated at the stage times is
 * integrated by RK4 as by Simpson's rule (0.7 % off at W·dt = 2). The drive's (c₀, s₀, W) travel as three columns
 * after the physical state in the encoder's initial state, so that the bands and the profile fit carry them.
 */
final class RotatingDrive {

    /** Largest correction of the front-end's rate, rad/s: below half the window's resolution π / T (1.26 rad/s). */
    static final double RATE_BOUND = 0.5;
    /** Columns the drive adds to the initial state: c₀, s₀, W. */
    static final int COLUMNS = 3;
    /** Network outputs: the rate's correction, the gain's log-ish size and its phase. */
    static final int OUTPUTS = 3;
    /** Network inputs besides z_n: the front-end's W₀ / Nyquist, a, b and ω's mean scaled into [0, 1]. */
    static final int EXTRA_INPUTS = 4;
    private static final int CACHE = 8192;

    private final ModelSpec spec;
    private final Constants c;
    private final BlockRunner runner;
    private final Block net;
    private final Map<WindowKey, float[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<WindowKey, float[]> eldest) {
            return size() > CACHE;
        }
    };

    /**
     * The drive's network of {@code hidden} units for {@code spec}, null without a drive; refuses a system that is not
     * a one-degree-of-freedom oscillator.
     */
    static Block network(ModelSpec spec, Physics physics, int hidden) {
        if (!spec.drive()) {
            return null;
        }
        if (physics.stateDim() != 2 || physics.unobservedDim() != 1) {
            throw new IllegalArgumentException("model setting drive needs a one-degree-of-freedom oscillator (state "
                    + "(x, x')), " + spec.system() + " has " + physics.stateDim() + " state components");
        }
        return Networks.mlp(hidden, OUTPUTS);
    }

    RotatingDrive(ModelSpec spec, Constants c, BlockRunner runner, Block net) {
        this.spec = spec;
        this.c = c;
        this.runner = runner;
        this.net = net;
    }

    /** The encoder's part: {velocity shift [B, 1], drive columns (c₀, s₀, W) [B, 3]}. */
    NDArray[] encode(NDArray windows, NDArray latentMean, NDArray physicsMean, boolean training) {
        NDManager m = windows.getManager();
        int b = (int) windows.getShape().get(0);
        float[] front = frontEnd(windows);
        NDArray fe = m.create(front, new Shape(b, 3)); // W₀, a, b: constants of the graph
        NDArray rate = fe.get(":, 0:1");
        NDArray a = fe.get(":, 1:2");
        NDArray bb = fe.get(":, 2:3");
        NDArray mu = physicsMean.stopGradient();
        NDArray muScaled = mu.sub(c.of(spec.physicsMin())).div(c.of(spec.physicsWidth()));
        NDArray input = NDArrays.concat(new NDList(latentMean, rate.div(c.of(Math.PI / spec.dt())), a, bb, muScaled), 1);
        NDArray u = runner.forward(net, input, training);
        NDArray w = rate.add(u.get(":, 0:1").tanh().mul(c.of(RATE_BOUND)));
        NDArray gain = u.get(":, 1:2").tanh().add(c.of(1));
        NDArray phase = u.get(":, 2:3").tanh().mul(c.of(Math.PI));
        NDArray k = mu.square().sub(w.square()).mul(gain);
        NDArray cos = phase.cos();
        NDArray sin = phase.sin();
        NDArray c0 = k.mul(cos.mul(a).add(sin.mul(bb)));
        NDArray s0 = k.mul(sin.mul(a).sub(cos.mul(bb)));
        return new NDArray[] {rate.mul(bb), NDArrays.concat(new NDList(c0, s0, w), 1)};
    }

    /**
     * The drive's force at {@code time} s after the window's first sample, c(t) = c₀ cos Wt − s₀ sin Wt, [B, 1].
     *
     * @param columns the drive's columns of the initial state, [B, 3]
     */
    static NDArray force(NDArray columns, double time, Constants c) {
        NDArray angle = columns.get(":, 2:3").mul(c.of(time));
        return columns.get(":, 0:1").mul(angle.cos()).sub(columns.get(":, 1:2").mul(angle.sin()));
    }

    /** Per window (W₀ rad/s, a, b) of the front-end, [B·3], cached by the window's values. */
    float[] frontEnd(NDArray windows) {
        long[] shape = windows.getShape().getShape();
        int b = (int) shape[0];
        int t = (int) shape[1];
        int ch = (int) shape[2];
        float[] values = windows.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[3 * b];
        for (int i = 0; i < b; i++) {
            float[] row = Arrays.copyOfRange(values, i * t * ch, (i + 1) * t * ch);
            float[] f = cached(row, t, ch);
            System.arraycopy(f, 0, out, 3 * i, 3);
        }
        return out;
    }

    private synchronized float[] cached(float[] row, int t, int ch) {
        return cache.computeIfAbsent(new WindowKey(row), key -> estimate(row, t, ch, spec.dt()));
    }

    /** The front-end of one window (channel 0): {W₀ rad/s, a, b}. */
    static float[] estimate(float[] row, int t, int ch, double dt) {
        double[][] w = new double[t][ch];
        for (int s = 0; s < t; s++) {
            for (int k = 0; k < ch; k++) {
                w[s][k] = row[s * ch + k];
            }
        }
        double hz = ForcedSwing.forcing(new double[][][] {w}, new long[] {0}, 0, dt).hz();
        double[] ab = ForcedSwing.coefficients(w, 0, dt, hz);
        return new float[] {(float) (2 * Math.PI * hz), (float) ab[0], (float) ab[1]};
    }
}
