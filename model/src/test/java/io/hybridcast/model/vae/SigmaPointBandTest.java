package io.hybridcast.model.vae;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Pins the serving path ({@link SigmaPointInference}) to the Monte-Carlo path it replaces by default: the
 * forecast, reconstructions and latents are the same decode of the posterior mean (the restructured vector
 * field must compute exactly what the training decoder computes), and the sigma-point band is within a
 * stated tolerance of a Monte-Carlo band of 4000 posterior samples.
 */
class SigmaPointBandTest {

    /** Mean relative deviation of the band's std from the 4000-sample band allowed, over all steps. */
    private static final double MEAN_TOLERANCE = 0.15;

    private static final ModelSpec META = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(30).setChannels(1).setDt(0.05).optMaxHorizon(15).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(2).setHidden(16).setEmbedding(8).optMeta(true).build();

    private static double[][][] windows(int b, long seed) {
        Random r = new Random(seed);
        double[][][] w = new double[b][30][1];
        for (double[][] win : w) {
            double phase = r.nextDouble() * 6;
            double omega = 1 + 2 * r.nextDouble();
            for (int t = 0; t < 30; t++) {
                win[t][0] = 0.8 * Math.sin(phase + omega * 0.05 * t);
            }
        }
        return w;
    }

    @Test
    void sigmaPointsDecodeTheSameMeanAndABandCloseToManyMonteCarloSamples() {
        try (NDManager root = NDManager.newBaseManager(); HybridVae model = new HybridVae(META, root, 5)) {
            int b = 6;
            int h = 15;
            double[][][] w = windows(b, 3);
            assertThat(model.bandMethod()).isEqualTo(BandMethod.SIGMA_POINTS);
            Inference sp = model.inferWithPooledContext(w, null, null, h);
            model.setBandMethod(BandMethod.MONTE_CARLO);
            model.setPosteriorSamples(4000);
            Inference mc = model.inferWithPooledContext(w, null, null, h);
            model.setPosteriorSamples(HybridVae.DEFAULT_POSTERIOR_SAMPLES);
            double mc16Deviation = 0;
            int draws = 5;
            for (int k = 0; k < draws; k++) {
                mc16Deviation += meanRelativeDeviation(model.inferWithPooledContext(w, null, null, h), mc) / draws;
            }

            for (int i = 0; i < b; i++) {
                assertThat(sp.physicsMean()[i][0]).isCloseTo(mc.physicsMean()[i][0], within(1e-6));
                assertThat(sp.physicsStd()[i][0]).isCloseTo(mc.physicsStd()[i][0], within(1e-6));
                for (int j = 0; j < META.neuralLatents(); j++) {
                    assertThat(sp.neuralMean()[i][j]).isCloseTo(mc.neuralMean()[i][j], within(1e-6));
                }
                for (int t = 0; t < 30; t++) {
                    assertThat(sp.reconstruction()[i][t][0]).isCloseTo(mc.reconstruction()[i][t][0], within(1e-4));
                    assertThat(sp.physicsOnly()[i][t][0]).isCloseTo(mc.physicsOnly()[i][t][0], within(1e-4));
                }
                for (int t = 0; t < h; t++) {
                    assertThat(sp.forecastMean()[i][t][0]).isCloseTo(mc.forecastMean()[i][t][0], within(1e-4));
                    assertThat(sp.forecastStd()[i][t][0]).isPositive();
                }
                assertThat(sp.neuralShare(i)).isCloseTo(mc.neuralShare(i), within(1e-4));
            }
            double deviation = meanRelativeDeviation(sp, mc);
            assertThat(deviation).as("sigma-point band vs 4000 samples (16 samples deviate by %.3f)", mc16Deviation)
                    .isLessThanOrEqualTo(MEAN_TOLERANCE);
            // and no worse than the sampling error of the 16-sample band it replaces, with a margin for that
            // error's own noise
            assertThat(deviation).isLessThanOrEqualTo(1.25 * mc16Deviation);
        }
    }

    @Test
    void physicsOnlyAndNeuralOnlyVariantsAgreeWithTheMonteCarloPathOnTheMean() {
        for (ModelSpec spec : new ModelSpec[] {META.withVariant("phys-vae-physics-only", false, true, false),
                META.withVariant("neural-only", true, false, true)}) {
            try (NDManager root = NDManager.newBaseManager(); HybridVae model = new HybridVae(spec, root, 9)) {
                double[][][] w = windows(3, 4);
                Inference sp = model.inferWithPooledContext(w, null, null, 10);
                model.setBandMethod(BandMethod.MONTE_CARLO);
                Inference mc = model.inferWithPooledContext(w, null, null, 10);
                for (int i = 0; i < 3; i++) {
                    for (int t = 0; t < 10; t++) {
                        assertThat(sp.forecastMean()[i][t][0]).as(spec.algorithm())
                                .isCloseTo(mc.forecastMean()[i][t][0], within(1e-4));
                    }
                    for (int t = 0; t < 30; t++) {
                        assertThat(sp.physicsOnly()[i][t][0]).as(spec.algorithm())
                                .isCloseTo(mc.physicsOnly()[i][t][0], within(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void bandMethodNamesParseAndUnknownOnesAreRefused() {
        assertThat(BandMethod.parse("sigma-points")).isEqualTo(BandMethod.SIGMA_POINTS);
        assertThat(BandMethod.parse("monte-carlo")).isEqualTo(BandMethod.MONTE_CARLO);
        assertThatThrownBy(() -> BandMethod.parse("bootstrap"))
                .hasMessageContaining("sigma-points or monte-carlo").hasMessageContaining("bootstrap");
    }

    private static double meanRelativeDeviation(Inference a, Inference reference) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int t = 0; t < a.forecastStd()[i].length; t++) {
                double ref = reference.forecastStd()[i][t][0];
                sum += Math.abs(a.forecastStd()[i][t][0] - ref) / ref;
                count++;
            }
        }
        return sum / count;
    }
}
