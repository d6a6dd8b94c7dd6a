package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Runs one of the model's blocks on one input through the model's parameter store. */
final class BlockRunner {

    private final ParameterStore parameterStore;

    BlockRunner(ParameterStore parameterStore) {
        this.parameterStore = parameterStore;
    }

    NDArray forward(Block block, NDArray input, boolean training) {
        return block.forward(parameterStore, new NDList(input), training).singletonOrThrow();
    }
}
