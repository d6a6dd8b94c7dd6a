package io.hybridcast.model.aphynity;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * APHYNITY keeps no per-step or per-batch native arrays: training and inference intermediates live in scoped
 * sub-managers (STACK.md 1.5, item 3), so a long training or a stream of inference calls does not grow memory.
 */
class AphynityMemoryTest {

    static final ModelSpec SPEC = Aphynity.specFrom(ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("phys-vae")
            .setWindowLength(20).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(16).setEmbedding(8).build());

    static double[][][] windows(int b, long seed) {
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

    /** Arrays alive under {@code root}, sub-managers included. */
    static int liveArrays(NDManager root) {
        return root.getManagedArrays().size();
    }

    @Test
    void moreTrainingStepsLeaveNoMoreArraysBehind() {
        double[][][] data = windows(16, 1);
        int[] live = new int[2];
        int[] epochs = {1, 4};
        for (int k = 0; k < 2; k++) {
            try (NDManager root = NDManager.newBaseManager();
                 Aphynity model = Aphynity.train(SPEC, AphynityConfig.defaults("PENDULUM", epochs[k], 3)
                         .withSchedule(epochs[k], 4), data, root, (s, total, e, l, el) -> { })) {
                live[k] = liveArrays(root);
                assertThat(model.lambda()).isFinite();
            }
        }
        // 4 vs 16 steps: a per-step leak (an intermediate attached to the model's manager) shows as a difference
        assertThat(live[0]).as("arrays alive after 4 steps").isPositive();
        assertThat(live[1]).as("arrays alive after 16 steps").isEqualTo(live[0]);
    }

    @Test
    void manyInferenceBatchesLeaveNoArraysBehind() {
        try (NDManager root = NDManager.newBaseManager(); Aphynity model = new Aphynity(SPEC, root, 5)) {
            model.infer(windows(8, 0), null, 10); // warm-up: creates the cached constants
            int before = liveArrays(root);
            assertThat(before).isPositive();
            for (int i = 0; i < 30; i++) {
                model.infer(windows(8, i), null, 10);
                model.inferWithPooledContext(windows(2, i), null, null, 3);
            }
            assertThat(liveArrays(root)).isEqualTo(before);
        }
    }
}
