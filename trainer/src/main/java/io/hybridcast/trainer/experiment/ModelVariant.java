package io.hybridcast.trainer.experiment;

import io.hybridcast.model.aphynity.Aphynity;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.TrainingConfig;

import java.util.List;

/**
 * The models and ablations an experiment compares, by the ids of results.json. Each is a variant of the
 * same spec and training config, so they differ only where the papers differ.
 *
 * @param id      results.json id
 * @param meta    context-conditional prior of z_n
 * @param neural  neural terms in the decoder
 * @param physics physics term in the decoder
 * @param sam     SAM on the neural group (ρ = 0.05)
 */
public record ModelVariant(String id, boolean meta, boolean neural, boolean physics, boolean sam) {

    /** Every variant this build can train. */
    public static final List<ModelVariant> ALL = List.of(
            new ModelVariant("meta-hybrid-vae", true, true, true, false),
            new ModelVariant("phys-vae", false, true, true, false),
            new ModelVariant(Aphynity.ID, false, true, true, false),
            new ModelVariant("meta-hybrid-vae+sam", true, true, true, true),
            new ModelVariant("phys-vae+sam", false, true, true, true),
            new ModelVariant("physics-only", false, false, true, false),
            new ModelVariant("neural-only", false, true, false, false));

    /** The spec of this variant. */
    public ModelSpec spec(ModelSpec base) {
        return base.withVariant(id, neural, physics, meta);
    }

    /** The training config of this variant. */
    public TrainingConfig config(TrainingConfig base) {
        return sam ? base.withSam(0.05) : base;
    }

    /** Whether this is APHYNITY (its own model and loss, no neural latent) rather than a hybrid VAE. */
    public boolean aphynity() {
        return Aphynity.ID.equals(id);
    }

    /** Whether z_p of this variant means anything (neural-only has no physics to read it from). */
    public boolean hasPhysics() {
        return physics;
    }

    /** Whether z_n of this variant means anything (physics-only has no neural part). */
    public boolean hasNeural() {
        return neural && !aphynity();
    }
}
