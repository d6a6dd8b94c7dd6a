package io.hybridcast.model.bundle;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelBundleTest {

    static final ModelSpec SPEC = ModelSpec.builder().setSystem("PENDULUM").setAlgorithm("meta-hybrid-vae")
            .setWindowLength(20).setChannels(1).setDt(0.05).optMaxHorizon(10).setPhysicsName("omega")
            .setPhysicsRange(0.392, 3.53).setNeuralLatents(3).setHidden(16).setEmbedding(8).optMeta(true).build();
    static NDManager root;
    static HybridVae model;
    static byte[] bundle;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
        model = new HybridVae(SPEC, root, 3);
        bundle = ModelBundle.write(model, Map.of("mse_pred", 0.01), "{\"epochs\":1}");
    }

    @AfterAll
    static void tearDown() {
        model.close();
        root.close();
    }

    static double[][][] windows(int b, long seed) {
        Random r = new Random(seed);
        double[][][] w = new double[b][20][1];
        for (double[][] win : w) {
            double phase = r.nextDouble() * 6;
            for (int t = 0; t < 20; t++) {
                win[t][0] = Math.sin(phase + 0.1 * t);
            }
        }
        return w;
    }

    @Test
    void aBundleRoundTripsToTheSameModel() throws Exception {
        ModelBundle read = ModelBundle.read(bundle, "PENDULUM");
        assertThat(read.spec()).isEqualTo(SPEC);
        assertThat(read.metrics()).containsEntry("mse_pred", 0.01);
        assertThat(read.trainingJson()).isEqualTo("{\"epochs\":1}");
        try (HybridVae copy = read.instantiate(root)) {
            double[][][] w = windows(4, 1);
            Inference a = model.inferWithPooledContext(w, null, null, 5);
            Inference b = copy.inferWithPooledContext(w, null, null, 5);
            assertThat(b.physicsMean()).isDeepEqualTo(a.physicsMean());
            assertThat(b.reconstruction()).isDeepEqualTo(a.reconstruction());
        }
    }

    @Test
    void aFlippedByteIsRefused() {
        // flip a byte inside the stored (uncompressed-size-checked) parameters: either the zip CRC or the SHA-256 catches it
        byte[] corrupt = bundle.clone();
        corrupt[corrupt.length / 2] ^= 0x40;
        assertThatThrownBy(() -> ModelBundle.read(corrupt)).isInstanceOf(InvalidBundleException.class);
    }

    @Test
    void tamperedParametersFailTheChecksum() throws Exception {
        byte[] tampered = rewrite(bundle, "parameters.bin", bytes -> {
            byte[] copy = bytes.clone();
            copy[copy.length - 1] ^= 0x01;
            return copy;
        });
        assertThatThrownBy(() -> ModelBundle.read(tampered)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void aTruncatedBundleIsRefused() {
        byte[] truncated = Arrays.copyOf(bundle, bundle.length / 3);
        assertThatThrownBy(() -> ModelBundle.read(truncated)).isInstanceOf(InvalidBundleException.class);
        assertThatThrownBy(() -> ModelBundle.read("not a zip".getBytes())).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("lacks");
    }

    @Test
    void theWrongSystemIsRefused() {
        assertThatThrownBy(() -> ModelBundle.read(bundle, "DOUBLE_PENDULUM")).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("PENDULUM").hasMessageContaining("DOUBLE_PENDULUM");
    }

    @Test
    void aNewerFormatVersionIsRefused() throws Exception {
        byte[] newer = rewriteManifest(bundle, m -> m.put("formatVersion", ModelBundle.FORMAT_VERSION + 1));
        assertThatThrownBy(() -> ModelBundle.read(newer)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("format version");
    }

    @Test
    void parametersThatDoNotFitTheSpecAreRefused() throws Exception {
        byte[] wider = rewriteManifest(bundle, m -> ((ObjectNode) m.get("spec")).put("hidden", 17));
        ModelBundle read = ModelBundle.read(wider);
        assertThatThrownBy(() -> read.instantiate(root)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("shape");
    }

    @Test
    void inferenceLeavesNoArraysBehind() {
        double[][][] w = windows(8, 2);
        model.inferWithPooledContext(w, null, null, 5);
        int before = model.manager().getManagedArrays().size();
        for (int i = 0; i < 20; i++) {
            model.infer(w, new double[][][][] {windows(3, i), null, null, null, null, null, null, null}, 5);
            model.embedContext(w);
        }
        assertThat(model.manager().getManagedArrays().size()).isEqualTo(before);
    }

    // -- helpers that rewrite one entry of a bundle

    static byte[] rewriteManifest(byte[] zip, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        return rewrite(zip, "manifest.json", bytes -> {
            try {
                ObjectNode node = (ObjectNode) json.readTree(bytes);
                edit.accept(node);
                return json.writeValueAsBytes(node);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static byte[] rewrite(byte[] zip, String name, UnaryOperator<byte[]> edit) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        entries.computeIfPresent(name, (k, v) -> edit.apply(v));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
