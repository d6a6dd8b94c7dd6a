package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import java.util.function.Function;

/** Small builders for the multilayer perceptrons the hybrid VAE is made of. */
final class Networks {

    private Networks() {
    }

    /** Linear layers of the given widths with ReLU between them (none after the last). */
    static Block mlp(int... units) {
        return mlp(Activation::relu, units);
    }

    /** Linear layers of the given widths with a smooth tanh between them, for vector fields inside the ODE. */
    static Block smoothMlp(int... units) {
        return mlp(Activation::tanh, units);
    }

    /** Sets the last linear layer's weight and bias to zero, so that the block's output starts at zero. */
    static void zeroLastLayer(Block block) {
        Linear last = null;
        for (var child : block.getChildren()) {
            if (child.getValue() instanceof Linear linear) {
                last = linear;
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("block has no linear layer");
        }
        for (var p : last.getParameters()) {
            NDArray array = p.getValue().getArray();
            array.set(new float[(int) array.size()]);
        }
    }

    private static Block mlp(Function<NDList, NDList> activation, int... units) {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < units.length; i++) {
            block.add(Linear.builder().setUnits(units[i]).build());
            if (i < units.length - 1) {
                block.add(activation);
            }
        }
        return block;
    }
}
