package io.hybridcast.model.kernel;

import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.model.vae.SigmaPointWeights;

/**
 * The sigma-point band of the serving kernel: the same rows, weights and statistics as {@code SigmaPointInference}
 * (the sigma points and weights of {@link SigmaPointWeights} on the diagonal Gaussian posterior of (z_p, z_n), the forecast the decode
 * of the posterior mean), computed on plain arrays.
 */
final class SigmaPoints {

    private SigmaPoints() {
    }

    static Inference infer(ModelSpec spec, Physics physics, OdeRows rows, Dense.Mlp residualNet,
                           ServingKernel.Posterior q, int b, int horizon) {
        return infer(spec, physics, rows, residualNet, q, b, horizon, null);
    }

    /**
     * As above; a window whose {@code band[i]} is false is decoded from its posterior mean alone (one row instead of
     * the 2d + 1 sigma rows): the same forecast mean, reconstruction and posterior, and a forecast std of the
     * observation noise only (no spread over the latents computed). Null: every window gets its band.
     */
    static Inference infer(ModelSpec spec, Physics physics, OdeRows rows, Dense.Mlp residualNet,
                           ServingKernel.Posterior q, int b, int horizon, boolean[] band) {
        int t = spec.windowLength();
        int ch = spec.channels();
        int length = t + horizon;
        int n = spec.neuralLatents();
        int d = 1 + n;
        SigmaPointWeights weights = SigmaPointWeights.of(d);
        double spread = weights.spread();
        // the rows of window i are first[i] .. first[i] + points[i] - 1, its centre (the posterior mean) first
        int[] first = new int[b];
        int[] points = new int[b];
        int sigmaRows = 0;
        for (int i = 0; i < b; i++) {
            first[i] = sigmaRows;
            points[i] = band == null || band[i] ? weights.points() : 1;
            sigmaRows += points[i];
        }
        int stateDim = physics.stateDim();
        float lo = (float) spec.physicsMin();
        float hi = (float) spec.physicsMax();

        float[] zp = new float[sigmaRows];
        float[] zn = new float[sigmaRows * n];
        float[] s0 = new float[sigmaRows * stateDim];
        float[] centreZp = new float[b];
        float[] centreS0 = new float[b * stateDim];
        for (int i = 0; i < b; i++) {
            float zpStd = (float) Math.exp(0.5 * q.zpLogVar()[i]);
            for (int k = 0; k < points[i]; k++) {
                int r = first[i] + k;
                float zpValue = q.zpMean()[i];
                System.arraycopy(q.znMean(), i * n, zn, r * n, n);
                if (k > 0) {
                    int axis = SigmaPointWeights.axis(k);
                    float sign = SigmaPointWeights.sign(k);
                    if (axis == 0) {
                        zpValue += (float) (sign * spread * zpStd);
                    } else {
                        int j = axis - 1;
                        zn[r * n + j] += (float) (sign * spread * Math.exp(0.5 * q.znLogVar()[i * n + j]));
                    }
                }
                zp[r] = Math.min(hi, Math.max(lo, zpValue));
                System.arraycopy(q.initial(), i * stateDim, s0, r * stateDim, stateDim);
            }
            centreZp[i] = zp[first[i]];
        }
        System.arraycopy(q.initial(), 0, centreS0, 0, b * stateDim);
        float[] trajectory = rows.solve(s0, zp, zn, sigmaRows, length);
        // x_P: the physics alone, from the posterior mean (no network involved)
        float[] physicsOnly = ServingKernel.physicsOnly(spec, physics, centreZp, centreS0, length);

        int residualLength = t + spec.maxHorizon();
        float[] residualIn = new float[1 + n];
        double[][] physicsMean = new double[b][1];
        double[][] physicsStd = new double[b][1];
        double[][] neuralMean = new double[b][n];
        double[][][] reconstruction = new double[b][t][ch];
        double[][][] physicsRows = new double[b][t][ch];
        double[][][] forecastMean = new double[b][horizon][ch];
        double[][][] forecastStd = new double[b][horizon][ch];
        double obsVariance = Math.exp(spec.logObsVariance());
        int p = weights.points();
        float[][] residual = new float[p][];
        double[] values = new double[p];
        for (int i = 0; i < b; i++) {
            physicsMean[i][0] = q.zpMean()[i];
            physicsStd[i][0] = Math.exp(0.5 * q.zpLogVar()[i]);
            for (int j = 0; j < n; j++) {
                neuralMean[i][j] = q.znMean()[i * n + j];
            }
            if (residualNet != null) {
                // the output residual f_A2(z_p, z_n) of each sigma row
                for (int s = 0; s < points[i]; s++) {
                    int r = first[i] + s;
                    residualIn[0] = (float) ((zp[r] - spec.physicsMin()) / spec.physicsWidth());
                    System.arraycopy(zn, r * n, residualIn, 1, n);
                    residual[s] = residualNet.apply(residualIn, 0);
                }
            }
            for (int k = 0; k < length; k++) {
                for (int m = 0; m < ch; m++) {
                    double mean = 0;
                    for (int s = 0; s < points[i]; s++) {
                        int r = first[i] + s;
                        double x = trajectory[(r * length + k) * ch + m];
                        if (residualNet != null) {
                            x += residual[s][(k * ch + m)];
                        }
                        values[s] = x;
                        mean += weights.weight(s) * x;
                    }
                    if (k < t) {
                        reconstruction[i][k][m] = values[0];
                        physicsRows[i][k][m] = physicsOnly[(i * length + k) * ch + m];
                    } else {
                        double variance = 0;
                        for (int s = 0; s < points[i]; s++) {
                            double dev = values[s] - mean;
                            variance += weights.weight(s) * dev * dev;
                        }
                        forecastMean[i][k - t][m] = values[0];
                        forecastStd[i][k - t][m] = points[i] == 1 ? Math.sqrt(obsVariance)
                                : Math.sqrt(variance + obsVariance);
                    }
                }
            }
        }
        if (residualLength < length) {
            throw new IllegalStateException("horizon beyond the residual's outputs");
        }
        return new Inference(physicsMean, physicsStd, neuralMean, reconstruction, physicsRows, forecastMean,
                forecastStd);
    }
}
