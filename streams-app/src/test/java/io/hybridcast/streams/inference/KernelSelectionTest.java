package io.hybridcast.streams.inference;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.kernel.GoldenSet;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.streams.swap.BundleModelLoader;
import io.hybridcast.streams.testing.TinyModels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which engine serves a loaded version: the fused kernel when it reproduces the bundle's golden DJL outputs, DJL
 * otherwise (no golden set, a golden set the kernel does not reproduce, Monte-Carlo bands).
 */
class KernelSelectionTest {

    private static ServingModel load(byte[] payload, BandMethod method) throws Exception {
        ModelVersion header = TinyModels.pendulumVersion(7, null);
        return new BundleModelLoader(method, HybridVae.DEFAULT_POSTERIOR_SAMPLES).load(header, payload);
    }

    private static List<ServingModel.Query> queries() {
        double[][][] windows = TinyModels.windows(5, TinyModels.WINDOW);
        List<ServingModel.Query> out = new ArrayList<>();
        for (int i = 0; i < windows.length; i++) {
            double[] sum = new double[TinyModels.pendulumSpec().embedding()];
            sum[0] = 0.1 * i;
            out.add(new ServingModel.Query(windows[i], sum, i % 3));
        }
        return out;
    }

    @Test
    void aVersionWhoseKernelReproducesTheGoldenOutputsIsServedByTheKernelWithDjlsForecasts() throws Exception {
        byte[] payload = TinyModels.pendulumBundle();
        ModelBundle bundle = ModelBundle.read(payload);
        try (ServingModel kernel = load(payload, BandMethod.SIGMA_POINTS);
             NDManager m = NDManager.newBaseManager();
             HybridServingModel djl = new HybridServingModel(TinyModels.pendulumVersion(7, null).getSystem(), 7,
                     () -> {
                         try {
                             return bundle.instantiate(m);
                         } catch (Exception e) {
                             throw new IllegalStateException(e);
                         }
                     })) {
            assertThat(((HybridServingModel) kernel).engine()).isEqualTo("kernel");
            assertThat(djl.engine()).isEqualTo("djl");
            List<ServingModel.Prediction> fast = kernel.predict(queries(), TinyModels.HORIZON);
            List<ServingModel.Prediction> reference = djl.predict(queries(), TinyModels.HORIZON);
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < fast.size(); i++) {
                for (int t = 0; t < TinyModels.HORIZON; t++) {
                    worst = Math.max(worst, Math.abs(fast.get(i).mean()[t][0] - reference.get(i).mean()[t][0]));
                    worst = Math.max(worst, Math.abs(fast.get(i).upper()[t][0] - reference.get(i).upper()[t][0]));
                    scale = Math.max(scale, Math.abs(reference.get(i).mean()[t][0]));
                }
                assertThat(fast.get(i).zpMean()[0]).isCloseTo(reference.get(i).zpMean()[0],
                        org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(scale).isGreaterThan(0.01);
            assertThat(worst / scale).isLessThan(GoldenSet.tolerance(TinyModels.pendulumSpec(), TinyModels.HORIZON));
        }
    }

    @Test
    void aGoldenSetTheKernelDoesNotReproduceLeavesTheVersionOnDjl() throws Exception {
        byte[] payload = TinyModels.pendulumBundle();
        // the golden set of other weights of the same shape: what a kernel bug would look like
        byte[] otherGolden;
        try (NDManager m = NDManager.newBaseManager();
             HybridVae other = new HybridVae(TinyModels.pendulumSpec(), m, 99)) {
            otherGolden = GoldenSet.create(other).toBytes();
        }
        try (ServingModel served = load(rezip(payload, otherGolden), BandMethod.SIGMA_POINTS)) {
            assertThat(((HybridServingModel) served).engine()).isEqualTo("djl");
            assertThat(served.predict(queries(), TinyModels.HORIZON)).hasSize(5);
        }
    }

    @Test
    void aBundleWithoutGoldenSetOrWithMonteCarloBandsIsServedByDjl() throws Exception {
        byte[] payload = TinyModels.pendulumBundle();
        try (ServingModel noGolden = load(rezip(payload, null), BandMethod.SIGMA_POINTS);
             ServingModel monteCarlo = load(payload, BandMethod.MONTE_CARLO)) {
            assertThat(((HybridServingModel) noGolden).engine()).isEqualTo("djl");
            assertThat(((HybridServingModel) monteCarlo).engine()).isEqualTo("djl");
        }
    }

    /** The bundle with its golden entry dropped (null) or replaced. */
    private static byte[] rezip(byte[] bundle, byte[] golden) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bundle));
             ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] content = in.readAllBytes();
                if (ModelBundle.GOLDEN.equals(e.getName())) {
                    if (golden == null) {
                        continue;
                    }
                    content = golden;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
