package io.hybridcast.streams.benchmark;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.HybridVaeTrainer;
import io.hybridcast.model.training.TrainingConfig;
import io.hybridcast.model.training.TrainingListener;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.streams.inference.ServingModel;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** The model the benchmark serves: a Meta-Hybrid-VAE of the default pendulum shape, briefly trained. */
final class BenchmarkModels {

    /** Window 50, horizon 20 (the streams-app defaults), hidden 32, embedding 16, 2 neural latents, RK4. */
    static final ModelSpec SPEC = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(50).setChannels(1).setDt(0.05).optMaxHorizon(20).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(2).setHidden(32).setEmbedding(16).optMeta(true).build();

    private BenchmarkModels() {
    }

    /** A model of {@code spec}, trained briefly: what inference costs does not depend on how well. */
    static HybridVae train(ModelSpec spec, NDManager manager) {
        return HybridVaeTrainer.train(spec, TrainingConfig.defaults("PENDULUM", 1, 1).withSchedule(1, 32),
                TinyModels.windows(64, 50), TinyModels.tasks(64), manager, TrainingListener.NONE);
    }

    /** The inputs of one model call for {@code windows} pendulum windows of {@link #SPEC}, each with 5 context windows. */
    record CallInputs(double[][][] windows, double[][] pooledSums, int[] pooledCounts) {
        static CallInputs of(int windows) {
            double[][][] w = new double[windows][SPEC.windowLength()][1];
            double[][] sums = new double[windows][SPEC.embedding()];
            int[] counts = new int[windows];
            for (int i = 0; i < windows; i++) {
                for (int t = 0; t < SPEC.windowLength(); t++) {
                    w[i][t][0] = Math.sin(0.3 * t + i);
                }
                counts[i] = 5;
            }
            return new CallInputs(w, sums, counts);
        }
    }

    /** The machine's 1-minute load average now (the machine is shared; a report says how busy it was). */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * Adds the machine (cores, load average before and now) and the time to {@code report}, and writes it as indented
     * JSON to {@code out}.
     */
    static void writeReport(Map<String, Object> report, double loadBefore, Path out) throws IOException {
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "load_average_1m_before", Math.round(loadBefore * 100) / 100.0,
                "load_average_1m_after", Math.round(loadAverage() * 100) / 100.0));
        report.put("measured_at", Instant.now().toString());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    }

    static ServingModel trainedPendulumModel() {
        return trainedPendulumModel(BandMethod.SIGMA_POINTS);
    }

    /** The benchmark model, forming its bands with {@code bandMethod}. */
    static ServingModel trainedPendulumModel(BandMethod bandMethod) {
        try (NDManager manager = NDManager.newBaseManager(); HybridVae model = train(SPEC, manager)) {
            byte[] bundle = BundleModelLoader.bundle(model);
            ModelVersion header = ModelVersion.newBuilder().setSystem(SystemKind.PENDULUM).setVersion(1)
                    .setAlgorithm(SPEC.algorithm()).setSettingsJson("{}").setMetrics(Map.of())
                    .setCreatedAt(Instant.now()).setPayload(java.nio.ByteBuffer.wrap(bundle)).setSha256("")
                    .build();
            return new BundleModelLoader(bandMethod, HybridVae.DEFAULT_POSTERIOR_SAMPLES).load(header, bundle);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot train the benchmark model: " + e.getMessage(), e);
        }
    }
}
