package io.hybridcast.model.kernel;

import io.hybridcast.model.physics.DiffusionPhysics;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link OdeRows} on the JDK Vector API: rows sit in SIMD lanes (16 per vector with AVX-512, 8 with AVX2), every
 * state component and hidden unit is one vector, and each weight is broadcast once per use, so the whole RK4 step of
 * a block of rows runs as fused multiply-adds and vector tanh/sin over registers and L1-resident arrays. Only loaded
 * when the {@code jdk.incubator.vector} module is present ({@link ServingKernel} checks before touching this class).
 */
final class VectorOdeRows extends OdeRows {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    VectorOdeRows(Physics physics, OdeSolver.Method method, double dt, int substeps, int channels, boolean usePhysics,
                  int n, Dense.Mlp net, float[] mask) {
        super(physics, method, dt, substeps, channels, usePhysics, n, net, mask);
    }

    /** Lanes per vector on this machine. */
    static int lanes() {
        return L;
    }

    @Override
    float[] solve(float[] s0, float[] zp, float[] zn, int rows, int length) {
        float[] bias = neural() ? rowBias(zn, rows) : null;
        float[] out = new float[rows * length * channels];
        Block block = new Block();
        for (int first = 0; first < rows; first += L) {
            block.load(s0, zp, bias, first, rows);
            block.store(out, first, rows, length, 0);
            for (int k = 1; k < length; k++) {
                for (int j = 0; j < substeps; j++) {
                    block.step();
                }
                block.store(out, first, rows, length, k);
            }
        }
        return out;
    }

    /** The scratch of one block of L rows, structure of arrays: component i of lane l at {@code i * L + l}. */
    private final class Block {
        final float[] s = new float[d * L];
        final float[] k1 = new float[d * L];
        final float[] k2 = new float[d * L];
        final float[] k3 = new float[d * L];
        final float[] k4 = new float[d * L];
        final float[] tmp = new float[d * L];
        final float[] zpLanes = new float[L];
        final float[] bias = new float[h1 * L];
        final float[] u1 = new float[h1 * L];
        final float[] u2 = new float[h2 * L];
        final float[] laneIn = new float[d];
        final float[] laneOut = new float[d];

        /** Rows first .. first + L - 1; lanes past the last row repeat it (finite values, results dropped). */
        void load(float[] s0, float[] zp, float[] rowBias, int first, int rows) {
            for (int l = 0; l < L; l++) {
                int r = Math.min(first + l, rows - 1);
                for (int i = 0; i < d; i++) {
                    s[i * L + l] = s0[r * d + i];
                }
                zpLanes[l] = zp[r];
                for (int o = 0; o < h1; o++) {
                    bias[o * L + l] = rowBias[r * h1 + o];
                }
            }
        }

        void store(float[] out, int first, int rows, int length, int k) {
            for (int l = 0; l < L && first + l < rows; l++) {
                int base = ((first + l) * length + k) * channels;
                for (int c = 0; c < channels; c++) {
                    out[base + c] = s[c * L + l];
                }
            }
        }

        void step() {
            if (method == OdeSolver.Method.EULER) {
                field(s, k1);
                for (int i = 0; i < d * L; i += L) {
                    FloatVector.fromArray(SPECIES, k1, i).mul(h).add(FloatVector.fromArray(SPECIES, s, i))
                            .intoArray(s, i);
                }
                return;
            }
            field(s, k1);
            axpy(k1, halfH);
            field(tmp, k2);
            axpy(k2, halfH);
            field(tmp, k3);
            axpy(k3, h);
            field(tmp, k4);
            for (int i = 0; i < d * L; i += L) {
                FloatVector a = FloatVector.fromArray(SPECIES, k1, i);
                FloatVector b = FloatVector.fromArray(SPECIES, k2, i).add(FloatVector.fromArray(SPECIES, k3, i));
                FloatVector sum = a.add(b.mul(2f)).add(FloatVector.fromArray(SPECIES, k4, i));
                FloatVector.fromArray(SPECIES, s, i).add(sum.mul(sixthH)).intoArray(s, i);
            }
        }

        /** tmp = s + k·factor */
        private void axpy(float[] k, float factor) {
            for (int i = 0; i < d * L; i += L) {
                FloatVector.fromArray(SPECIES, s, i).add(FloatVector.fromArray(SPECIES, k, i).mul(factor))
                        .intoArray(tmp, i);
            }
        }

