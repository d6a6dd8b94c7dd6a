package io.hybridcast.model.kernel;

import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.solver.OdeSolver;

/** {@link OdeRows} in plain Java loops, one row at a time: the fallback where the Vector API is absent. */
final class ScalarOdeRows extends OdeRows {

    ScalarOdeRows(Physics physics, OdeSolver.Method method, double dt, int substeps, int channels, boolean usePhysics,
                  int n, Dense.Mlp net, float[] mask) {
        super(physics, method, dt, substeps, channels, usePhysics, n, net, mask);
    }

    @Override
    float[] solve(float[] s0, float[] zp, float[] zn, int rows, int length) {
        float[] bias = neural() ? rowBias(zn, rows) : null;
        float[] out = new float[rows * length * channels];
        float[] s = new float[d];
        float[] k1 = new float[d];
        float[] k2 = new float[d];
        float[] k3 = new float[d];
        float[] k4 = new float[d];
        float[] tmp = new float[d];
        float[] u1 = new float[h1];
        float[] u2 = new float[h2];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s0, r * d, s, 0, d);
            System.arraycopy(s, 0, out, r * length * channels, channels);
            for (int k = 1; k < length; k++) {
                for (int j = 0; j < substeps; j++) {
                    field(s, zp[r], bias, r, k1, u1, u2);
                    if (method == OdeSolver.Method.EULER) {
                        for (int i = 0; i < d; i++) {
                            s[i] += k1[i] * h;
                        }
                        continue;
                    }
                    for (int i = 0; i < d; i++) {
                        tmp[i] = s[i] + k1[i] * halfH;
                    }
                    field(tmp, zp[r], bias, r, k2, u1, u2);
                    for (int i = 0; i < d; i++) {
                        tmp[i] = s[i] + k2[i] * halfH;
                    }
                    field(tmp, zp[r], bias, r, k3, u1, u2);
                    for (int i = 0; i < d; i++) {
                        tmp[i] = s[i] + k3[i] * h;
                    }
                    field(tmp, zp[r], bias, r, k4, u1, u2);
                    for (int i = 0; i < d; i++) {
                        s[i] += (k1[i] + (k2[i] + k3[i]) * 2f + k4[i]) * sixthH;
                    }
                }
                System.arraycopy(s, 0, out, (r * length + k) * channels, channels);
            }
        }
        return out;
    }

    private void field(float[] s, float zp, float[] bias, int row, float[] out, float[] u1, float[] u2) {
        if (usePhysics) {
            physics.derivative(s, 0, zp, out, 0);
        } else {
            java.util.Arrays.fill(out, 0f);
        }
        if (!neural()) {
            return;
        }
        for (int o = 0; o < h1; o++) {
            float acc = bias[row * h1 + o];
            for (int k = 0; k < d; k++) {
                acc += w1s[o * d + k] * s[k];
            }
            u1[o] = (float) Math.tanh(acc);
        }
        for (int o = 0; o < h2; o++) {
            float acc = b2[o];
            for (int k = 0; k < h1; k++) {
                acc += w2[o * h1 + k] * u1[k];
            }
            u2[o] = (float) Math.tanh(acc);
        }
        for (int q = 0; q < outRows.length; q++) {
            float acc = b3[q];
            for (int k = 0; k < h2; k++) {
                acc += w3[q * h2 + k] * u2[k];
            }
            out[outRows[q]] += acc;
        }
    }
}
