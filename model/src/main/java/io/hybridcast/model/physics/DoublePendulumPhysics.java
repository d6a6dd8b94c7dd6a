package io.hybridcast.model.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * Frictionless double pendulum, equal unit masses and equal lengths; state (θ1, θ2, θ1', θ2'), z_p = g/l.
 * Joint damping is left unmodelled. With Δ = θ1 - θ2 and k = g/l:
 * θ1'' = (-3k sin θ1 - k sin(θ1 - 2θ2) - 2 sin Δ (θ2'² + θ1'² cos Δ)) / (3 - cos 2Δ),
 * θ2'' = 2 sin Δ (2θ1'² + 2k cos θ1 + θ2'² cos Δ) / (3 - cos 2Δ).
 */
public final class DoublePendulumPhysics implements Physics {

    @Override
    public String system() {
        return "DOUBLE_PENDULUM";
    }

    @Override
    public int stateDim() {
        return 4;
    }

    @Override
    public int channels() {
        return 2;
    }

    @Override
    public NDArray derivative(NDArray s, NDArray zp, Constants c) {
        NDArray t1 = s.get(":, 0:1");
        NDArray t2 = s.get(":, 1:2");
        NDArray w1 = s.get(":, 2:3");
        NDArray w2 = s.get(":, 3:4");
        NDArray delta = t1.sub(t2);
        NDArray sinD = delta.sin();
        NDArray cosD = delta.cos();
        NDArray den = delta.mul(c.of(2)).cos().neg().add(c.of(3));
        NDArray w1sq = w1.square();
        NDArray w2sq = w2.square();
        NDArray a1 = t1.sin().mul(c.of(3)).add(t1.sub(t2.mul(c.of(2))).sin()).mul(zp).neg()
                .sub(sinD.mul(c.of(2)).mul(w2sq.add(w1sq.mul(cosD))))
                .div(den);
        NDArray a2 = sinD.mul(c.of(2))
                .mul(w1sq.mul(c.of(2)).add(t1.cos().mul(zp).mul(c.of(2))).add(w2sq.mul(cosD)))
                .div(den);
        return NDArrays.concat(new NDList(w1, w2, a1, a2), 1);
    }

    @Override
    public void derivative(float[] s, int offset, float zp, float[] out, int outOffset) {
        float t1 = s[offset];
        float t2 = s[offset + 1];
        float w1 = s[offset + 2];
        float w2 = s[offset + 3];
        float delta = t1 - t2;
        float sinD = (float) Math.sin(delta);
        float cosD = (float) Math.cos(delta);
        float den = 3f - (float) Math.cos(delta * 2f);
        float w1sq = w1 * w1;
        float w2sq = w2 * w2;
        float a1 = (-(((float) Math.sin(t1) * 3f + (float) Math.sin(t1 - t2 * 2f)) * zp)
                - sinD * 2f * (w2sq + w1sq * cosD)) / den;
        float a2 = sinD * 2f * (w1sq * 2f + (float) Math.cos(t1) * zp * 2f + w2sq * cosD) / den;
        out[outOffset] = w1;
        out[outOffset + 1] = w2;
        out[outOffset + 2] = a1;
        out[outOffset + 3] = a2;
    }

    @Override
    public NDArray neuralMask(NDManager manager) {
        return manager.create(neuralMaskValues());
    }

    @Override
    public float[] neuralMaskValues() {
        return new float[] {0f, 0f, 1f, 1f};
    }

    @Override
    public NDArray randomInitialState(NDManager manager, int batch, Random random) {
        float[] s = new float[batch * 4];
        for (int b = 0; b < batch; b++) {
            s[4 * b] = (float) (-1.0 + 2.0 * random.nextDouble());
            s[4 * b + 1] = (float) (-1.0 + 2.0 * random.nextDouble());
        }
        return manager.create(s, new Shape(batch, 4));
    }
}
