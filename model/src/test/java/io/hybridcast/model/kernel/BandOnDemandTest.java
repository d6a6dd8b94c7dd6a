package io.hybridcast.model.kernel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A window decoded without its band ({@code band[i] = false}) gets the forecast mean, reconstruction, x_P and
 * posterior it gets with the band, whatever the other windows of the batch ask for; only its forecast std leaves out
 * the spread over the latents. Every system, on both backends. Equal to float rounding, not bit for bit: the Vector
 * API's interpreted fallback and C2's intrinsics (sin, tanh) can differ in the last bits, and which one a call runs
 * depends on the JIT's progress (measured: 1e-7 relative on the double pendulum).
 */
class BandOnDemandTest {

    @Test
    void aWindowWithoutItsBandKeepsEveryOtherOutputBitForBit() throws Exception {
        for (String system : new String[] {"PENDULUM", "ADVECTION_DIFFUSION", "DOUBLE_PENDULUM"}) {
            ModelSpec spec = KernelVsDjlTest.spec(system, "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
            try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 5)) {
                byte[] parameters = ModelBundle.read(ModelBundle.write(vae, Map.of(), "{}")).parameters();
                for (ServingKernel.Backend backend : ServingKernel.Backend.values()) {
                    ServingKernel kernel = ServingKernel.of(spec, parameters, backend);
                    String what = system + " " + backend;
                    int b = 11; // more windows than the lanes of one vector, so rows move across blocks
                    double[][][] windows = windows(spec, b, 7);
                    double[][] sums = new double[b][spec.embedding()];
                    int[] counts = new int[b];
                    Inference full = kernel.inferWithPooledContext(windows, sums, counts, spec.maxHorizon());
                    boolean[] band = new boolean[b];
                    for (int i = 0; i < b; i++) {
                        band[i] = i % 3 == 0;
                    }
                    Inference lean = kernel.inferWithPooledContext(windows, sums, counts, spec.maxHorizon(), band);
                    assertClose(lean.forecastMean(), full.forecastMean(), what + " forecast mean");
                    assertClose(lean.reconstruction(), full.reconstruction(), what + " reconstruction");
                    assertClose(lean.physicsOnly(), full.physicsOnly(), what + " x_P");
                    assertClose(new double[][][] {lean.physicsMean(), lean.physicsStd(), lean.neuralMean()},
                            new double[][][] {full.physicsMean(), full.physicsStd(), full.neuralMean()}, what + " posterior");
                    double noise = Math.sqrt(Math.exp(spec.logObsVariance()));
                    boolean spreadSeen = false;
                    for (int i = 0; i < b; i++) {
                        for (int h = 0; h < spec.maxHorizon(); h++) {
                            for (int c = 0; c < spec.channels(); c++) {
                                double std = lean.forecastStd()[i][h][c];
                                if (band[i]) {
                                    assertThat(std).as(what).isCloseTo(full.forecastStd()[i][h][c],
                                            org.assertj.core.api.Assertions.within(1e-6 * (1 + std)));
                                } else {
                                    assertThat(std).as(what).isEqualTo(noise);
                                    spreadSeen |= full.forecastStd()[i][h][c] > noise * (1 + 1e-6);
                                }
                            }
                        }
                    }
                    // the band's spread was real work: without it the std is smaller somewhere
                    assertThat(spreadSeen).as(what).isTrue();
                }
            }
        }
    }

    @Test
    void bandFlagsForAnotherBatchAreRefused() throws Exception {
        ModelSpec spec = KernelVsDjlTest.spec("PENDULUM", "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
        try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 5)) {
            byte[] parameters = ModelBundle.read(ModelBundle.write(vae, Map.of(), "{}")).parameters();
            ServingKernel kernel = ServingKernel.of(spec, parameters, ServingKernel.Backend.SCALAR);
            double[][][] windows = windows(spec, 2, 1);
            assertThatThrownBy(() -> kernel.inferWithPooledContext(windows, new double[2][spec.embedding()],
                    new int[2], 5, new boolean[3])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3 band flags for 2 windows");
        }
    }

    /** Relative 1e-5 of the values' scale: float rounding passes, a different decode does not. */
    private static void assertClose(double[][][] actual, double[][][] expected, String what) {
        assertThat(actual.length).as(what).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            for (int t = 0; t < expected[i].length; t++) {
                for (int c = 0; c < expected[i][t].length; c++) {
                    double e = expected[i][t][c];
                    assertThat(actual[i][t][c]).as(what + " [" + i + "][" + t + "][" + c + "]")
                            .isCloseTo(e, org.assertj.core.api.Assertions.within(1e-5 * (1 + Math.abs(e))));
                }
            }
        }
    }

    private static double[][][] windows(ModelSpec spec, int b, long seed) {
        Random random = new Random(seed);
        double[][][] windows = new double[b][spec.windowLength()][spec.channels()];
        for (int i = 0; i < b; i++) {
            double phase = random.nextDouble() * 6;
            for (int t = 0; t < spec.windowLength(); t++) {
                for (int c = 0; c < spec.channels(); c++) {
                    windows[i][t][c] = 0.4 * Math.sin(phase + 0.15 * t + 0.3 * c) + 0.01 * random.nextGaussian();
                }
            }
        }
        return windows;
    }
}
