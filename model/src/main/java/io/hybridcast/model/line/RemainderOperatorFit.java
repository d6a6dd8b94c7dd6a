package io.hybridcast.model.line;

import java.util.List;

/**
 * Learns the line's {@link RemainderOperator} from simulated sensors whose D is known: each window's weak-form
 * residual after the known physics, {@code r = lhs − D·Δ∫φu}, is what the physics leaves out; the model is
 * {@code r ≈ a_s·B ∫φu} with one operator B for the population and one coefficient a_s per sensor (rank 1 in
 * operator space: the population's unmodelled factor is one number per sensor). Fitted by alternating least
 * squares: B by one 20×20 ridge solve given the a_s, each a_s in closed form given B, B scaled to a largest entry
 * of 1. No functional form of the remainder is assumed.
 */
public final class RemainderOperatorFit {

    /** One training window: its sensor (0-based), the sensor's known D and its weak form. */
    public record Window(int sensor, double diffusion, WeakForm form) {
    }

    /** Relative ridge on the Gram matrix: directions the windows never excite get no weight. */
    private static final double RIDGE = 1e-9;

    private RemainderOperatorFit() {
    }

    /** Fits B over {@code windows} of {@code sensors} sensors in {@code iterations} alternations. */
    public static RemainderOperator fit(List<Window> windows, int sensors, double dx, int iterations) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("no windows to learn the remainder operator from");
        }
        int n = windows.get(0).form().integral().length;
        double[][] residual = new double[windows.size()][];
        for (int w = 0; w < residual.length; w++) {
            Window win = windows.get(w);
            double[] lap = WeakForm.laplacian(win.form().integral(), dx);
            residual[w] = new double[n];
            for (int i = 0; i < n; i++) {
                residual[w][i] = win.form().lhs()[i] - win.diffusion() * lap[i];
            }
        }
        double[] a = new double[sensors];
        java.util.Arrays.fill(a, 1);
        double[][] b = new double[n][n];
        for (int it = 0; it < iterations; it++) {
            double[][] gram = new double[n][n];
            double[][] rhs = new double[n][n]; // [column j of X^T r][row i of B]
            for (int w = 0; w < residual.length; w++) {
                double as = a[windows.get(w).sensor()];
                double[] v = windows.get(w).form().integral();
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < n; k++) {
                        gram[j][k] += as * as * v[j] * v[k];
                    }
                    for (int i = 0; i < n; i++) {
                        rhs[j][i] += as * v[j] * residual[w][i];
                    }
                }
            }
            double trace = 0;
            for (int j = 0; j < n; j++) {
                trace += gram[j][j];
            }
            for (int j = 0; j < n; j++) {
                gram[j][j] += RIDGE * trace / n;
            }
            double[][] bt = solve(gram, rhs); // rows of B as columns: bt[j][i] = B[i][j]
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    b[i][j] = bt[j][i];
                }
            }
            RemainderOperator op = new RemainderOperator(b, 1);
            double[] num = new double[sensors];
            double[] den = new double[sensors];
            for (int w = 0; w < residual.length; w++) {
                double[] p = op.apply(windows.get(w).form().integral());
                int s = windows.get(w).sensor();
                for (int i = 0; i < n; i++) {
                    num[s] += p[i] * residual[w][i];
                    den[s] += p[i] * p[i];
                }
            }
            double scale = 0;
            for (double[] row : b) {
                for (double v : row) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            for (int s = 0; s < sensors; s++) {
                a[s] = den[s] > 0 ? num[s] / den[s] * scale : a[s];
            }
            for (double[] row : b) {
                for (int j = 0; j < n; j++) {
                    row[j] /= scale;
                }
            }
        }
        return new RemainderOperator(b, 1);
    }

    /**
     * The std scale of {@code op} on {@code windows} ([time][point] with the sensor's known D): the 95 % quantile of
     * |estimate − D| / std over the windows with an estimate, divided by Student's 97.5 % quantile at 18 degrees of
     * freedom (2.101), and at least 1 (a conformal choice: no distribution of the misfit assumed).
     */
    public static double stdScale(RemainderOperator op, List<double[][]> windows, double[] diffusion, double dt,
                                  double dx) {
        DiffusionWindowFit fit = new DiffusionWindowFit(op.withStdScale(1), dt, dx);
        List<Double> ratios = new java.util.ArrayList<>();
        for (int w = 0; w < windows.size(); w++) {
            final double truth = diffusion[w];
            fit.fit(windows.get(w)).ifPresent(e -> ratios.add(Math.abs(e.mean() - truth) / e.std()));
        }
        if (ratios.isEmpty()) {
            throw new IllegalArgumentException("no window with an estimate to scale the std on");
        }
        double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double q = sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.95 * sorted.length) - 1)];
        return Math.max(1, q / 2.101);
    }

    /** Solves {@code m x = rhs} (m symmetric positive definite, n×n; rhs n×k) by Gaussian elimination. */
    static double[][] solve(double[][] m, double[][] rhs) {
        int n = m.length;
        int k = rhs[0].length;
        double[][] a = new double[n][];
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
            x[i] = rhs[i].clone();
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col]; a[col] = a[pivot]; a[pivot] = t;
            t = x[col]; x[col] = x[pivot]; x[pivot] = t;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c < n; c++) {
                    a[r][c] -= f * a[col][c];
                }
                for (int c = 0; c < k; c++) {
                    x[r][c] -= f * x[col][c];
                }
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            for (int c = 0; c < k; c++) {
                double s = x[r][c];
                for (int j = r + 1; j < n; j++) {
                    s -= a[r][j] * x[j][c];
                }
                x[r][c] = s / a[r][r];
            }
        }
        return x;
    }
}
