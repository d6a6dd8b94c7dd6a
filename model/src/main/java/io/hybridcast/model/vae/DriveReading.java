package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The drive's reading of each window, {f in Hz, A}: a {@link HybridVae}'s own values of the forcing that the
 * pendulum's ODE writes as A ω² cos(2πf t). A drive model keeps the forcing in the drive's states (c₀, s₀, W) rather
 * than in z_n, so these are its latents of that part of the unmodelled dynamics: f = W / 2π and A = |c₀ + i s₀| / ω̂²,
 * with ω̂ the encoder's mean of z_p.
 */
public final class DriveReading {

    private DriveReading() {
    }

    /**
     * {f, A} per window of {@code model}, null for a model without a drive.
     *
     * @param contexts as for {@link HybridVae#infer}
     */
    public static double[][] of(HybridVae model, double[][][] windows, double[][][][] contexts) {
        if (!model.spec().drive()) {
            return null;
        }
        model.checkWindows(windows);
        HybridVae.PooledContext pooled = model.pool(windows, contexts);
        try (NDManager step = model.manager().newSubManager()) {
            HybridVae.Posterior q = model.posterior(step, windows, pooled.sums(), pooled.counts());
            int columns = (int) q.initialState().getShape().get(1);
            float[] state = q.initialState().toType(DataType.FLOAT32, false).toFloatArray();
            float[] omega = q.physicsMean().toType(DataType.FLOAT32, false).toFloatArray();
            int first = model.physics().stateDim();
            double[][] out = new double[windows.length][2];
            for (int i = 0; i < windows.length; i++) {
                double c0 = state[i * columns + first];
                double s0 = state[i * columns + first + 1];
                double rate = state[i * columns + first + 2];
                out[i][0] = rate / (2 * Math.PI);
                out[i][1] = Math.hypot(c0, s0) / ((double) omega[i] * omega[i]);
            }
            return out;
        }
    }
}
