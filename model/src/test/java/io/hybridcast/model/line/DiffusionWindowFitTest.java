package io.hybridcast.model.line;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiffusionWindowFitTest {

    private static final double DT = 0.02;
    private static final double DX = 0.1;

    /** The sine profile is an eigenvector of the discrete Laplacian: pure diffusion decays it at exp(-λ D t). */
    private static double[][] diffusingSine(double d, double noise, long seed) {
        Random rng = new Random(seed);
        double lambda = 4 / (DX * DX) * Math.pow(Math.sin(Math.PI / 42), 2);
        double[][] w = new double[50][20];
        for (int k = 0; k < 50; k++) {
            for (int i = 0; i < 20; i++) {
                w[k][i] = Math.exp(-lambda * d * k * DT) * Math.sin(Math.PI * (i + 1) / 21.0)
                        + noise * rng.nextGaussian();
            }
        }
        return w;
    }

    @Test
    void pureDiffusionGivesItsDWithAnIntervalThatHoldsIt() {
        DiffusionWindowFit physicsOnly = new DiffusionWindowFit(null, DT, DX);
        for (double d : new double[]{0.005, 0.015, 0.1}) {
            DiffusionWindowFit.Estimate e = physicsOnly.fit(diffusingSine(d, 0, 1)).orElseThrow();
            assertEquals(d, e.mean(), 1e-3 * d, "noise-free D " + d);
            int held = 0;
            for (int s = 0; s < 200; s++) {
                DiffusionWindowFit.Estimate n = physicsOnly.fit(diffusingSine(d, 1e-3, s)).orElseThrow();
                if (Math.abs(n.mean() - d) <= 2.101 * n.std()) {
                    held++;
                }
            }
            assertTrue(held >= 180 && held <= 200, "95 % intervals held D " + d + " in " + held + " of 200");
        }
    }

    @Test
    void aWindowWithAJumpHasNoEstimate() {
        double[][] w = diffusingSine(0.015, 1e-3, 2);
        for (int k = 30; k < 50; k++) {
            for (int i = 0; i < 20; i++) {
                w[k][i] += 0.5 * Math.sin(Math.PI * (i + 1) / 21.0); // a fresh release of material at sample 30
            }
        }
        Optional<DiffusionWindowFit.Estimate> e = new DiffusionWindowFit(RemainderOperator.shipped(), DT, DX).fit(w);
        assertTrue(e.isEmpty(), "estimate across a re-excitation: " + e);
    }

    @Test
    void theShippedOperatorReadsBackAsWritten() throws Exception {
        RemainderOperator shipped = RemainderOperator.shipped();
        assertEquals(20, shipped.size());
        assertTrue(shipped.stdScale() >= 1, "std scale " + shipped.stdScale());
        RemainderOperator again = RemainderOperator.read(new ByteArrayInputStream(
                shipped.write("a comment\nover two lines").getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 20; j++) {
                double v = shipped.matrix()[i][j];
                assertEquals(v, again.matrix()[i][j], 1e-8 * Math.abs(v) + 1e-300, "entry " + i + "," + j);
            }
        }
        assertEquals(shipped.stdScale(), again.stdScale(), 1e-6);
    }
}
