package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;

/**
 * Maps a physics head's raw output into the prior range of z_p, as {@link ModelSpec#physicsHeadMap()} says.
 * One definition for every model (the hybrid VAEs and APHYNITY's encoder), so they differ only where the
 * papers differ.
 *
 * <p>Why the smooth map is the default: Phys-VAE's Softplus clamped to the range has zero gradient outside
 * it, so a window pushed past a bound early in training stays there for good (we measured many pendulum
 * windows at exactly ω = 0.392, the lower bound; docs/experiments/pendulum/findings.md). {@code min +
 * width·sigmoid(o)} is never on a bound, keeps a gradient everywhere and starts at the middle of the range.
 */
public final class PhysicsHeadMap {

    private PhysicsHeadMap() {
    }

    /** z_p of each row of {@code raw} ([B, 1]), inside [physicsMin, physicsMax]. */
    public static NDArray apply(ModelSpec spec, NDArray raw, Constants c) {
        if (spec.smoothPhysicsHead()) {
            return Activation.sigmoid(raw).mul(c.of(spec.physicsWidth())).add(c.of(spec.physicsMin()));
        }
        return Activation.softPlus(raw).maximum(c.of(spec.physicsMin())).minimum(c.of(spec.physicsMax()));
    }
}
