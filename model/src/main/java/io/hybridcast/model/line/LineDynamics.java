package io.hybridcast.model.line;

/**
 * The line's dynamics as one window identifies them: {@code u_t = D·Δu + a·B u}, with D and a fitted on the
 * window's weak form ({@link DiffusionWindowFit}) and B the twin-learnt remainder ({@link RemainderOperator}).
 * Linear in u, so a forecast is the window's newest field plus the change these dynamics make to its smooth part
 * (RK4, several substeps
 * per sample: the Laplacian's fastest mode at D = 0.2, dx = 0.1, decays at 80/s, and RK4 is stable to about 2.8
 * per step).
 *
 * <p>Why: the encoder's D is about 3x off on the line and its decoded forecast had a skill of -0.2 against
 * persistence live, while the window fit reads D within 1 % (docs/decisions.md, "The line's forecast").
 *
 * @param diffusion D
 * @param remainder a, the coefficient of B
 * @param operator  B
 * @param dx        grid spacing
 * @param modes     smooth modes the field and its dynamics are kept to ({@link #project})
 */
public record LineDynamics(double diffusion, double remainder, RemainderOperator operator, double dx, int modes) {

    /**
     * Smooth modes the shipped forecast uses. Measured on simulated lines (D 0.01-0.2, c 0.02-0.1, 40 windows
     * each, noise 1e-3, skill against persistence over 20 steps): 3 modes 0.52-0.98, 5 modes 0.72-0.99, 8 modes
     * -1.2-0.99, all 20 below -2 where the line advects fast (docs/decisions.md, "The line's forecast").
     */
    public static final int MODES = 5;

    /** RK4 substeps per sample interval. */
    static final int SUBSTEPS = 4;

    /** du/dt at {@code u}, projected onto the smooth modes. */
    double[] derivative(double[] u) {
        double[] out = WeakForm.laplacian(u, dx);
        double[] b = operator.apply(u);
        for (int i = 0; i < out.length; i++) {
            out[i] = diffusion * out[i] + remainder * b[i];
        }
        return project(out);
    }

    /**
     * {@code v} projected onto the first {@link #modes} sine modes of the line (the Dirichlet Laplacian's
     * eigenvectors, the slowest first). Why: B is learnt from the weak form of smooth fields, and on rough ones it
     * has growing directions (its largest Rayleigh quotient is +1.8, times a ≈ 13 at c = 0.05: growth at 24/s), so
     * a forecast from the raw newest sample amplified its noise; the fields the line carries are smooth.
     */
    double[] project(double[] v) {
        int n = v.length;
        double[] out = new double[n];
        double norm = Math.sqrt(2.0 / (n + 1));
        for (int k = 1; k <= Math.min(modes, n); k++) {
            double coefficient = 0;
            for (int i = 0; i < n; i++) {
                coefficient += norm * Math.sin(Math.PI * k * (i + 1) / (n + 1)) * v[i];
            }
            for (int i = 0; i < n; i++) {
                out[i] += coefficient * norm * Math.sin(Math.PI * k * (i + 1) / (n + 1));
            }
        }
        return out;
    }

    /**
     * The field at each of the next {@code steps} samples ({@code dt} apart) from {@code start}; null when the
     * dynamics blow up (a window fit that is no physics, e.g. D far below 0), so the caller keeps another forecast.
     *
     * @return [steps][points]
     */
    public double[][] forecast(double[] start, int steps, double dt) {
        double[][] out = new double[steps][];
        double[] smooth = project(start);
        double[] u = smooth;
        double scale = 0;
        for (double v : start) {
            scale = Math.max(scale, Math.abs(v));
        }
        double h = dt / SUBSTEPS;
        for (int s = 0; s < steps; s++) {
            for (int k = 0; k < SUBSTEPS; k++) {
                u = rk4(u, h);
            }
            out[s] = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                // the smooth part's change, added to the whole field: what the modes leave out stays as it is
                double v = start[i] + u[i] - smooth[i];
                // the line only decays and moves what it holds: growth beyond twice its peak is no physics
                if (!Double.isFinite(v) || Math.abs(v) > 2 * scale + 1e-9) {
                    return null;
                }
                out[s][i] = v;
            }
        }
        return out;
    }

    private double[] rk4(double[] u, double h) {
        int n = u.length;
        double[] k1 = derivative(u);
        double[] k2 = derivative(step(u, k1, h / 2));
        double[] k3 = derivative(step(u, k2, h / 2));
        double[] k4 = derivative(step(u, k3, h));
        double[] next = new double[n];
        for (int i = 0; i < n; i++) {
            next[i] = u[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        return next;
    }

    private static double[] step(double[] u, double[] du, double h) {
        double[] out = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            out[i] = u[i] + h * du[i];
        }
        return out;
    }
}
