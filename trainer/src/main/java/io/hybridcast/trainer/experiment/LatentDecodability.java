package io.hybridcast.trainer.experiment;

import io.hybridcast.model.metrics.Correlation;
import io.hybridcast.model.metrics.Mcc;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.QRDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;

/**
 * Tells apart the two ways a neural latent can fail the MCC: it may not carry a true factor at all, or carry it
 * mixed with the others. The MCC matches single latents to single factors, so a latent space that holds every
 * factor but rotated scores low as well. Here each true factor is regressed on all learned latents (least squares
 * with an intercept); the multiple correlation R of that fit says how much of the factor is linearly decodable
 * whatever the mixing. An affine identifiability result (a Gaussian prior whose mean alone varies across tasks)
 * predicts a high R with a low MCC; a component-wise one predicts both high.
 */
public final class LatentDecodability {

    /**
     * @param meanR      mean over true factors of the multiple correlation R
     * @param perFactor  R of each true factor, in the truth's column order
     * @param mccSpearman the MCC matched on rank correlations (invariant to monotone component-wise maps)
     */
    public record Result(double meanR, double[] perFactor, double mccSpearman) {
    }

    private LatentDecodability() {
    }

    /**
     * @param learned [N][d1] learned latents per sample, d1 ≥ 1
     * @param truth   [N][d2] true factors per sample
     */
    public static Result of(double[][] learned, double[][] truth) {
        int n = learned.length;
        int d1 = learned[0].length;
        if (n != truth.length || n <= d1 + 1) {
            throw new IllegalArgumentException("need more samples than latents + 1 and as many true as learned rows, got "
                    + n + " learned, " + truth.length + " true, " + d1 + " latents");
        }
        RealMatrix design = MatrixUtils.createRealMatrix(n, d1 + 1);
        for (int i = 0; i < n; i++) {
            design.setEntry(i, 0, 1);
            for (int j = 0; j < d1; j++) {
                design.setEntry(i, j + 1, learned[i][j]);
            }
        }
        var solver = new QRDecomposition(design).getSolver();
        int d2 = truth[0].length;
        double[] perFactor = new double[d2];
        double sum = 0;
        for (int f = 0; f < d2; f++) {
            double[] y = Experiment.column(truth, f);
            RealVector fitted = design.operate(solver.solve(MatrixUtils.createRealVector(y)));
            perFactor[f] = Math.max(0, Correlation.pearson(fitted.toArray(), y));
            sum += perFactor[f];
        }
        return new Result(sum / d2, perFactor, Mcc.compute(learned, truth, Mcc.Method.SPEARMAN).mcc());
    }
}
