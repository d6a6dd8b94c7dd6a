package io.hybridcast.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.Constants;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The physics head's map into the prior range: the smooth map stays strictly inside the range and keeps a
 * gradient where Phys-VAE's clamp has none (the trap that held pendulum windows at ω = 0.392).
 */
class PhysicsHeadMapTest {

    private static final ModelSpec SIGMOID = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(20).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(16).setEmbedding(8).optMeta(true).build();
    private static final ModelSpec CLAMP = SIGMOID.withPhysicsHeadMap(ModelSpec.HEAD_CLAMP);
    private static final float[] RAW = {-8f, -3f, 0f, 3f, 8f};

    /** z_p and d z_p / d raw for each raw value. */
    private static float[][] valueAndGradient(ModelSpec spec) {
        try (NDManager m = NDManager.newBaseManager()) {
            Constants c = new Constants(m);
            NDArray raw = m.create(RAW, new Shape(RAW.length, 1));
            raw.setRequiresGradient(true);
            float[] value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray zp = PhysicsHeadMap.apply(spec, raw, c);
                value = zp.toFloatArray();
                collector.backward(zp.sum());
            }
            return new float[][] {value, raw.getGradient().toFloatArray()};
        }
    }

    @Test
    void theSigmoidMapIsInsideTheRangeWithAGradientEverywhere() {
        float[][] r = valueAndGradient(SIGMOID);
        for (int i = 0; i < RAW.length; i++) {
            assertThat(r[0][i]).as("z_p at raw " + RAW[i]).isGreaterThan(0.392f).isLessThan(3.53f);
            assertThat(r[1][i]).as("gradient at raw " + RAW[i]).isGreaterThan(0f);
        }
        // raw 0 (a fresh head) starts in the middle of the range, not near its lower end
        assertThat(r[0][2]).isCloseTo((0.392f + 3.53f) / 2, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void theClampHasNoGradientBelowTheRange() {
        float[][] r = valueAndGradient(CLAMP);
        // softplus(-8), softplus(-3) and softplus(0) = 0.69 ... softplus(-3) = 0.049 < 0.392: clamped, gradient 0
        assertThat(r[0][0]).isEqualTo(0.392f);
        assertThat(r[0][1]).isEqualTo(0.392f);
        assertThat(r[1][0]).isZero();
        assertThat(r[1][1]).isZero();
        assertThat(r[1][2]).isGreaterThan(0f);
    }

    @Test
    void aSpecWithoutTheSettingIsReadAsTheClampItWasTrainedWith() throws Exception {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        String written = json.writeValueAsString(SIGMOID);
        assertThat(json.readValue(written, ModelSpec.class)).isEqualTo(SIGMOID);
        String legacy = json.writeValueAsString(json.readTree(written)).replace(",\"physicsHeadMap\":\"sigmoid\"", "");
        assertThat(legacy).doesNotContain("physicsHeadMap");
        assertThat(json.readValue(legacy, ModelSpec.class).physicsHeadMap()).isEqualTo(ModelSpec.HEAD_CLAMP);
    }

    @Test
    void anUnknownMapIsNamed() {
        assertThatThrownBy(() -> SIGMOID.withPhysicsHeadMap("tanh")).hasMessageContaining("physicsHeadMap")
                .hasMessageContaining("tanh");
    }
}
