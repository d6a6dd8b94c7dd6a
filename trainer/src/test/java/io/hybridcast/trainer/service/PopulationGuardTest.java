package io.hybridcast.trainer.service;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.fusion.IntervalCalibration;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.trainer.basemodel.BaseModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The promotion guard on a held-out simulated population: a candidate that reads ω worse than the served version
 * is refused whatever its prediction MSE, an equally good one passes, and the guard scores real models.
 */
class PopulationGuardTest {

    private static TrainerSettings settings(TrainerSettings.Promotion promotion) {
        return TrainerSettings.builder().setBootstrapServers("localhost:9").setSystem(SystemKind.PENDULUM)
                .optAllowUnsigned(true).optPromotion(promotion).build();
    }

    @Test
    void aCandidateWorseOnThePopulationIsRefusedAnEqualOnePasses() {
        PromotionRule rule = new PromotionRule(settings(TrainerSettings.Promotion.BETTER));
        assertThat(rule.populationRejection(0.10, 0.10)).isNull();
        assertThat(rule.populationRejection(0.104, 0.10)).isNull();
        assertThat(rule.populationRejection(0.09, 0.10)).isNull();
        assertThat(rule.populationRejection(0.106, 0.10)).contains("10.60 %").contains("10.00 %");
        assertThat(rule.populationRejection(Double.NaN, 0.10)).contains("NaN");
        assertThat(new PromotionRule(settings(TrainerSettings.Promotion.ALWAYS)).populationRejection(0.5, 0.1))
                .isNull();
    }

    @Test
    void aGuardOfOneSensorIsABadSetting() {
        assertThatThrownBy(() -> new PopulationGuard(settings(TrainerSettings.Promotion.BETTER), 1))
                .hasMessageContaining("--guard-sensors").hasMessageContaining("got 1");
        assertThatThrownBy(() -> new ContinuationSettings(true, 100, 600, -1))
                .hasMessageContaining("--guard-sensors").hasMessageContaining("got -1");
    }

    @Test
    void theGuardTellsTheBaseModelFromAnUntrainedOne() throws Exception {
        TrainerSettings settings = settings(TrainerSettings.Promotion.BETTER);
        PopulationGuard guard = new PopulationGuard(settings, 6);
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelBundle bundle = ModelBundle.read(BaseModels.shipped(SystemKind.PENDULUM).orElseThrow(), "PENDULUM");
            HybridVae base = bundle.instantiate(manager);
            HybridVae untrained = new HybridVae(base.spec(), manager, 5);
            // both judged as published under the shipped version's calibration, as the service judges them
            IntervalCalibration calibration = IntervalCalibration.fromMetrics(bundle.metrics(), PriorRange.PENDULUM);
            double baseError = guard.error(base, calibration);
            double untrainedError = guard.error(untrained, calibration);
            assertThat(baseError).isBetween(0.0, 0.25);
            assertThat(untrainedError).isGreaterThan(1.5 * baseError);
            assertThat(guard.error(base, calibration)).isEqualTo(baseError); // the same sensors judge every candidate
            PromotionRule rule = new PromotionRule(settings);
            assertThat(rule.populationRejection(untrainedError, baseError)).contains("worse");
            assertThat(rule.populationRejection(baseError, untrainedError)).isNull();
        }
    }
}