        private void field(float[] x, float[] dx) {
            if (usePhysics) {
                physics(x, dx);
            } else {
                java.util.Arrays.fill(dx, 0f);
            }
            if (!neural()) {
                return;
            }
            for (int o = 0; o < h1; o++) {
                FloatVector acc = FloatVector.fromArray(SPECIES, bias, o * L);
                for (int k = 0; k < d; k++) {
                    FloatVector weight = FloatVector.broadcast(SPECIES, w1s[o * d + k]);
                    acc = FloatVector.fromArray(SPECIES, x, k * L).fma(weight, acc);
                }
                acc.lanewise(VectorOperators.TANH).intoArray(u1, o * L);
            }
            // four hidden units at a time: four independent FMA chains instead of one whose latency bounds the loop
            int o = 0;
            for (; o + 4 <= h2; o += 4) {
                FloatVector a0 = FloatVector.broadcast(SPECIES, b2[o]);
                FloatVector a1 = FloatVector.broadcast(SPECIES, b2[o + 1]);
                FloatVector a2 = FloatVector.broadcast(SPECIES, b2[o + 2]);
                FloatVector a3 = FloatVector.broadcast(SPECIES, b2[o + 3]);
                int r0 = o * h1;
                for (int k = 0; k < h1; k++) {
                    FloatVector u = FloatVector.fromArray(SPECIES, u1, k * L);
                    a0 = u.fma(FloatVector.broadcast(SPECIES, w2[r0 + k]), a0);
                    a1 = u.fma(FloatVector.broadcast(SPECIES, w2[r0 + h1 + k]), a1);
                    a2 = u.fma(FloatVector.broadcast(SPECIES, w2[r0 + 2 * h1 + k]), a2);
                    a3 = u.fma(FloatVector.broadcast(SPECIES, w2[r0 + 3 * h1 + k]), a3);
                }
                a0.lanewise(VectorOperators.TANH).intoArray(u2, o * L);
                a1.lanewise(VectorOperators.TANH).intoArray(u2, (o + 1) * L);
                a2.lanewise(VectorOperators.TANH).intoArray(u2, (o + 2) * L);
                a3.lanewise(VectorOperators.TANH).intoArray(u2, (o + 3) * L);
            }
            for (; o < h2; o++) {
                FloatVector acc = FloatVector.broadcast(SPECIES, b2[o]);
                int row = o * h1;
                for (int k = 0; k < h1; k++) {
                    FloatVector weight = FloatVector.broadcast(SPECIES, w2[row + k]);
                    acc = FloatVector.fromArray(SPECIES, u1, k * L).fma(weight, acc);
                }
                acc.lanewise(VectorOperators.TANH).intoArray(u2, o * L);
            }
            for (int q = 0; q < outRows.length; q++) {
                FloatVector acc = FloatVector.broadcast(SPECIES, b3[q]);
                int row = q * h2;
                for (int k = 0; k < h2; k++) {
                    FloatVector weight = FloatVector.broadcast(SPECIES, w3[row + k]);
                    acc = FloatVector.fromArray(SPECIES, u2, k * L).fma(weight, acc);
                }
                int j = outRows[q] * L;
                FloatVector.fromArray(SPECIES, dx, j).add(acc).intoArray(dx, j);
            }
        }

        /** The known physics in lanes, the same float operations as the system's NDArray form. */
        private void physics(float[] x, float[] dx) {
            FloatVector zp = FloatVector.fromArray(SPECIES, zpLanes, 0);
            switch (physics.system()) {
                case "PENDULUM" -> {
                    FloatVector.fromArray(SPECIES, x, L).intoArray(dx, 0);
                    FloatVector.fromArray(SPECIES, x, 0).lanewise(VectorOperators.SIN).mul(zp.mul(zp)).neg()
                            .intoArray(dx, L);
                }
                case "ADVECTION_DIFFUSION" -> {
                    float inv = (float) (1.0 / (DiffusionPhysics.DX * DiffusionPhysics.DX));
                    FloatVector zero = FloatVector.zero(SPECIES);
                    for (int i = 0; i < d; i++) {
                        FloatVector left = i > 0 ? FloatVector.fromArray(SPECIES, x, (i - 1) * L) : zero;
                        FloatVector right = i < d - 1 ? FloatVector.fromArray(SPECIES, x, (i + 1) * L) : zero;
                        left.mul(inv).add(FloatVector.fromArray(SPECIES, x, i * L).mul(-2f * inv))
                                .add(right.mul(inv)).mul(zp).intoArray(dx, i * L);
                    }
                }
                case "DOUBLE_PENDULUM" -> {
                    FloatVector t1 = FloatVector.fromArray(SPECIES, x, 0);
                    FloatVector t2 = FloatVector.fromArray(SPECIES, x, L);
                    FloatVector w1 = FloatVector.fromArray(SPECIES, x, 2 * L);
                    FloatVector w2 = FloatVector.fromArray(SPECIES, x, 3 * L);
                    FloatVector delta = t1.sub(t2);
                    FloatVector sinD = delta.lanewise(VectorOperators.SIN);
                    FloatVector cosD = delta.lanewise(VectorOperators.COS);
                    FloatVector den = delta.mul(2f).lanewise(VectorOperators.COS).neg().add(3f);
                    FloatVector w1sq = w1.mul(w1);
                    FloatVector w2sq = w2.mul(w2);
                    FloatVector a1 = t1.lanewise(VectorOperators.SIN).mul(3f)
                            .add(t1.sub(t2.mul(2f)).lanewise(VectorOperators.SIN)).mul(zp).neg()
                            .sub(sinD.mul(2f).mul(w2sq.add(w1sq.mul(cosD)))).div(den);
                    FloatVector a2 = sinD.mul(2f).mul(w1sq.mul(2f).add(t1.lanewise(VectorOperators.COS).mul(zp)
                            .mul(2f)).add(w2sq.mul(cosD))).div(den);
                    w1.intoArray(dx, 0);
                    w2.intoArray(dx, L);
                    a1.intoArray(dx, 2 * L);
                    a2.intoArray(dx, 3 * L);
                }
                default -> {
                    // a system without a lane form: one lane at a time through its plain-float derivative
                    for (int l = 0; l < L; l++) {
                        for (int i = 0; i < d; i++) {
                            laneIn[i] = x[i * L + l];
                        }
                        physics.derivative(laneIn, 0, zpLanes[l], laneOut, 0);
                        for (int i = 0; i < d; i++) {
                            dx[i * L + l] = laneOut[i];
                        }
                    }
                }
            }
        }
    }
}
