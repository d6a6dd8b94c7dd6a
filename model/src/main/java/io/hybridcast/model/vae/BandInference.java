package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.Inference;

/**
 * How {@link HybridVae} turns the encoder's posterior of one batch into forecast, band and latents: by
 * Monte-Carlo samples ({@link MonteCarloBand}) or by deterministic sigma points ({@link SigmaPointInference}).
 */
interface BandInference {

    /**
     * @param step    manager of this call; everything created is freed with it
     * @param q       the encoder's posterior of the batch
     * @param b       windows in the batch
     * @param horizon forecast samples beyond the window
     */
    Inference infer(NDManager step, HybridVae.Posterior q, int b, int horizon);
}
