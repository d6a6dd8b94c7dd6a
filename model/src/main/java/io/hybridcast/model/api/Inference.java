package io.hybridcast.model.api;

/**
 * What a model says about a batch of windows, as plain arrays so that callers need no NDArray knowledge.
 * Index order: [window][...].
 *
 * @param physicsMean    posterior mean of z_p, [b][1], in the parameter's physical unit
 * @param physicsStd     posterior standard deviation of z_p, [b][1]
 * @param neuralMean     posterior mean of z_n, [b][n]
 * @param reconstruction full hybrid reconstruction x_PAB of the window, [b][T][C]
 * @param physicsOnly    physics-only reconstruction x_P of the window, [b][T][C]
 * @param forecastMean   predictive mean beyond the window, [b][h][C]
 * @param forecastStd    predictive standard deviation beyond the window (posterior spread plus observation
 *                       noise), [b][h][C]
 */
public record Inference(
        double[][] physicsMean,
        double[][] physicsStd,
        double[][] neuralMean,
        double[][][] reconstruction,
        double[][][] physicsOnly,
        double[][][] forecastMean,
        double[][][] forecastStd) {

    /** Number of windows. */
    public int size() {
        return physicsMean.length;
    }

    /**
     * Share of the model's signal energy that comes from its neural part for window {@code b}: with the
     * reconstruction split into physics and neural part, x_PAB = x_P + n, it is ||n||² / (||x_P||² + ||n||²),
     * between 0 (the physics explains the window alone) and 1 (the neural part carries it all). Unlike
     * ||n||² / ||x_PAB||² it stays a fraction when physics and neural part cancel each other.
     */
    public double neuralShare(int b) {
        double neural = 0;
        double physics = 0;
        for (int t = 0; t < reconstruction[b].length; t++) {
            for (int c = 0; c < reconstruction[b][t].length; c++) {
                double d = reconstruction[b][t][c] - physicsOnly[b][t][c];
                neural += d * d;
                physics += physicsOnly[b][t][c] * physicsOnly[b][t][c];
            }
        }
        return neural / (physics + neural + 1e-12);
    }
}
