package io.hybridcast.model.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * Diffusion u_t = D u_xx on 20 interior grid points (dx = 0.1, Dirichlet 0 at both ends, the same
 * discretisation as the simulator); z_p = D. Advection is left unmodelled.
 */
public final class DiffusionPhysics implements Physics {

    static final int POINTS = 20;
    /** Grid spacing. */
    public static final double DX = 0.1;

    private NDArray laplacianT;

    @Override
    public String system() {
        return "ADVECTION_DIFFUSION";
    }

    @Override
    public int stateDim() {
        return POINTS;
    }

    @Override
    public int channels() {
        return POINTS;
    }

    @Override
    public NDArray derivative(NDArray state, NDArray zp, Constants c) {
        return state.matMul(laplacian(c)).mul(zp);
    }

    @Override
    public void derivative(float[] state, int offset, float zp, float[] out, int outOffset) {
        float inv = (float) (1.0 / (DX * DX));
        for (int i = 0; i < POINTS; i++) {
            float left = i > 0 ? state[offset + i - 1] : 0f;
            float right = i < POINTS - 1 ? state[offset + i + 1] : 0f;
            out[outOffset + i] = (left * inv + state[offset + i] * (-2f * inv) + right * inv) * zp;
        }
    }

    /** Two ops per evaluation for any number of copies: {@code s·blockdiag(L, …, L)·z_p}. */
    @Override
    public PreparedField prepare(NDArray zp, int copies, Constants c) {
        float[] l = laplacian(c).toFloatArray();
        int width = POINTS * copies;
        float[] block = new float[width * width];
        for (int k = 0; k < copies; k++) {
            for (int i = 0; i < POINTS; i++) {
                System.arraycopy(l, i * POINTS, block, (k * POINTS + i) * width + k * POINTS, POINTS);
            }
        }
        NDArray blocks = zp.getManager().create(block, new Shape(width, width));
        return s -> s.matMul(blocks).mul(zp);
    }

    /** The discrete Laplacian / dx² (symmetric, so its own transpose), made once per constants owner. */
    private synchronized NDArray laplacian(Constants c) {
        if (laplacianT == null || laplacianT.getManager() != c.manager()) {
            float[] m = new float[POINTS * POINTS];
            float inv = (float) (1.0 / (DX * DX));
            for (int i = 0; i < POINTS; i++) {
                m[i * POINTS + i] = -2f * inv;
                if (i > 0) {
                    m[i * POINTS + i - 1] = inv;
                }
                if (i < POINTS - 1) {
                    m[i * POINTS + i + 1] = inv;
                }
            }
            laplacianT = c.manager().create(m, new Shape(POINTS, POINTS));
        }
        return laplacianT;
    }

    @Override
    public NDArray neuralMask(NDManager manager) {
        return manager.ones(new Shape(POINTS));
    }

    @Override
    public float[] neuralMaskValues() {
        float[] ones = new float[POINTS];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    @Override
    public NDArray randomInitialState(NDManager manager, int batch, Random random) {
        float[] s = new float[batch * POINTS];
        double xMax = (POINTS + 1) * DX;
        for (int b = 0; b < batch; b++) {
            double m = 0.5 + random.nextDouble();
            for (int i = 0; i < POINTS; i++) {
                s[b * POINTS + i] = (float) (m * Math.sin(Math.PI * (i + 1) * DX / xMax));
            }
        }
        return manager.create(s, new Shape(batch, POINTS));
    }
}
