package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * <b>An offline oracle ablation, never a served model:</b> the true unmodelled parameters of each window (the
 * pendulum's γ, A, f), standardised over the windows given, to stand in for the encoder's z_n. It answers one
 * design question: how well does the decoder reconstruct a window when it is told the forcing? If even then it
 * stays far above the noise, the decoder's form is the limit; otherwise the encoder is (docs/model.md). The truth
 * it holds is the simulator's, which the project keeps for scoring; this class is its one other use, and it is
 * neither written into bundles nor reachable from the services.
 *
 * <p>Windows are found by their values (the first {@code windowLength} samples), as the trainer and the scoring
 * cut them; a window it does not hold is refused.
 */
public final class OracleLatents {

    /** Log variance of the oracle's posterior: the truth, with a little noise from the reparameterised sample. */
    static final double LOG_VARIANCE = -9;

    private final int windowLength;
    private final int latents;
    private final Map<WindowKey, float[]> byWindow = new HashMap<>();

    private OracleLatents(int windowLength, int latents) {
        this.windowLength = windowLength;
        this.latents = latents;
    }

    /**
     * @param sequences    [N][time][channel] observations, each at least {@code windowLength} samples
     * @param truth        [N][latents] their true unmodelled parameters
     * @param windowLength samples per window the model reads
     */
    public static OracleLatents of(double[][][] sequences, double[][] truth, int windowLength) {
        int n = truth[0].length;
        double[] mean = new double[n];
        double[] std = new double[n];
        for (double[] row : truth) {
            for (int j = 0; j < n; j++) {
                mean[j] += row[j] / truth.length;
            }
        }
        for (double[] row : truth) {
            for (int j = 0; j < n; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / truth.length;
            }
        }
        OracleLatents oracle = new OracleLatents(windowLength, n);
        for (int i = 0; i < sequences.length; i++) {
            float[] z = new float[n];
            for (int j = 0; j < n; j++) {
                z[j] = (float) ((truth[i][j] - mean[j]) / Math.max(1e-12, Math.sqrt(std[j])));
            }
            float[] window = VaeArrays.toFloat(new double[][][] {Arrays.copyOf(sequences[i], windowLength)});
            oracle.byWindow.put(new WindowKey(window), z);
        }
        return oracle;
    }

    /** The oracle's z_n of {@code windows} ([B, T, C]), [B, latents]; refuses a window it does not hold. */
    NDArray latents(NDArray windows) {
        NDManager m = windows.getManager();
        long[] shape = windows.getShape().getShape();
        int b = (int) shape[0];
        int width = (int) (shape[1] * shape[2]);
        if (shape[1] != windowLength) {
            throw new IllegalStateException("oracle holds windows of " + windowLength + " samples, got " + shape[1]);
        }
        float[] values = windows.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[b * latents];
        for (int i = 0; i < b; i++) {
            float[] z = byWindow.get(new WindowKey(Arrays.copyOfRange(values, i * width, (i + 1) * width)));
            if (z == null) {
                throw new IllegalStateException("oracle ablation: window " + i + " is not one of the windows whose "
                        + "truth it holds");
            }
            System.arraycopy(z, 0, out, i * latents, latents);
        }
        return m.create(out, new Shape(b, latents));
    }

    /** How many latents it gives. */
    int size() {
        return latents;
    }
}
