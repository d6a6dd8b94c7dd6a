package io.hybridcast.model.kernel;

/**
 * One Linear layer in plain floats, row-major {@code [out][in]} as DJL stores it, evaluated with double
 * accumulation (closer to the exact sum than float32 GEMM, so the difference to DJL stays at float rounding).
 *
 * @param in      input width
 * @param out     output width
 * @param weight  [out][in] flat
 * @param bias    [out]
 */
record Dense(int in, int out, float[] weight, float[] bias) {

    Dense {
        if (weight.length != in * out || bias.length != out) {
            throw new IllegalArgumentException("a Linear layer of " + in + " to " + out + " needs " + in * out
                    + " weights and " + out + " biases, got " + weight.length + " and " + bias.length);
        }
    }

    /** {@code y = W·x + b} for {@code x} at {@code xOffset}; ReLU on the result when asked. */
    void apply(float[] x, int xOffset, float[] y, int yOffset, boolean relu) {
        for (int o = 0; o < out; o++) {
            double acc = bias[o];
            int row = o * in;
            for (int k = 0; k < in; k++) {
                acc += (double) weight[row + k] * x[xOffset + k];
            }
            float v = (float) acc;
            y[yOffset + o] = relu && v < 0 ? 0f : v;
        }
    }

    /** A multilayer perceptron with ReLU between its layers (none after the last), as {@code Networks.mlp}. */
    record Mlp(Dense[] layers) {

        int in() {
            return layers[0].in();
        }

        int out() {
            return layers[layers.length - 1].out();
        }

        /** The network's output for the input at {@code xOffset}. */
        float[] apply(float[] x, int xOffset) {
            float[] current = x;
            int offset = xOffset;
            for (int i = 0; i < layers.length; i++) {
                float[] next = new float[layers[i].out()];
                layers[i].apply(current, offset, next, 0, i < layers.length - 1);
                current = next;
                offset = 0;
            }
            return current;
        }
    }
}
