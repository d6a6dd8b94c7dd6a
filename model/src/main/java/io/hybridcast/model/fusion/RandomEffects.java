package io.hybridcast.model.fusion;

/**
 * Random-effects fusion of one parameter's window posteriors into a sensor-level posterior, with forgetting.
 *
 * <p>Why not plain precision weighting: it treats every window as an independent, unbiased measurement, so its
 * std shrinks as 1/sqrt(N) however much the windows disagree. Window estimates are neither: in a regime that
 * hardly reveals the parameter (a forced pendulum in steady state) they scatter far beyond their own posterior
 * std, and a confident wrong number follows. The random-effects model lets each window's estimate carry an extra
 * between-window variance tau^2, estimated from the observed scatter (DerSimonian-Laird, method of moments,
 * generalised to forgetting weights): windows that agree give tau^2 = 0 and the interval narrows with evidence;
 * windows that disagree give a large tau^2 and the interval stays as wide as their scatter.
 *
 * <p>With forgetting weights f_i (f = lambda^age, newest 1) and fixed-effect weights v_i = 1/s_i^2:
 * Q = sum f v (y - mu_FE)^2, E[Q] = A + tau^2 B with A = sum f - sum f^2 v / S1, B = S1 - sum f^2 v^2 / S1,
 * S1 = sum f v; tau^2 = max(0, (Q - A) / B). Then w_i = 1 / (s_i^2 + tau^2), mu = sum f w y / sum f w, and
 * Var(mu) = sum f^2 w / (sum f w)^2 (exact for these weights when the windows are independent). The 95 %
 * interval uses Student's t with (effective windows - 1) degrees of freedom, since tau^2 itself is estimated
 * from few windows.
 */
public final class RandomEffects {

    /** z-value of the 97.5 % quantile of a normal distribution. */
    private static final double Z_975 = 1.959963984540054;
    /** 97.5 % quantiles of Student's t for 1..5 degrees of freedom. */
    private static final double[] T_975 = {12.706, 4.303, 3.182, 2.776, 2.571};

    private RandomEffects() {
    }

    /**
     * A sensor-level posterior of one parameter.
     *
     * @param mean             fused mean, in the parameter's unit
     * @param std              std of the fused mean
     * @param lower95          lower end of the 95 % interval
     * @param upper95          upper end of the 95 % interval
     * @param effectiveWindows Kish effective number of windows behind it, (sum b)^2 / sum b^2
     * @param tau              between-window std (0 when the windows agree within their own posteriors)
     */
    public record Estimate(double mean, double std, double lower95, double upper95, double effectiveWindows,
                           double tau) {
    }

    /**
     * Fuses the window posteriors {@code means[i]} ± {@code stds[i]} with forgetting weights {@code weights[i]}
     * (each in (0, 1]); null when there are none.
     */
    public static Estimate fuse(double[] means, double[] stds, double[] weights) {
        int n = means.length;
        if (n == 0) {
            return null;
        }
        double[] variance = new double[n];
        double s1 = 0;
        double sumF = 0;
        double sumF2V = 0;
        double sumF2V2 = 0;
        double sumFVY = 0;
        for (int i = 0; i < n; i++) {
            variance[i] = Math.max(stds[i] * stds[i], 1e-24);
            double v = 1 / variance[i];
            double f = weights[i];
            s1 += f * v;
            sumF += f;
            sumF2V += f * f * v;
            sumF2V2 += f * f * v * v;
            sumFVY += f * v * means[i];
        }
        double fixedMean = sumFVY / s1;
        double q = 0;
        for (int i = 0; i < n; i++) {
            double d = means[i] - fixedMean;
            q += weights[i] / variance[i] * d * d;
        }
        double a = sumF - sumF2V / s1;
        double b = s1 - sumF2V2 / s1;
        double tau2 = n < 2 || b <= 0 ? 0 : Math.max(0, (q - a) / b);
        double sumFW = 0;
        double sumF2W = 0;
        double sumFWY = 0;
        double sumFW2 = 0;
        for (int i = 0; i < n; i++) {
            double w = 1 / (variance[i] + tau2);
            double f = weights[i];
            sumFW += f * w;
            sumF2W += f * f * w;
            sumFWY += f * w * means[i];
            sumFW2 += f * f * w * w;
        }
        double mean = sumFWY / sumFW;
        double std = Math.sqrt(sumF2W) / sumFW;
        double effective = sumFW * sumFW / sumFW2;
        double half = quantile975(effective - 1) * std;
        return new Estimate(mean, std, mean - half, mean + half, effective, Math.sqrt(tau2));
    }

    /**
     * The 97.5 % quantile of Student's t with {@code df} degrees of freedom (interpolated; the normal one for a
     * single window, whose own posterior is all there is).
     */
    public static double quantile975(double df) {
        if (df < 1e-9) {
            return Z_975;
        }
        if (df < 1) {
            return T_975[0];
        }
        if (df < T_975.length) {
            int lo = (int) Math.floor(df);
            double frac = df - lo;
            double hi = lo < T_975.length ? T_975[lo] : T_975[T_975.length - 1];
            return T_975[lo - 1] * (1 - frac) + hi * frac;
        }
        // Cornish-Fisher expansion, within 0.002 of the exact quantile from 5 degrees of freedom on
        double z = Z_975;
        double z3 = z * z * z;
        return z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
    }
}
