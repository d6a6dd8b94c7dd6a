package io.hybridcast.streams.testing;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.swap.PayloadVerifier;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

/**
 * Small but real Meta-Hybrid-VAE models for the streams-app tests, trained for a few steps with the model
 * module's trainer on simulated pendulum windows (so the tests run in seconds). Trained once per JVM.
 */
public final class TinyModels {

    public static final int WINDOW = 20;
    public static final int HORIZON = 10;
    private static byte[] bundle;

    private TinyModels() {
    }

    public static ModelSpec pendulumSpec() {
        return ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae").setWindowLength(WINDOW)
                .setChannels(1).setDt(0.05).optMaxHorizon(HORIZON).setPhysicsName("omega")
                .setPhysicsRange(0.392, 3.53).setNeuralLatents(2).setHidden(16).setEmbedding(8).optMeta(true).build();
    }

    /** Bundle bytes of a trained tiny pendulum model. */
    public static synchronized byte[] pendulumBundle() {
        if (bundle == null) {
            try (NDManager manager = NDManager.newBaseManager();
                 HybridVae model = HybridVaeTrainer.train(pendulumSpec(),
                         TrainingConfig.defaults("PENDULUM", 2, 1).withSchedule(2, 16), windows(48),
                         tasks(48), manager, TrainingListener.NONE)) {
                bundle = BundleModelLoader.bundle(model);
            }
        }
        return bundle;
    }

    /** One-chunk model version of the tiny pendulum model, signed with {@code key} when it is not null. */
    public static ModelVersion pendulumVersion(long version, String key) {
        byte[] payload = pendulumBundle();
        ModelVersion header = ModelVersion.newBuilder().setSystem(SystemKind.PENDULUM).setVersion(version)
                .setAlgorithm("meta-hybrid-vae").setSettingsJson("{}").setMetrics(Map.of())
                .setCreatedAt(Instant.EPOCH).setPayload(ByteBuffer.wrap(payload))
                .setSha256(PayloadVerifier.sha256(payload)).build();
        header.setSignature(key == null ? null : PayloadVerifier.sign(key, header));
        return header;
    }

    /** Pendulum windows (theta'' = -omega^2 sin theta - gamma theta'), 8 tasks with their own omega. */
    static double[][][] windows(int n) {
        return windows(n, WINDOW);
    }

    /** {@code n} pendulum windows of {@code length} samples. */
    public static double[][][] windows(int n, int length) {
        Random random = new Random(3);
        double[][][] out = new double[n][length][1];
        for (int i = 0; i < n; i++) {
            double omega = 1.0 + 0.25 * (i % 8);
            double theta = random.nextDouble() * 2 - 1;
            double velocity = 0;
            for (int t = 0; t < length; t++) {
                out[i][t][0] = theta + 0.01 * random.nextGaussian();
                for (int k = 0; k < 10; k++) { // small Euler steps: test data, not ground truth
                    double acceleration = -omega * omega * Math.sin(theta) - 0.1 * velocity;
                    velocity += 0.005 * acceleration;
                    theta += 0.005 * velocity;
                }
            }
        }
        return out;
    }

    public static int[] tasks(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i % 8;
        }
        return ids;
    }
}
