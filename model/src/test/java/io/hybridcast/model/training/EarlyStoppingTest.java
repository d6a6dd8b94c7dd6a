package io.hybridcast.model.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Early stopping keeps the best checkpoint, halves the rate on a plateau and stops after the patience. */
class EarlyStoppingTest {

    private static final ModelSpec SPEC = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(20).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(2).setHidden(8).setEmbedding(4).optMeta(true).build();

    @Test
    void keepsTheBestCheckpointDecaysTheRateAndStops() {
        try (NDManager root = NDManager.newBaseManager(); HybridVae model = new HybridVae(SPEC, root, 1)) {
            Map<String, Parameter> parameters = model.allParameters();
            Parameter probe = parameters.values().iterator().next();
            // metric by validation: improves twice, then stalls; the parameters change after every step
            double[] metrics = {5, 3, 3.2, 3.1, 2.98, 4};
            int[] call = {0};
            List<float[]> seen = new ArrayList<>();
            List<Double> validated = new ArrayList<>();
            TrainingListener progress = new TrainingListener() {
                @Override
                public void onStep(int step, int total, int epoch, double loss, long elapsedNanos) {
                }

                @Override
                public void onValidation(int step, double metric, double best) {
                    validated.add(metric);
                }
            };
            EarlyStopping stopping = new EarlyStopping(parameters, () -> {
                seen.add(probe.getArray().toFloatArray());
                return metrics[call[0]++];
            }, new EarlyStopping.Schedule(2, 3, 2, 1), progress);
            int step = 0;
            while (!stopping.stopRequested() && step < 100) {
                step++;
                float[] values = probe.getArray().toFloatArray();
                values[0] += 1;
                probe.getArray().set(values);
                stopping.onStep(step, 100, 1, 0, 0);
            }
            // validations at steps 3, 5, 7, 9, 11 (step 1 is skipped, then every 2): 5, 3, 3.2, 3.1, 2.98 (not 1 %
            // better than 3: the third stall) -> stop at step 11
            assertEquals(11, step);
            assertEquals(List.of(5.0, 3.0, 3.2, 3.1, 2.98), validated);
            assertTrue(stopping.stopRequested());
            assertEquals(11, stopping.bestStep(), "2.98 at step 11 is the lowest value, kept though not 1 % better");
            // two stalls halve the rate once (after 3.2, 3.1), the third starts a new count
            assertEquals(0.5, stopping.learningRateFactor());
            float[] later = probe.getArray().toFloatArray();
            later[0] += 7;
            probe.getArray().set(later);
            stopping.restoreBest();
            assertArrayEquals(seen.get(4), probe.getArray().toFloatArray());
        }
    }

    @Test
    void aUsedUpWallClockBudgetValidatesOnceMoreAndEnds() throws InterruptedException {
        try (NDManager root = NDManager.newBaseManager(); HybridVae model = new HybridVae(SPEC, root, 1)) {
            int[] calls = {0};
            EarlyStopping stopping = new EarlyStopping(model.allParameters(), () -> ++calls[0],
                    new EarlyStopping.Schedule(1000, 0, 0, 0, 1e-4), TrainingListener.NONE);
            stopping.onStep(1, 100, 1, 0, 0);
            assertFalse(stopping.stopRequested());
            Thread.sleep(20); // the budget is 6 ms
            stopping.onStep(2, 100, 1, 0, 0);
            assertEquals(1, calls[0]);
            assertTrue(stopping.stopRequested());
            assertEquals(2, stopping.bestStep());
        }
    }

    @Test
    void theLastStepIsValidatedAndEnds() {
        try (NDManager root = NDManager.newBaseManager(); HybridVae model = new HybridVae(SPEC, root, 1)) {
            int[] calls = {0};
            EarlyStopping stopping = new EarlyStopping(model.allParameters(), () -> ++calls[0],
                    new EarlyStopping.Schedule(10, 0, 0, 0), TrainingListener.NONE);
            for (int step = 1; step <= 7; step++) {
                stopping.onStep(step, 7, 1, 0, 0);
            }
            assertEquals(1, calls[0]);
            assertTrue(stopping.stopRequested());
            assertEquals(1.0, stopping.learningRateFactor());
        }
    }
}
