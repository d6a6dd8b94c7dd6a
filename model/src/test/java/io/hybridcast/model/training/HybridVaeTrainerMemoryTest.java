package io.hybridcast.model.training;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training a hybrid VAE keeps no per-step native arrays: every intermediate (gradient wrappers, clipping, the
 * SAM perturbation and its norm) lives in the step's sub-manager, so a long training does not grow memory.
 */
class HybridVaeTrainerMemoryTest {

    private static final ModelSpec META = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(20).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(16).setEmbedding(8).optMeta(true).build();

    private static double[][][] windows(int b, long seed) {
        Random r = new Random(seed);
        double[][][] w = new double[b][20][1];
        for (double[][] win : w) {
            double phase = r.nextDouble() * 6;
            double omega = 1 + 2 * r.nextDouble();
            for (int t = 0; t < 20; t++) {
                win[t][0] = Math.sin(phase + omega * 0.05 * t);
            }
        }
        return w;
    }

    @ParameterizedTest(name = "sam = {0}")
    @ValueSource(booleans = {false, true})
    void moreTrainingStepsLeaveNoMoreArraysBehind(boolean sam) {
        double[][][] data = windows(16, 1);
        int[] tasks = new int[data.length];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = i / 4;
        }
        int[] epochs = {1, 4};
        int[] live = new int[2];
        for (int k = 0; k < 2; k++) {
            TrainingConfig config = TrainingConfig.defaults("PENDULUM", epochs[k], 3).withSchedule(epochs[k], 4);
            if (sam) {
                config = config.withSam(0.05);
            }
            double[] lastLoss = {Double.NaN};
            try (NDManager root = NDManager.newBaseManager();
                 HybridVae model = HybridVaeTrainer.train(META, config, data, tasks, root,
                         (step, total, epoch, loss, elapsed) -> lastLoss[0] = loss)) {
                live[k] = root.getManagedArrays().size();
                assertThat(lastLoss[0]).as("last training loss").isFinite();
                assertThat(model.spec()).isEqualTo(META);
            }
        }
        // 4 vs 16 steps: a per-step leak (an intermediate attached to the model's manager) shows as a difference
        assertThat(live[0]).as("arrays alive after 4 steps").isPositive();
        assertThat(live[1]).as("arrays alive after 16 steps").isEqualTo(live[0]);
    }
}
