package io.hybridcast.model.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder's defaults, its refusal of missing or invalid values, and copies through {@code toBuilder}. */
class ModelSpecBuilderTest {

    private static ModelSpec.Builder pendulum() {
        return ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae").setWindowLength(50)
                .setChannels(1).setDt(0.05).setPhysicsName("omega").setPhysicsRange(0.392, 3.53).setNeuralLatents(3)
                .setHidden(32).setEmbedding(16);
    }

    @Test
    void optionalValuesTakeTheirDocumentedDefaults() {
        ModelSpec spec = pendulum().build();
        assertEquals(new ModelSpec("PENDULUM", "meta-hybrid-vae", 50, 1, 0.05, 0, "omega", 0.392, 3.53, 3, 32, 16, 1,
                "rk4", -9, true, true, false, ModelSpec.HEAD_SIGMOID, ModelSpec.RESIDUAL_MLP, 0, false, false), spec);
    }

    @Test
    void aMissingRequiredValueIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pendulum().setHidden(32).setEmbedding(16).setDt(0.05).setPhysicsName(null).build());
        assertTrue(e.getMessage().contains("physicsName"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().setSystem("PENDULUM").build());
        assertTrue(e.getMessage().contains("algorithm"), e.getMessage());
    }

    @Test
    void anInvalidValueIsRefusedByTheSpec() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pendulum().optSolver("midpoint").build());
        assertTrue(e.getMessage().contains("solver") && e.getMessage().contains("midpoint"), e.getMessage());
    }

    @Test
    void toBuilderCopiesEveryValue() {
        ModelSpec spec = pendulum().optMaxHorizon(20).optSubsteps(2).optSolver("euler").optLogObsVariance(-4)
                .optUseNeural(false).optMeta(true).optPhysicsHeadMap(ModelSpec.HEAD_CLAMP).optTimeBank(48).optEmbedSpectrum(true)
                .optDrive(true).build();
        assertEquals(spec, spec.toBuilder().build());
        ModelSpec variant = spec.withVariant("phys-vae", true, true, false);
        assertEquals("phys-vae", variant.algorithm());
        assertEquals(spec.solver(), variant.solver());
        assertEquals(spec.physicsHeadMap(), variant.physicsHeadMap());
    }
}
