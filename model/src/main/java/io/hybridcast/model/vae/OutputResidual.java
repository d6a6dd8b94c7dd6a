package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;

/**
 * Turns the outputs of the residual network f_A2(z_p, z_n) into the output residual over window and horizon,
 * [B, length, C], in the form the spec names ({@link ModelSpec#residualForm()}).
 * <ul>
 *   <li>{@code mlp}: the network writes every sample (T + H per channel).</li>
 *   <li>{@code sinusoids}: per channel, {@value #SINUSOIDS} sinusoids a·cos(νt) + b·sin(νt) whose a, b and ν the
 *       network gives, ν = ν_Nyquist·σ(u + offset_j). An unmodelled periodic drive (a pendulum's forcing) is then
 *       a frequency and an amplitude, linear functions of z_n, where a network writing samples must learn
 *       cos(2πf·t) as a function of f, which turns over about ten times across the forcing's range by the end of
 *       a window. The offsets spread the initial frequencies over (0, Nyquist), so every frequency starts near
 *       one sinusoid. The sinusoids run on through the horizon, as a drive does.</li>
 * </ul>
 */
final class OutputResidual {

    /** Sinusoids per channel in the {@code sinusoids} form. */
    static final int SINUSOIDS = 16;
    /** Amplitude scale, so that the sum of the initial sinusoids stays of the order of one output. */
    private static final double AMPLITUDE_SCALE = 1.0 / Math.sqrt(SINUSOIDS);

    private OutputResidual() {
    }

    /** Outputs of the residual network for {@code spec}. */
    static int outputs(ModelSpec spec) {
        return spec.sinusoidResidual() ? spec.channels() * SINUSOIDS * 3
                : (spec.windowLength() + spec.maxHorizon()) * spec.channels();
    }

    /** The residual [B, length, C] from the network's outputs [B, outputs]. */
    static NDArray apply(ModelSpec spec, NDArray raw, int length, Constants c) {
        long rows = raw.getShape().get(0);
        int channels = spec.channels();
        if (!spec.sinusoidResidual()) {
            return raw.reshape(rows, spec.windowLength() + spec.maxHorizon(), channels).get(":, 0:" + length + ", :");
        }
        NDManager m = raw.getManager();
        NDArray p = raw.reshape(rows, channels, SINUSOIDS, 3);
        NDArray a = p.get(":, :, :, 0").mul(c.of(AMPLITUDE_SCALE)).expandDims(3);
        NDArray b = p.get(":, :, :, 1").mul(c.of(AMPLITUDE_SCALE)).expandDims(3);
        NDArray offsets = m.create(offsets(), new Shape(1, 1, SINUSOIDS));
        NDArray nu = Activation.sigmoid(p.get(":, :, :, 2").add(offsets)).mul(c.of(Math.PI / spec.dt())).expandDims(3);
        float[] times = new float[length];
        for (int k = 0; k < length; k++) {
            times[k] = (float) (k * spec.dt());
        }
        NDArray phase = nu.mul(m.create(times, new Shape(1, 1, 1, length))); // [B, C, J, L]
        NDArray sum = a.mul(phase.cos()).add(b.mul(phase.sin())).sum(new int[] {2}); // [B, C, L]
        return sum.transpose(0, 2, 1);
    }

    /**
     * The residual of {@code rows} rows from the network's outputs ({@code rows × outputs}, row-major), laid out
     * {@code [(row · length + k) · C + channel]}, as the sigma-point inference reads it.
     */
    static float[] apply(ModelSpec spec, float[] raw, int rows, int length) {
        int channels = spec.channels();
        float[] out = new float[rows * length * channels];
        if (!spec.sinusoidResidual()) {
            int full = spec.windowLength() + spec.maxHorizon();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(raw, r * full * channels, out, r * length * channels, length * channels);
            }
            return out;
        }
        float[] offsets = offsets();
        double nyquist = Math.PI / spec.dt();
        int width = channels * SINUSOIDS * 3;
        for (int r = 0; r < rows; r++) {
            for (int ch = 0; ch < channels; ch++) {
                for (int j = 0; j < SINUSOIDS; j++) {
                    int at = r * width + (ch * SINUSOIDS + j) * 3;
                    double a = raw[at] * AMPLITUDE_SCALE;
                    double b = raw[at + 1] * AMPLITUDE_SCALE;
                    double nu = nyquist / (1 + Math.exp(-(raw[at + 2] + offsets[j])));
                    for (int k = 0; k < length; k++) {
                        double phase = nu * k * spec.dt();
                        out[(r * length + k) * channels + ch] += (float) (a * Math.cos(phase) + b * Math.sin(phase));
                    }
                }
            }
        }
        return out;
    }

    /** logit((j + ½) / J): initial frequencies spread evenly over (0, Nyquist). */
    private static float[] offsets() {
        float[] offsets = new float[SINUSOIDS];
        for (int j = 0; j < SINUSOIDS; j++) {
            double q = (j + 0.5) / SINUSOIDS;
            offsets[j] = (float) Math.log(q / (1 - q));
        }
        return offsets;
    }
}
