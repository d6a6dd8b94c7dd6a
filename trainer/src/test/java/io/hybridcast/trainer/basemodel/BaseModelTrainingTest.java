package io.hybridcast.trainer.basemodel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.training.TrainingListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small population-trained pendulum model (seconds of training) reads ω of unseen simulated sensors from
 * live-style windows (query every hop, K aligned disjoint context windows before it); the same settings give
 * the same model.
 */
class BaseModelTrainingTest {

    /**
     * Mean relative error of ω per sensor (its window estimates averaged) that the small model must beat on unseen
     * sensors; an untrained model, whose head sits near the middle of the prior range, scores above it on the
     * same sensors (43.9 % measured), and the small model 26.7 % (docs/trainer.md, "CI").
     */
    static final double BOUND = 0.30;

    static BaseModelTraining.Settings small(int steps, int tasks) {
        return new BaseModelTraining.Settings(SystemKind.PENDULUM, tasks, steps, 3, 40, 15, 50, 10, 10, 5, 20, 64,
                "rk4", 100, 4, 12, 100, 0, 0);
    }

    @Test
    void aSmallPopulationTrainedModelRecoversOmegaOfUnseenSensors() {
        List<String> log = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            BaseModelTraining.Result result = BaseModelTraining.train(small(300, 60), manager, TrainingListener.NONE,
                    log::add);
            assertThat(result.untrained().sensorRelErr()).as("untrained, per sensor").isGreaterThan(BOUND);
            assertThat(result.test().sensorRelErr()).as("trained, per sensor: " + log).isLessThan(BOUND);
            assertThat(result.test().sensors()).isGreaterThanOrEqualTo(10);
            assertThat(result.test().atBound()).isLessThan(0.05);
            // validations every 100 joint-fit steps (warm-up not counted), the best one kept and reported
            assertThat(result.validations()).extracting(BaseModelTraining.Validation::step)
                    .containsExactly(100, 200, 300);
            BaseModelTraining.Validation best = result.validations().stream()
                    .min(java.util.Comparator.comparingDouble(BaseModelTraining.Validation::sensorRelErr)).orElseThrow();
            assertThat(result.bestStep()).isEqualTo(best.step());
            assertThat(log).anyMatch(line -> line.startsWith("training stopped: step budget used up"));
        }
    }

    @Test
    void theSameSettingsGiveTheSameModel() {
        Map<String, float[]> first = parameters(small(4, 4));
        Map<String, float[]> second = parameters(small(4, 4));
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((id, values) -> assertThat(second.get(id)).as(id).containsExactly(values));
    }

    private static Map<String, float[]> parameters(BaseModelTraining.Settings settings) {
        try (NDManager manager = NDManager.newBaseManager()) {
            BaseModelTraining.Result r = BaseModelTraining.train(settings, manager, TrainingListener.NONE, line -> { });
            Map<String, float[]> out = new java.util.HashMap<>();
            r.model().allParameters().forEach((id, p) -> out.put(id, p.getArray().toFloatArray()));
            return out;
        }
    }
}
