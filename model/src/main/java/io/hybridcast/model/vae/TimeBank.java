package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;

import java.util.HashMap;
import java.util.Map;

/**
 * The in-ODE time bank ({@link ModelSpec#timeBank()}): a drive term of the decoder's vector field that depends
 * on time alone, {@code Σ_k a_k(z) cos(ν_k t) + b_k(z) sin(ν_k t)} on the unmodelled state components.
 *
 * <p>Why: a driving force is a function of time, and the in-ODE net reads only the state and z_n, so it cannot
 * write one; the output residual can, but sample by sample it must learn cos(2πf·t) as a function of f, and its
 * sinusoid form must fit frequencies by gradient, whose loss has many modes (docs/model.md). Here the
 * frequencies are fixed, spread evenly over (0, Nyquist] with a spacing below the window's resolution π / T, so
 * any frequency is a smooth combination of its neighbours and the network only maps (z_p, z_n) to weights.
 * The weights are scaled by ν_k² / 2K, so that the network's outputs are in units of the displacement a drive at
 * ν_k produces well above the natural frequency (a drive of c·cos(νt) moves a state by about c / ν²), shared over
 * the bank's 2K sinusoids: without the 1 / 2K, one optimiser step that moves every weight a little together
 * moved the state by radians and training diverged. The last layer starts at zero: the bank starts silent. Time is counted from the window's first sample: the
 * window's phase must come from z.
 */
final class TimeBank {

    private final int frequencies;
    private final double[] nu;
    private final float[] scale;

    TimeBank(ModelSpec spec) {
        this.frequencies = spec.timeBank();
        this.nu = new double[frequencies];
        this.scale = new float[2 * frequencies];
        double nyquist = Math.PI / spec.dt();
        for (int k = 0; k < frequencies; k++) {
            nu[k] = nyquist * (k + 1) / frequencies;
            scale[k] = (float) (nu[k] * nu[k] / (2 * frequencies));
            scale[frequencies + k] = scale[k];
        }
    }

    /** Outputs of the bank's network: a cosine and a sine weight per frequency and state component. */
    static int outputs(ModelSpec spec, int stateDim) {
        return 2 * spec.timeBank() * stateDim;
    }

    /** The angular frequencies ν_k, rad/s. */
    double[] frequencies() {
        return nu.clone();
    }

    /**
     * The drive of one decode on the augmented state [s_P, s_PA]: zero on s_P (physics alone), the bank on the
     * masked components of s_PA.
     *
     * @param raw  the network's outputs [B, 2K·D], laid out [component][cos k..., sin k...]
     * @param mask the physics mask [D] (1 where the net may act)
     */
    Drive drive(NDArray raw, float[] mask) {
        NDManager m = raw.getManager();
        long rows = raw.getShape().get(0);
        int d = mask.length;
        int width = 2 * frequencies;
        NDArray weights = raw.reshape(rows, d, width)
                .mul(m.create(mask, new Shape(1, d, 1)))
                .mul(m.create(scale, new Shape(1, 1, width)));
        NDArray full = NDArrays.concat(new NDList(m.zeros(new Shape(rows, d, width)), weights), 1); // [B, 2D, 2K]
        return new Drive(full, 2 * d, m);
    }

    /** One decode's drive: the bank's weights and the basis at each time the solver asks for, computed once. */
    final class Drive {
        private final NDArray weights;
        private final int components;
        private final NDManager manager;
        private final Map<Double, NDArray> basis = new HashMap<>();

        private Drive(NDArray weights, int components, NDManager manager) {
            this.weights = weights;
            this.components = components;
            this.manager = manager;
        }

        /** The drive at {@code time} seconds after the window's first sample, [B, 2D]. */
        NDArray at(double time) {
            NDArray phi = basis.computeIfAbsent(time, t -> manager.create(basis(t), new Shape(2L * frequencies, 1)));
            return weights.matMul(phi).reshape(weights.getShape().get(0), components);
        }

        private float[] basis(double time) {
            float[] values = new float[2 * frequencies];
            for (int k = 0; k < frequencies; k++) {
                values[k] = (float) Math.cos(nu[k] * time);
                values[frequencies + k] = (float) Math.sin(nu[k] * time);
            }
            return values;
        }
    }
}
