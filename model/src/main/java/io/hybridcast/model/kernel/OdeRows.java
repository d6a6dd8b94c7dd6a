package io.hybridcast.model.kernel;

import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;

/**
 * The decoder's ODE, ds/dt = f_P(s; z_p) + mask ⊙ net(s, z_n), for a batch of rows (one row per sigma point),
 * with everything fixed per model version folded once: the in-ODE net's weight split into its state part and its
 * z_n part (which with the bias becomes a per-row bias, once per call), the physics mask folded into the last layer,
 * whose masked-out rows are dropped. Two implementations: {@link VectorOdeRows} (rows in SIMD lanes, Vector API)
 * and {@link ScalarOdeRows} (plain loops, the fallback).
 */
abstract class OdeRows {

    final Physics physics;
    final OdeSolver.Method method;
    final float h;
    final float halfH;
    final float sixthH;
    final int substeps;
    final int d;
    final int channels;
    final boolean usePhysics;
    final int n;
    final int h1;
    final int h2;
    /** [h1][D]: the first layer's state part. */
    final float[] w1s;
    /** [h1][n]: the first layer's z_n part. */
    final float[] w1z;
    final float[] b1;
    /** [h2][h1] */
    final float[] w2;
    final float[] b2;
    /** The state components the net may act on (mask 1), or all without physics. */
    final int[] outRows;
    /** [outRows][h2]: the last layer's rows for {@link #outRows}. */
    final float[] w3;
    final float[] b3;

    /**
     * @param net the in-ODE net (three Linear layers with tanh between them), or null for a physics-only model
     * @param mask the physics mask ([D], 1 where the net may act), ignored without physics
     */
    OdeRows(Physics physics, OdeSolver.Method method, double dt, int substeps, int channels, boolean usePhysics,
            int n, Dense.Mlp net, float[] mask) {
        this.physics = physics;
        this.method = method;
        this.h = (float) (dt / substeps);
        this.halfH = (float) (dt / substeps / 2);
        this.sixthH = (float) (dt / substeps / 6);
        this.substeps = substeps;
        this.d = physics.stateDim();
        this.channels = channels;
        this.usePhysics = usePhysics;
        this.n = n;
        if (net == null) {
            h1 = 0;
            h2 = 0;
            w1s = w1z = b1 = w2 = b2 = w3 = b3 = new float[0];
            outRows = new int[0];
            return;
        }
        if (net.layers().length != 3 || net.in() != d + n || net.out() != d) {
            throw new KernelUnsupportedException("the in-ODE net must be three Linear layers from " + (d + n)
                    + " to " + d + " inputs/outputs; it has " + net.layers().length + " layers from " + net.in()
                    + " to " + net.out());
        }
        Dense first = net.layers()[0];
        h1 = first.out();
        h2 = net.layers()[1].out();
        w1s = new float[h1 * d];
        w1z = new float[h1 * n];
        for (int o = 0; o < h1; o++) {
            System.arraycopy(first.weight(), o * (d + n), w1s, o * d, d);
            System.arraycopy(first.weight(), o * (d + n) + d, w1z, o * n, n);
        }
        b1 = first.bias();
        w2 = net.layers()[1].weight();
        b2 = net.layers()[1].bias();
        Dense last = net.layers()[2];
        int kept = 0;
        int[] rows = new int[d];
        for (int j = 0; j < d; j++) {
            if (!usePhysics || mask[j] != 0f) {
                rows[kept++] = j;
            }
        }
        outRows = java.util.Arrays.copyOf(rows, kept);
        w3 = new float[kept * h2];
        b3 = new float[kept];
        for (int k = 0; k < kept; k++) {
            int j = outRows[k];
            float m = usePhysics ? mask[j] : 1f;
            for (int i = 0; i < h2; i++) {
                w3[k * h2 + i] = last.weight()[j * h2 + i] * m;
            }
            b3[k] = last.bias()[j] * m;
        }
    }

    /** Whether the rows carry the in-ODE net. */
    boolean neural() {
        return h1 > 0;
    }

    /** The first layer's per-row bias, W1z·z_n + b1, [rows][h1] flat. */
    float[] rowBias(float[] zn, int rows) {
        float[] out = new float[rows * h1];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < h1; o++) {
                double acc = b1[o];
                for (int j = 0; j < n; j++) {
                    acc += (double) w1z[o * n + j] * zn[r * n + j];
                }
                out[r * h1 + o] = (float) acc;
            }
        }
        return out;
    }

    /**
     * Integrates every row and returns its observed channels at every sample time, s0 included.
     *
     * @param s0 [rows][D] flat
     * @param zp [rows]
     * @param zn [rows][n] flat
     * @return [rows][length][channels] flat
     */
    abstract float[] solve(float[] s0, float[] zp, float[] zn, int rows, int length);
}
