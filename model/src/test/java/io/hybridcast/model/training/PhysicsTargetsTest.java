package io.hybridcast.model.training;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.physics.PriorRange;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Supervision of the physics head with a digital twin's known z_p: it pulls the head's estimates to the targets,
 * and windows whose z_p is unknown (NaN) are trained exactly as without supervision.
 */
class PhysicsTargetsTest {

    private static final ModelSpec META = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(50).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(PriorRange.PENDULUM.min(), PriorRange.PENDULUM.max()).setNeuralLatents(3).setHidden(16)
            .setEmbedding(8).optMeta(true).build();
    private static final double TARGET = 3.0;

    private static double[][][] windows(int b) {
        Random r = new Random(3);
        double[][][] w = new double[b][50][1];
        for (double[][] win : w) {
            double a = 0.3 + r.nextDouble();
            double omega = 1 + 2 * r.nextDouble();
            for (int t = 0; t < 50; t++) {
                win[t][0] = a * Math.cos(omega * 0.05 * t);
            }
        }
        return w;
    }

    private static TrainingConfig config() {
        return TrainingConfig.defaults("PENDULUM", 30, 5).toBuilder().setBatchSize(16).setLearningRate(1e-2)
                .optContextSize(2).build();
    }

    private static Map<String, float[]> train(double[][][] w, PhysicsTargets targets, double[] meanZp) {
        int[] tasks = new int[w.length];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = i % 4;
        }
        try (NDManager manager = NDManager.newBaseManager(); HybridVae model = new HybridVae(META, manager, 9)) {
            HybridVaeTrainer.continueTraining(model, config(), w, tasks, targets, TrainingListener.NONE);
            double[][] zp = model.infer(w, null, 0).physicsMean();
            meanZp[0] = Arrays.stream(zp).mapToDouble(z -> z[0]).average().orElseThrow();
            Map<String, float[]> out = new java.util.HashMap<>();
            model.allParameters().forEach((id, p) -> out.put(id, p.getArray().toFloatArray()));
            return out;
        }
    }

    @Test
    void knownTargetsPullTheHeadToThemAndUnknownOnesChangeNothing() {
        double[][][] w = windows(32);
        double[] known = new double[w.length];
        Arrays.fill(known, TARGET);
        double[] unknown = new double[w.length];
        Arrays.fill(unknown, Double.NaN);

        double[] unsupervisedZp = new double[1];
        Map<String, float[]> unsupervised = train(w, PhysicsTargets.NONE, unsupervisedZp);
        double[] supervisedZp = new double[1];
        train(w, new PhysicsTargets(known, 100), supervisedZp);
        double[] nanZp = new double[1];
        Map<String, float[]> withNaN = train(w, new PhysicsTargets(unknown, 100), nanZp);

        assertThat(Math.abs(supervisedZp[0] - TARGET)).as("supervised head's distance to the target")
                .isLessThan(0.5 * Math.abs(unsupervisedZp[0] - TARGET));
        unsupervised.forEach((id, values) -> assertThat(withNaN.get(id)).as(id).containsExactly(values));
    }

    @Test
    void targetsMustMatchTheWindows() {
        double[][][] w = windows(4);
        assertThatThrownBy(() -> train(w, new PhysicsTargets(new double[3], 1), new double[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 physics targets");
        assertThatThrownBy(() -> new PhysicsTargets(new double[1], -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight");
    }
}
