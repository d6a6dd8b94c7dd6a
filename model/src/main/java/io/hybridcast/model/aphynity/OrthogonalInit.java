package io.hybridcast.model.aphynity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.nio.FloatBuffer;
import java.util.Random;

/**
 * Orthogonal weight initialisation with a gain (PyTorch's {@code nn.init.orthogonal_}), which APHYNITY uses for
 * F_a with gain 0.2. DJL 0.35.1 has no orthogonal initializer, so this fills a 2-d weight in place: a Gaussian
 * matrix orthonormalised by modified Gram-Schmidt (orthonormal columns when rows >= cols, else orthonormal
 * rows), times the gain.
 */
public final class OrthogonalInit {

    private OrthogonalInit() {
    }

    /** Fills {@code weight} ([rows, cols]) with a scaled (semi-)orthogonal matrix. */
    public static void fill(NDArray weight, double gain, Random random) {
        Shape shape = weight.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("orthogonal init needs a 2-d weight, got shape " + shape);
        }
        int rows = (int) shape.get(0);
        int cols = (int) shape.get(1);
        double[][] m = matrix(rows, cols, random);
        float[] values = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                values[i * cols + j] = (float) (gain * m[i][j]);
            }
        }
        weight.set(FloatBuffer.wrap(values));
    }

    /** A rows × cols matrix with orthonormal columns (rows >= cols) or orthonormal rows (rows < cols). */
    static double[][] matrix(int rows, int cols, Random random) {
        boolean tall = rows >= cols;
        int n = tall ? rows : cols;
        int k = tall ? cols : rows;
        // k orthonormal vectors of length n
        double[][] v = new double[k][n];
        for (int a = 0; a < k; a++) {
            for (int i = 0; i < n; i++) {
                v[a][i] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) { // twice is enough for float-level orthogonality
                for (int b = 0; b < a; b++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += v[a][i] * v[b][i];
                    }
                    for (int i = 0; i < n; i++) {
                        v[a][i] -= dot * v[b][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += v[a][i] * v[a][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                v[a][i] /= norm;
            }
        }
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i][j] = tall ? v[j][i] : v[i][j];
            }
        }
        return out;
    }
}
