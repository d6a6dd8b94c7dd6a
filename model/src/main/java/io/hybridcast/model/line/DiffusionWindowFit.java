package io.hybridcast.model.line;

import java.util.Optional;

/**
 * D of one window of the line by least squares on its weak form ({@link WeakForm}): {@code lhs = D·Δ∫φu +
 * a·B∫φu}, the known physics plus the twin-learnt remainder ({@link RemainderOperator}), one equation per grid
 * point, two unknowns. The standard error comes from the residuals (20 − 2 degrees of freedom): with the model
 * right, it is the window's likelihood width, so fusing windows multiplies likelihoods and no prior is counted
 * twice; it is widened by the operator's {@link RemainderOperator#stdScale()}, fitted on the training windows. A
 * window with a jump (re-excitation, spike) has no estimate; a run-down, nearly flat window gets a
 * wide one by itself.
 */
public final class DiffusionWindowFit {

    /**
     * One window's D, with a, the fitted coefficient of the remainder B (0 for the physics alone), and a's standard
     * error (NaN for the physics alone), from the same residuals and scale as D's.
     */
    public record Estimate(double mean, double std, double remainder, double remainderStd) {
    }

    private final RemainderOperator remainder;
    private final double dt;
    private final double dx;

    /**
     * @param remainder the learnt remainder, or null for the physics alone (u_t = D·Δu; biased where the line
     *                  advects, kept to measure that)
     * @param dt        seconds between samples
     * @param dx        grid spacing
     */
    public DiffusionWindowFit(RemainderOperator remainder, double dt, double dx) {
        this.remainder = remainder;
        this.dt = dt;
        this.dx = dx;
    }

    /** D of {@code window} ([time][point]), empty for a window with a jump or without signal. */
    public Optional<Estimate> fit(double[][] window) {
        if (WeakForm.hasJump(window)) {
            return Optional.empty();
        }
        WeakForm w = WeakForm.of(window, dt);
        double[] x1 = WeakForm.laplacian(w.integral(), dx);
        double[] x2 = remainder == null ? new double[x1.length] : remainder.apply(w.integral());
        double[] y = w.lhs();
        double s11 = 0;
        double s12 = 0;
        double s22 = 0;
        double s1y = 0;
        double s2y = 0;
        for (int i = 0; i < y.length; i++) {
            s11 += x1[i] * x1[i];
            s12 += x1[i] * x2[i];
            s22 += x2[i] * x2[i];
            s1y += x1[i] * y[i];
            s2y += x2[i] * y[i];
        }
        double d;
        double a;
        double inv11;
        double inv22 = Double.NaN;
        int unknowns;
        double det = s11 * s22 - s12 * s12;
        if (remainder != null && s22 > 0 && det > 1e-12 * s11 * s22) {
            d = (s22 * s1y - s12 * s2y) / det;
            a = (s11 * s2y - s12 * s1y) / det;
            inv11 = s22 / det;
            inv22 = s11 / det;
            unknowns = 2;
        } else if (s11 > 0) {
            d = s1y / s11;
            a = 0;
            inv11 = 1 / s11;
            unknowns = 1;
        } else {
            return Optional.empty();
        }
        double rss = 0;
        for (int i = 0; i < y.length; i++) {
            double r = y[i] - d * x1[i] - a * x2[i];
            rss += r * r;
        }
        double scale = remainder == null ? 1 : remainder.stdScale();
        double std = Math.sqrt(rss / (y.length - unknowns) * inv11) * scale;
        if (!Double.isFinite(d) || !(std > 0)) {
            return Optional.empty();
        }
        return Optional.of(new Estimate(d, std, a, Math.sqrt(rss / (y.length - unknowns) * inv22) * scale));
    }
}
