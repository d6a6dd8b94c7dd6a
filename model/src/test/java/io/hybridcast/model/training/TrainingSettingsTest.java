package io.hybridcast.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.model.vae.HybridVaeLoss;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The training settings beside Phys-VAE's loss: the physics warm-up (the physics head learns to invert the
 * known physics on simulated physics-only trajectories before the joint fit), the KL weight, and R_horizon
 * (the output residual beyond the window, which no training window reaches, is kept at zero).
 */
class TrainingSettingsTest {

    private static final ModelSpec META = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(50).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(32).setEmbedding(16).optMeta(true).build();

    private static double[][][] windows(int b) {
        Random r = new Random(3);
        double[][][] w = new double[b][50][1];
        for (double[][] win : w) {
            double a = r.nextDouble();
            double omega = 1 + 2 * r.nextDouble();
            for (int t = 0; t < 50; t++) {
                win[t][0] = a * Math.cos(omega * 0.05 * t);
            }
        }
        return w;
    }

    private static TrainingConfig config(double klWeight, int warmup) {
        return TrainingConfig.defaults("PENDULUM", 1, 5).toBuilder().setBatchSize(8).setLearningRate(3e-3)
                .optContextSize(2).optKlWeight(klWeight).optPhysicsWarmupSteps(warmup).build();
    }

    /** R_dataug of the model on fresh simulated draws: the physics head's normalised squared error of z_p. */
    private static double physicsHeadError(HybridVae model) {
        HybridVaeLoss loss = new HybridVaeLoss(model, config(1, 0));
        try (NDManager step = model.manager().newSubManager()) {
            return loss.dataAugmentation(step, 256, 12345, false).getFloat();
        }
    }

    @Test
    void theWarmupTeachesThePhysicsHeadToInvertThePhysics() {
        double[][][] data = windows(8);
        int[] tasks = {0, 0, 0, 0, 1, 1, 1, 1};
        double cold;
        double warm;
        try (NDManager root = NDManager.newBaseManager();
             HybridVae coldModel = new HybridVae(META, root, 5);
             HybridVae warmModel = new HybridVae(META, root, 5)) {
            int[] steps = {0};
            HybridVaeTrainer.continueTraining(coldModel, config(1, 0), data, tasks, (s, t, e, l, el) -> { });
            HybridVaeTrainer.continueTraining(warmModel, config(1, 150), data, tasks, (s, t, e, l, el) -> steps[0] = t);
            cold = physicsHeadError(coldModel);
            warm = physicsHeadError(warmModel);
            // 150 warm-up steps + one epoch of one batch
            assertThat(steps[0]).isEqualTo(151);
        }
        System.err.printf("physics head error after one step: cold %.4f, with 150 warm-up steps %.4f%n", cold, warm);
        // a uniform z_p guessed at the middle of the range scores 1/12 = 0.083; a head that reads ω is far below
        assertThat(warm).as("head error with warm-up").isLessThan(0.03); // measured 0.014
        assertThat(warm).as("warm-up vs none").isLessThan(0.25 * cold);
    }

    @Test
    void theKlWeightScalesOnlyTheKlTerm() {
        double[][][] data = windows(6);
        try (NDManager root = NDManager.newBaseManager();
             HybridVae model = new HybridVae(META, root, 5);
             NDManager step = root.newSubManager()) {
            float[] flat = new float[6 * 50];
            for (int i = 0; i < 6; i++) {
                for (int t = 0; t < 50; t++) {
                    flat[i * 50 + t] = (float) data[i][t][0];
                }
            }
            NDArray windows = step.create(flat, new Shape(6, 50, 1));
            NDArray contexts = windows.expandDims(1).repeat(1, 2);
            NDArray counts = step.full(new Shape(6, 1), 2f);
            double[] loss = new double[3];
            double[] weights = {1, 1001, 2001};
            for (int k = 0; k < 3; k++) {
                // the same reparameterisation noise for every weight
                root.getEngine().setRandomSeed(11);
                loss[k] = new HybridVaeLoss(model, config(weights[k], 0))
                        .compute(windows, contexts, counts, 99, false).getFloat();
            }
            // the loss is linear in the weight with a positive slope (the KL); differences of 1000 units keep
            // float32 rounding of the reconstruction term (about 25 here) out of the comparison
            double thousand = loss[1] - loss[0];
            assertThat(thousand).as("1000 units of KL").isPositive();
            assertThat(loss[2] - loss[0]).as("2000 units of KL")
                    .isCloseTo(2 * thousand, org.assertj.core.data.Percentage.withPercentage(1));
        }
    }

    /** Mean over windows of the squared output residual beyond the window. */
    private static double horizonResidual(HybridVae model, int windows) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray zp = step.full(new Shape(windows, 1), 2f);
            NDArray zn = step.randomNormal(new Shape(windows, 3));
            return new HybridVaeLoss(model, config(1, 0)).horizonResidual(zp, zn, false).mean().getFloat();
        }
    }

    @Test
    void theResidualBeyondTheWindowStartsAndStaysAtZero() {
        double[][][] data = windows(8);
        int[] tasks = {0, 0, 0, 0, 1, 1, 1, 1};
        try (NDManager root = NDManager.newBaseManager();
             HybridVae fresh = new HybridVae(META, root, 5);
             HybridVae trained = HybridVaeTrainer.train(META, config(1, 0).withSchedule(10, 8), data, tasks, root,
                     (s, t, e, l, el) -> { });
             HybridVae off = HybridVaeTrainer.train(META, config(1, 0).toBuilder().setEpochs(10)
                     .optHorizonResidualWeight(0).build(), data, tasks, root, (s, t, e, l, el) -> { })) {
            double random = horizonResidual(fresh, 8);
            double without = horizonResidual(off, 8);
            double with = horizonResidual(trained, 8);
            System.err.printf("horizon residual: fresh %.4f, trained without R_horizon %.4f, with %.6f%n", random,
                    without, with);
            // a fresh model's horizon rows are random; without R_horizon nothing trains them
            assertThat(random).as("fresh model").isGreaterThan(0.1);
            assertThat(without).as("trained without R_horizon").isGreaterThan(0.5 * random);
            // with it they start at zero and no gradient moves them, while the rows over the window did train
            assertThat(with).as("trained with R_horizon").isLessThan(1e-12);
            String last = trained.parameters(false).keySet().stream()
                    .filter(k -> k.startsWith("residualNet.") && k.endsWith("weight")).reduce((a, b) -> b).orElseThrow();
            float[] a = trained.parameters(false).get(last).getArray().toFloatArray();
            float[] b = fresh.parameters(false).get(last).getArray().toFloatArray();
            int windowRows = 50 * 32;
            assertThat(java.util.Arrays.copyOf(a, windowRows)).as(last + " over the window")
                    .isNotEqualTo(java.util.Arrays.copyOf(b, windowRows));
        }
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> config(-1, 0)).hasMessageContaining("klWeight");
        assertThatThrownBy(() -> config(1, 0).toBuilder().optHorizonResidualWeight(-1).build())
                .hasMessageContaining("horizonResidualWeight");
        assertThatThrownBy(() -> config(1, -3)).hasMessageContaining("physicsWarmupSteps");
    }
}
