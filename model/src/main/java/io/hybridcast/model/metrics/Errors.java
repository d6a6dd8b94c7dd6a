package io.hybridcast.model.metrics;

/**
 * Error metrics of SCIENCE.md section 4: MSE and relative error of z_p, reconstruction MSE, prediction MSE
 * per horizon step.
 */
public final class Errors {

    private Errors() {
    }

    /** Mean squared error between estimates and truth. */
    public static double mse(double[] estimate, double[] truth) {
        check(estimate.length, truth.length);
        double s = 0;
        for (int i = 0; i < estimate.length; i++) {
            double d = estimate[i] - truth[i];
            s += d * d;
        }
        return s / estimate.length;
    }

    /** Mean relative error |estimate - truth| / |truth|, in percent (as APHYNITY reports parameter error). */
    public static double relativeErrorPercent(double[] estimate, double[] truth) {
        check(estimate.length, truth.length);
        double s = 0;
        for (int i = 0; i < estimate.length; i++) {
            s += Math.abs(estimate[i] - truth[i]) / Math.abs(truth[i]);
        }
        return 100 * s / estimate.length;
    }

    /** MSE over every sequence, step and channel: [b][t][c]. */
    public static double mse(double[][][] estimate, double[][][] truth) {
        double[] perStep = msePerStep(estimate, truth);
        double s = 0;
        for (double v : perStep) {
            s += v;
        }
        return s / perStep.length;
    }

    /** MSE at each step (averaged over sequences and channels): how the error grows with the horizon. */
    public static double[] msePerStep(double[][][] estimate, double[][][] truth) {
        check(estimate.length, truth.length);
        int steps = estimate[0].length;
        double[] out = new double[steps];
        for (int t = 0; t < steps; t++) {
            double s = 0;
            int n = 0;
            for (int b = 0; b < estimate.length; b++) {
                for (int c = 0; c < estimate[b][t].length; c++) {
                    double d = estimate[b][t][c] - truth[b][t][c];
                    s += d * d;
                    n++;
                }
            }
            out[t] = s / n;
        }
        return out;
    }

    private static void check(int a, int b) {
        if (a != b || a == 0) {
            throw new IllegalArgumentException("need equal, non-zero sizes, got " + a + " and " + b);
        }
    }
}
