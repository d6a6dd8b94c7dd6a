package io.hybridcast.streams.swap;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.simulator.physics.AdvectionDiffusionSystem;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.streams.inference.ServingModel;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A line model version loaded by the streams app publishes the window posterior of D fitted to the window's own
 * readings (the weak form with the shipped remainder), whatever its encoder says: here an untrained one; and its
 * forecast is the dynamics that window identifies, which beat persistence.
 */
class LineDiffusionServingTest {

    @Test
    void aServedLineModelReadsDFromTheWindow() throws Exception {
        ModelSpec spec = ModelSpec.builder().setSystem("ADVECTION_DIFFUSION").setAlgorithm("meta-hybrid-vae")
                .setWindowLength(50).setChannels(20).setDt(0.02).optMaxHorizon(5).setPhysicsName("D")
                .setPhysicsRange(0.005, 0.2).setNeuralLatents(1).setHidden(8).setEmbedding(4).optMeta(true).build();
        byte[] payload;
        try (NDManager manager = NDManager.newBaseManager(); HybridVae untrained = new HybridVae(spec, manager, 1)) {
            payload = BundleModelLoader.bundle(untrained);
        }
        ModelVersion header = ModelVersion.newBuilder().setSystem(SystemKind.ADVECTION_DIFFUSION).setVersion(1)
                .setAlgorithm("meta-hybrid-vae").setSettingsJson("{}").setMetrics(Map.of())
                .setCreatedAt(Instant.EPOCH).setPayload(ByteBuffer.wrap(payload))
                .setSha256(PayloadVerifier.sha256(payload)).build();
        try (ServingModel model = new BundleModelLoader().load(header, payload)) {
            for (double[] dc : new double[][]{{0.012, 0.08}, {0.06, 0.03}}) {
                List<ServingModel.Prediction> p = model.predict(List.of(new ServingModel.Query(
                        window(dc[0], dc[1]), new double[0], 0)), 5);
                assertThat(p.get(0).zpMean()[0]).as("D of a line with D %s, c %s", dc[0], dc[1])
                        .isCloseTo(dc[0], org.assertj.core.data.Percentage.withPercentage(10));
                // a single window's 95 % interval (std widened by the operator's conformal scale) holds D, and
                // says much more than the prior's spread (0.056)
                assertThat(Math.abs(p.get(0).zpMean()[0] - dc[0])).isLessThan(2.101 * p.get(0).zpStd()[0]);
                assertThat(p.get(0).zpStd()[0]).isLessThan(dc[0] / 3);
                // the served forecast is the window's identified dynamics from its newest sample, not the untrained
                // decoder's: against the line's true next 5 samples it beats persistence
                double[][] window = window(dc[0], dc[1]);
                double[][] future = future(dc[0], dc[1]);
                double served = 0;
                double persistence = 0;
                for (int h = 0; h < 5; h++) {
                    for (int i = 0; i < 20; i++) {
                        served += Math.pow(p.get(0).mean()[h][i] - future[h][i], 2);
                        persistence += Math.pow(window[49][i] - future[h][i], 2);
                    }
                }
                assertThat(served).as("forecast MSE against persistence's %s", persistence).isLessThan(0.5 * persistence);
            }
        }
    }

    /** 50 noisy samples of the simulator's line 5 s after a release of material (a sine profile). */
    private static double[][] window(double d, double c) {
        double[][] samples = java.util.Arrays.copyOf(clean(d, c), 50);
        Random noise = new Random(7);
        for (double[] s : samples) {
            for (int i = 0; i < s.length; i++) {
                s[i] += 1e-3 * noise.nextGaussian();
            }
        }
        return samples;
    }

    /** The line's true (noise-free) 5 samples after the window. */
    private static double[][] future(double d, double c) {
        return java.util.Arrays.copyOfRange(clean(d, c), 50, 55);
    }

    private static double[][] clean(double d, double c) {
        AdvectionDiffusionSystem line = new AdvectionDiffusionSystem();
        double[] state = AdvectionDiffusionSystem.sineProfile(1.2);
        GroundTruthIntegrator integrator = new GroundTruthIntegrator(1e-9);
        var ode = line.equations(d, new double[]{c});
        integrator.advanceSamples(ode, 0, state, 0.02, 250);
        return integrator.advanceSamples(ode, 5, state, 0.02, 55);
    }
}
