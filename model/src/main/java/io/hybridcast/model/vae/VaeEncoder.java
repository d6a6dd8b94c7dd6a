package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;

/**
 * The encoder of {@link HybridVae}: a set network embeds each window; the mean of the embeddings of
 * {context ∪ query} gives the posterior of z_n (the context alone its conditional prior). An unmixer
 * {@code u = x + g(x, μ_zn)} strips what the physics does not explain before a range-bounded physics head infers
 * z_p; a velocity head infers the unobserved part of the initial state.
 */
final class VaeEncoder {

    private final ModelSpec spec;
    private final Physics physics;
    private final Constants c;
    private final BlockRunner runner;
    private final int inputSize;
    private final int n;
    private final Block setEmbed;
    private final Block latentHead;
    private final Block unmixer;
    private final Block physicsHead;
    private final Block velocityHead;
    private final WindowSpectrum spectrum;
    private final RotatingDrive drive;
    private OracleLatents oracle;

    /** {@code drive} is null when the spec has no rotating drive. */
    VaeEncoder(ModelSpec spec, Physics physics, Constants c, BlockRunner runner, Block setEmbed, Block latentHead,
               Block unmixer, Block physicsHead, Block velocityHead, RotatingDrive drive) {
        this.spec = spec;
        this.physics = physics;
        this.c = c;
        this.runner = runner;
        this.inputSize = spec.windowLength() * spec.channels();
        this.n = spec.neuralLatents();
        this.setEmbed = setEmbed;
        this.latentHead = latentHead;
        this.unmixer = unmixer;
        this.physicsHead = physicsHead;
        this.velocityHead = velocityHead;
        this.spectrum = spec.embedSpectrum() ? new WindowSpectrum(spec) : null;
        this.drive = drive;
    }

    /** Offline oracle ablation only: z_n's posterior becomes the truth {@code oracle} holds (null: the encoder's). */
    void setOracle(OracleLatents oracle) {
        if (oracle != null && oracle.size() != n) {
            throw new IllegalArgumentException("oracle gives " + oracle.size() + " latents, the model has " + n);
        }
        this.oracle = oracle;
    }

    /** Per-window embeddings, [B, E]. {@code windows} is [B, T, C]. */
    NDArray embed(NDArray windows, boolean training) {
        return runner.forward(setEmbed, embedInput(windows, flat(windows)), training);
    }

    /** What the set encoder reads: the flat window, and its spectrum when the spec asks for it. */
    private NDArray embedInput(NDArray windows, NDArray flat) {
        return spectrum == null ? flat : NDArrays.concat(new NDList(flat, spectrum.magnitudes(windows)), 1);
    }

    NDArray flat(NDArray windows) {
        return windows.reshape(windows.getShape().get(0), inputSize);
    }

    /**
     * @param windows       [B, T, C]
     * @param embeddingSums [B, E] sum of the context embeddings (zeros for none)
     * @param counts        [B, 1] number of context windows (float)
     */
    HybridVae.Posterior encode(NDArray windows, NDArray embeddingSums, NDArray counts, boolean training) {
        NDArray x = flat(windows);
        NDArray own = runner.forward(setEmbed, embedInput(windows, x), training);
        NDArray pooled = spec.meta()
                ? own.add(embeddingSums).div(counts.add(c.of(1)))
                : own;
        NDArray latent = runner.forward(latentHead, pooled, training);
        NDArray latentMean = n == 0 ? latent.get(":, 0:0") : latent.get(":, 0:" + n);
        NDArray latentLogVar = n == 0 ? latent.get(":, 0:0") : latent.get(":, " + n + ":" + (2 * n));
        if (oracle != null) {
            latentMean = oracle.latents(windows);
            latentLogVar = latentMean.zerosLike().add(c.of(OracleLatents.LOG_VARIANCE));
        }
        NDArray unmixed = x.add(runner.forward(unmixer, NDArrays.concat(new NDList(x, latentMean), 1), training));
        NDArray[] head = physicsHead(unmixed, training);
        NDArray first = windows.get(":, 0, :");
        NDArray velocity = physics.unobservedDim() == 0 ? null : runner.forward(velocityHead, x, training);
        NDArray initial;
        if (drive != null) {
            // the drive's columns (c₀, s₀, W) follow the physical state (RotatingDrive)
            NDArray[] d = drive.encode(windows, latentMean, head[0], training);
            initial = NDArrays.concat(new NDList(first, velocity.add(d[0]), d[1]), 1);
        } else {
            initial = velocity == null ? first : NDArrays.concat(new NDList(first, velocity), 1);
        }
        return new HybridVae.Posterior(latentMean, latentLogVar, head[0], head[1], unmixed, initial);
    }

    /** Mean (mapped into the prior range, {@link PhysicsHeadMap}) and log variance of z_p, each [B, 1]. */
    NDArray[] physicsHead(NDArray unmixed, boolean training) {
        NDArray out = runner.forward(physicsHead, unmixed, training);
        NDArray mean = PhysicsHeadMap.apply(spec, out.get(":, 0:1"), c);
        return new NDArray[] {mean, out.get(":, 1:2")};
    }

    /** Conditional prior of z_n from the context alone: mean and log variance, [B, n] each. */
    NDArray[] contextPrior(NDArray embeddingSums, NDArray counts, boolean training) {
        NDArray pooled = embeddingSums.div(counts.maximum(c.of(1)));
        NDArray latent = runner.forward(latentHead, pooled, training);
        return new NDArray[] {latent.get(":, 0:" + n), latent.get(":, " + n + ":" + (2 * n))};
    }
}
