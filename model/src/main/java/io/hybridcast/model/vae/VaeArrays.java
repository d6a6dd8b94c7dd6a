package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Conversions between Java arrays and NDArrays, and row repetition, for the model's inference paths. */
public final class VaeArrays {

    private VaeArrays() {
    }

    /** Repeats each row {@code times} times, consecutively: [B, ...] to [B·times, ...]. */
    static NDArray repeat(NDArray a, int times) {
        Shape shape = a.getShape();
        long[] dims = shape.getShape();
        long[] expanded = new long[dims.length + 1];
        expanded[0] = dims[0];
        expanded[1] = times;
        System.arraycopy(dims, 1, expanded, 2, dims.length - 1);
        long[] flat = dims.clone();
        flat[0] = dims[0] * times;
        return a.expandDims(1).broadcast(new Shape(expanded)).reshape(new Shape(flat));
    }

    /** Row-major float copy of [B][T][C] windows, as {@code NDManager.create(float[], Shape)} takes them. */
    public static float[] toFloat(double[][][] a) {
        int b = a.length;
        int t = b == 0 ? 0 : a[0].length;
        int ch = t == 0 ? 0 : a[0][0].length;
        float[] out = new float[b * t * ch];
        int k = 0;
        for (double[][] w : a) {
            for (double[] s : w) {
                for (double v : s) {
                    out[k++] = (float) v;
                }
            }
        }
        return out;
    }

    static double[][] to2d(NDArray a, int rows, int cols) {
        float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i][j] = f[i * cols + j];
            }
        }
        return out;
    }

    static double[][][] to3d(NDArray a, int b, int t, int ch) {
        float[] f = a.toFloatArray();
        double[][][] out = new double[b][t][ch];
        int k = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                for (int m = 0; m < ch; m++) {
                    out[i][j][m] = f[k++];
                }
            }
        }
        return out;
    }

    static double[][][] slice(double[][][] a, int from, int to) {
        double[][][] out = new double[a.length][][];
        for (int i = 0; i < a.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(a[i], from, to);
        }
        return out;
    }

    /**
     * Pooled context sums [B, E] and counts [B, 1] of B windows in {@code step}, for the encoder and the context's
     * prior; null sums or counts: none.
     */
    static NDArray[] context(NDManager step, int b, int embedding, double[][] sums, int[] counts) {
        float[] sumFlat = new float[b * embedding];
        float[] countFlat = new float[b];
        for (int i = 0; i < b; i++) {
            countFlat[i] = counts == null ? 0 : counts[i];
            for (int j = 0; j < embedding; j++) {
                sumFlat[i * embedding + j] = sums == null ? 0f : (float) sums[i][j];
            }
        }
        return new NDArray[] {step.create(sumFlat, new Shape(b, embedding)), step.create(countFlat, new Shape(b, 1))};
    }
}
