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
    public NDArray neuralMask(NDManager manager) {
        return manager.create(new float[] {0f, 1f});
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
