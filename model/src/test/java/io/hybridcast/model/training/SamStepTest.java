package io.hybridcast.model.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SAM's contract: the perturbation of the neural group is undone before the optimiser step (with a vanishing
 * learning rate the weights come back unchanged although the perturbation was large), and the step is taken
 * with the gradient at the perturbed point (with a real learning rate SAM and plain Adam move the weights
 * differently from the same start).
 */
class SamStepTest {

    private static final ModelSpec META = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(20).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(16).setEmbedding(8).optMeta(true).build();

    private static double[][][] windows(int b) {
        Random r = new Random(7);
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

    private static Map<String, float[]> weights(HybridVae model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (boolean physics : new boolean[] {true, false}) {
            for (Map.Entry<String, Parameter> e : model.parameters(physics).entrySet()) {
                out.put(e.getKey(), e.getValue().getArray().toFloatArray());
            }
        }
        return out;
    }

    private static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
        double max = 0;
        for (String id : a.keySet()) {
            float[] x = a.get(id);
            float[] y = b.get(id);
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    /** Weights after training one full batch from seed 5 with the given learning rate and SAM radius. */
    private static Map<String, float[]> afterOneStep(double learningRate, double rho, Map<String, float[]> start) {
        double[][][] data = windows(16);
        int[] tasks = new int[data.length];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = i / 4;
        }
        TrainingConfig config = TrainingConfig.defaults("PENDULUM", 1, 5).toBuilder().setBatchSize(16)
                .setLearningRate(learningRate).optSamRho(rho).build();
        try (NDManager root = NDManager.newBaseManager();
             HybridVae model = new HybridVae(META, root, 5)) {
            start.putAll(weights(model));
            HybridVaeTrainer.continueTraining(model, config, data, tasks, (s, t, e, l, el) -> { });
            return weights(model);
        }
    }

    @Test
    void thePerturbationIsUndoneBeforeTheStep() {
        Map<String, float[]> start = new LinkedHashMap<>();
        // lr 1e-30: Adam's first step moves each weight by about lr, far below float resolution of the weights
        Map<String, float[]> after = afterOneStep(1e-30, 0.5, start);
        int count = start.values().stream().mapToInt(a -> a.length).sum();
        // a perturbation of norm 0.5 that was not undone moves some weight by at least 0.5 / sqrt(count)
        assertThat(maxDifference(start, after)).isLessThan(1e-6).isLessThan(0.5 / Math.sqrt(count) / 100);
    }

    @Test
    void theStepUsesTheGradientAtThePerturbedPoint() {
        Map<String, float[]> start = new LinkedHashMap<>();
        Map<String, float[]> plain = afterOneStep(1e-3, 0, new LinkedHashMap<>());
        Map<String, float[]> sam = afterOneStep(1e-3, 0.5, start);
        assertThat(maxDifference(start, plain)).as("plain Adam moves the weights").isGreaterThan(1e-4);
        assertThat(maxDifference(plain, sam)).as("SAM moves them differently").isGreaterThan(1e-6);
    }
}
