package io.hybridcast.model.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/** Ideal pendulum θ'' = -ω² sin θ; state (θ, θ'), z_p = ω. Damping and forcing are left unmodelled. */
public final class PendulumPhysics implements Physics {

    @Override
    public String system() {
        return "PENDULUM";
    }

    @Override
    public int stateDim() {
        return 2;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public NDArray derivative(NDArray state, NDArray zp, Constants c) {
        NDArray theta = state.get(":, 0:1");
        NDArray velocity = state.get(":, 1:2");
        NDArray acceleration = theta.sin().mul(zp.square()).neg();
        return NDArrays.concat(new NDList(velocity, acceleration), 1);
    }

    @Override
    public void derivative(float[] state, int offset, float zp, float[] out, int outOffset) {
        out[outOffset] = state[offset + 1];
        out[outOffset + 1] = -((float) Math.sin(state[offset]) * (zp * zp));
    }

    /**
     * Five ops per evaluation for any number of copies: ω² once per solve, then
     * {@code s·shift + (sin(s)·(−ω²))·accel}, where {@code shift} moves each θ' into the θ slot and {@code accel}
     * moves each sin θ into the θ' slot (the sines of the velocities are computed and dropped: cheaper than
     * slicing).
     */
    @Override
    public PreparedField prepare(NDArray zp, int copies, Constants c) {
        NDArray negOmegaSquared = zp.square().neg();
        int width = 2 * copies;
        float[] shift = new float[width * width];
        float[] accel = new float[width * width];
        for (int k = 0; k < copies; k++) {
            shift[(2 * k + 1) * width + 2 * k] = 1f;
            accel[(2 * k) * width + 2 * k + 1] = 1f;
        }
        NDManager m = zp.getManager();
        NDArray shiftMatrix = m.create(shift, new Shape(width, width));
        NDArray accelMatrix = m.create(accel, new Shape(width, width));
        return s -> s.matMul(shiftMatrix).add(s.sin().mul(negOmegaSquared).matMul(accelMatrix));
    }

    @Override
    public NDArray neuralMask(NDManager manager) {
        return manager.create(neuralMaskValues());
    }

    @Override
    public float[] neuralMaskValues() {
        return new float[] {0f, 1f};
    }

    @Override
    public NDArray randomInitialState(NDManager manager, int batch, Random random) {
        float[] s = new float[batch * 2];
        for (int i = 0; i < batch; i++) {
            s[2 * i] = (float) (-1.57 + 3.14 * random.nextDouble());
            s[2 * i + 1] = (float) (-1.0 + 2.0 * random.nextDouble());
        }
        return manager.create(s, new Shape(batch, 2));
    }
}
