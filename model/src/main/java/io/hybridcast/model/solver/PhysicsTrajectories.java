package io.hybridcast.model.solver;

import io.hybridcast.model.physics.Physics;

/**
 * Physics-only trajectories in plain Java floats, with the same fixed-step schemes as {@link OdeSolver}: for
 * trajectories that need no gradient (the data augmentation of training, the physics-only row x_P of the serving
 * kernel). A batch of a few hundred short pendulum trajectories costs well under a millisecond this way, where the
 * eager NDArray solve issues thousands of ops of several microseconds each.
 */
public final class PhysicsTrajectories {

    private PhysicsTrajectories() {
    }

    /**
     * Integrates every row from its initial state with its own z_p.
     *
     * @param s0       [rows][D] flat
     * @param zp       [rows]
     * @param samples  sample times, s0 included (>= 1)
     * @param channels leading state components to keep (the observed ones, or all D)
     * @return [rows][samples][channels] flat
     */
    public static float[] simulate(Physics physics, OdeSolver.Method method, double dt, int substeps, float[] zp,
                                   float[] s0, int samples, int channels) {
        int d = physics.stateDim();
        int rows = zp.length;
        if (s0.length != rows * d) {
            throw new IllegalArgumentException("initial states hold " + s0.length + " values, " + rows + " rows of "
                    + d + " need " + rows * d);
        }
        float h = (float) (dt / substeps);
        float halfH = (float) (dt / substeps / 2);
        float sixthH = (float) (dt / substeps / 6);
        float[] out = new float[rows * samples * channels];
        float[] s = new float[d];
        float[] k1 = new float[d];
        float[] k2 = new float[d];
        float[] k3 = new float[d];
        float[] k4 = new float[d];
        float[] tmp = new float[d];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s0, r * d, s, 0, d);
            System.arraycopy(s, 0, out, r * samples * channels, channels);
            for (int k = 1; k < samples; k++) {
                for (int j = 0; j < substeps; j++) {
                    physics.derivative(s, 0, zp[r], k1, 0);
                    if (method == OdeSolver.Method.EULER) {
                        for (int i = 0; i < d; i++) {
                            s[i] += k1[i] * h;
                        }
                        continue;
                    }
                    for (int i = 0; i < d; i++) {
                        tmp[i] = s[i] + k1[i] * halfH;
                    }
                    physics.derivative(tmp, 0, zp[r], k2, 0);
                    for (int i = 0; i < d; i++) {
                        tmp[i] = s[i] + k2[i] * halfH;
                    }
                    physics.derivative(tmp, 0, zp[r], k3, 0);
                    for (int i = 0; i < d; i++) {
                        tmp[i] = s[i] + k3[i] * h;
                    }
                    physics.derivative(tmp, 0, zp[r], k4, 0);
                    for (int i = 0; i < d; i++) {
                        // the same association as OdeSolver: s + (k1 + (k2 + k3)·2 + k4)·h/6
                        s[i] += (k1[i] + (k2[i] + k3[i]) * 2f + k4[i]) * sixthH;
                    }
                }
                System.arraycopy(s, 0, out, (r * samples + k) * channels, channels);
            }
        }
        return out;
    }
}
