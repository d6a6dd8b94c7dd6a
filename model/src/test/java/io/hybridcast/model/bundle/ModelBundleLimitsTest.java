package io.hybridcast.model.bundle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.hybridcast.model.bundle.ModelBundleTest.bundle;
import static io.hybridcast.model.bundle.ModelBundleTest.rewrite;
import static io.hybridcast.model.bundle.ModelBundleTest.rewriteManifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Crafted bundles are refused while reading, before they can exhaust memory: a zip bomb stops at the entry's
 * limit, a spec with a huge dimension or parameters declaring more values than they hold never reach the
 * allocation of a model.
 */
class ModelBundleLimitsTest {

    @org.junit.jupiter.api.BeforeAll
    static void aRealBundle() {
        ModelBundleTest.setUp();
    }

    @org.junit.jupiter.api.AfterAll
    static void close() {
        ModelBundleTest.tearDown();
    }

    /** A zip whose parameter entry inflates to {@code megabytes} MiB of zeros (compressed about 1000:1). */
    static byte[] zipBomb(int megabytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("parameters.bin"));
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < megabytes; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void aZipBombStopsAtTheEntryLimit() throws Exception {
        byte[] bomb = zipBomb(ModelBundle.MAX_PARAMETER_BYTES / (1024 * 1024) + 64);
        assertThat(bomb.length).isLessThan(1024 * 1024); // what arrives is small; what it inflates to is not
        assertThatThrownBy(() -> ModelBundle.read(bomb)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("parameters.bin inflates to more than " + ModelBundle.MAX_PARAMETER_BYTES);
    }

    @Test
    void tooManyEntriesAreRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i <= ModelBundle.MAX_ENTRIES; i++) {
                zip.putNextEntry(new ZipEntry("e" + i));
                zip.closeEntry();
            }
        }
        assertThatThrownBy(() -> ModelBundle.read(bytes.toByteArray())).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("more than " + ModelBundle.MAX_ENTRIES + " entries");
    }

    @Test
    void aHugeDimensionIsRefusedBeforeAnythingIsAllocated() throws Exception {
        byte[] huge = rewriteManifest(bundle, m -> ((ObjectNode) m.get("spec")).put("hidden", 1_000_000));
        assertThatThrownBy(() -> ModelBundle.read(huge)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("hidden = 1000000");
        byte[] window = rewriteManifest(bundle, m -> ((ObjectNode) m.get("spec")).put("windowLength", 50_000));
        assertThatThrownBy(() -> ModelBundle.read(window)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("windowLength = 50000");
    }

    @Test
    void aSpecImplyingMoreParametersThanTheBundleHoldsIsRefused() throws Exception {
        // within every single bound, but 4096 x 10000 floats cannot be in a parameter file this small
        byte[] wide = rewriteManifest(bundle, m -> ((ObjectNode) m.get("spec")).put("hidden", 4096)
                .put("windowLength", 10_000));
        assertThatThrownBy(() -> ModelBundle.read(wide)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("implies at least");
    }

    @Test
    void parametersDeclaringMoreValuesThanTheyHoldAreRefusedWhileReading() throws Exception {
        byte[] lying = rewrite(bundle, "parameters.bin", p -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(out)) {
                data.writeInt(1);
                data.writeUTF("w");
                data.writeInt(2);
                data.writeLong(65_536);
                data.writeLong(32_768);
                data.writeInt(65_536 * 32_768); // 2^31 values: overflows to a negative int
                data.writeFloat(0f);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toByteArray();
        });
        // the checksum in the manifest must match, else the checksum refuses it first
        byte[] consistent = rewriteManifest(lying, m -> m.put("parametersSha256", ModelBundle.sha256(
                readEntry(lying, "parameters.bin"))));
        assertThatThrownBy(() -> ModelBundle.read(consistent)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("Parameter w declares");
    }

    static byte[] readEntry(byte[] zip, String name) {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no " + name);
    }
}
