package io.hybridcast.local.chaos;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.schemas.Topics;
import io.hybridcast.schemas.modelversion.ModelPayloads;
import io.hybridcast.streams.swap.BundleModelLoader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * For the short chaos pass in CI: a small but real pendulum Meta-Hybrid-VAE, trained for a few steps in the
 * harness and published signed, so forecasts flow within seconds instead of after the trainer's first run. The
 * streams instances must window as it does: {@link #STREAMS_SETTINGS}.
 */
final class TinyModelPublisher {

    static final int WINDOW = 20;
    static final int HORIZON = 10;
    /** The streams settings that match the model's window and horizon. */
    static final List<String> STREAMS_SETTINGS = List.of("--set", "pendulum.window.length=" + WINDOW,
            "--set", "pendulum.horizon=" + HORIZON, "--set", "pendulum.context.windows=2");

    private TinyModelPublisher() {
    }

    /** Trains the model and publishes it as version 1 of the pendulum, signed with {@code hmacKey}. */
    static void publish(String bootstrap, String hmacKey) {
        ModelSpec spec = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae").setWindowLength(WINDOW)
                .setChannels(1).setDt(0.05).optMaxHorizon(HORIZON).setPhysicsName("omega").setPhysicsRange(0.392, 3.53)
                .setNeuralLatents(2).setHidden(16).setEmbedding(8).optSubsteps(1).optSolver("rk4").optLogObsVariance(-9)
                .optUseNeural(true).optUsePhysics(true).optMeta(true).build();
        byte[] bundle;
        try (NDManager manager = NDManager.newBaseManager();
             HybridVae model = HybridVaeTrainer.train(spec, TrainingConfig.defaults("PENDULUM", 2, 1)
                     .withSchedule(2, 16), windows(48), tasks(48), manager, TrainingListener.NONE)) {
            bundle = BundleModelLoader.bundle(model);
        }
        ModelVersion header = ModelVersion.newBuilder().setSystem(SystemKind.PENDULUM).setVersion(1)
                .setAlgorithm(spec.algorithm()).setSettingsJson("{}").setMetrics(Map.of()).setCreatedAt(Instant.now())
                .setPayload(ByteBuffer.wrap(bundle)).setSha256("").build();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * ModelPayloads.DEFAULT_CHUNK_BYTES));
        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(p,
                Topics.MODEL_VERSIONS.keySerde().serializer(), Topics.MODEL_VERSIONS.valueSerde().serializer())) {
            for (ProducerRecord<String, ModelVersion> r : ModelPayloads.records(ModelPayloads.chunks(header, bundle,
                    ModelPayloads.DEFAULT_CHUNK_BYTES, hmacKey))) {
                producer.send(r);
            }
            producer.flush();
        }
    }

    /** Pendulum windows with 8 values of omega (training data for a few steps, not ground truth). */
    private static double[][][] windows(int n) {
        Random random = new Random(3);
        double[][][] out = new double[n][WINDOW][1];
        for (int i = 0; i < n; i++) {
            double omega = 1.0 + 0.25 * (i % 8);
            double theta = random.nextDouble() * 2 - 1;
            double velocity = 0;
            for (int t = 0; t < WINDOW; t++) {
                out[i][t][0] = theta + 0.01 * random.nextGaussian();
                for (int k = 0; k < 10; k++) {
                    velocity += 0.005 * (-omega * omega * Math.sin(theta) - 0.1 * velocity);
                    theta += 0.005 * velocity;
                }
            }
        }
        return out;
    }

    private static int[] tasks(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i % 8;
        }
        return ids;
    }
}
