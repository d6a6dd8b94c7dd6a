package io.hybridcast.model.training;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The builder: required settings, Phys-VAE defaults for the rest, named refusals. */
class TrainingConfigTest {

    private static TrainingConfig.Builder required() {
        return TrainingConfig.builder().setEpochs(3).setBatchSize(16).setLearningRate(1e-3).setSeed(7)
                .setAlpha(1e-2).setBeta(1e-1).setGamma(1e-3);
    }

    @Test
    void theOptionalSettingsDefaultToPhysVaes() {
        TrainingConfig config = required().build();
        assertThat(config).isEqualTo(new TrainingConfig(3, 16, 1e-3, 7, 5, 1e-2, 1e-1, 1e-3, 5, 0, true, true,
                TrainingConfig.DEFAULT_KL_WEIGHT, TrainingConfig.DEFAULT_PHYSICS_WARMUP_STEPS,
                TrainingConfig.DEFAULT_HORIZON_RESIDUAL_WEIGHT, false));
    }

    @Test
    void thePaperDefaultsPerSystem() {
        assertThat(TrainingConfig.defaults("PENDULUM", 60, 7))
                .isEqualTo(new TrainingConfig(60, 200, 1e-3, 7, 5, 1e-2, 1e-1, 1e-3, 5, 0, true, true, 1, 0, 1, false));
        assertThat(TrainingConfig.defaults("ADVECTION_DIFFUSION", 60, 7))
                .isEqualTo(new TrainingConfig(60, 200, 1e-3, 7, 5, 1e-1, 1e6, 1e-2, 5, 0, true, true, 1, 0, 1, false));
    }

    @Test
    void everyOptionalSettingIsSetAndKeptByToBuilder() {
        TrainingConfig config = required().optContextSize(2).optGradientClip(3).optSamRho(0.05)
                .optSamEncoderNeural(false).optRegularisers(false).optKlWeight(4).optPhysicsWarmupSteps(300)
                .optHorizonResidualWeight(0).optLeastActionKeepsDrive(true).build();
        assertThat(config).isEqualTo(new TrainingConfig(3, 16, 1e-3, 7, 2, 1e-2, 1e-1, 1e-3, 3, 0.05, false, false,
                4, 300, 0, true));
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.withSchedule(9, 32)).isEqualTo(new TrainingConfig(9, 32, 1e-3, 7, 2, 1e-2, 1e-1, 1e-3, 3,
                0.05, false, false, 4, 300, 0, true));
        assertThat(config.withSam(0.1).samRho()).isEqualTo(0.1);
    }

    @Test
    void aMissingRequiredSettingIsNamed() {
        assertThatThrownBy(() -> TrainingConfig.builder().setBatchSize(16).setLearningRate(1e-3).setSeed(7)
                .setAlpha(1e-2).setBeta(1e-1).setGamma(1e-3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setEpochs");
        assertThatThrownBy(() -> TrainingConfig.builder().setEpochs(3).setBatchSize(16).setLearningRate(1e-3)
                .setSeed(7).setAlpha(1e-2).setBeta(1e-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gamma");
    }

    @Test
    void aBadValueIsNamedWithTheValue() {
        assertThatThrownBy(() -> required().setBatchSize(0).build()).hasMessageContaining("batchSize")
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> required().optSamRho(-0.5).build()).hasMessageContaining("samRho")
                .hasMessageContaining("-0.5");
        assertThatThrownBy(() -> required().optPhysicsWarmupSteps(-3).build())
                .hasMessageContaining("physicsWarmupSteps").hasMessageContaining("-3");
    }

    @Test
    void regulariserWeightsAndTheClipAreValidated() {
        assertThatThrownBy(() -> required().setAlpha(-0.1).build()).hasMessageContaining("training setting alpha")
                .hasMessageContaining("-0.1");
        assertThatThrownBy(() -> required().setBeta(Double.NaN).build()).hasMessageContaining("training setting beta")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> required().setGamma(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("training setting gamma").hasMessageContaining("Infinity");
        assertThatThrownBy(() -> required().optGradientClip(0).build())
                .hasMessageContaining("training setting gradientClip").hasMessageContaining("got 0");
        assertThat(required().setAlpha(0).setBeta(0).setGamma(0).build().alpha()).isZero();
    }
}
