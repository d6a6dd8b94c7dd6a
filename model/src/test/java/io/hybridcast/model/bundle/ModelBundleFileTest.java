package io.hybridcast.model.bundle;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ModelBundle#read(Path)}: the same checks as for bytes, and the message names the file. */
class ModelBundleFileTest {

    @Test
    void aBundleFileRoundTripsAndADamagedOneIsRefusedWithItsPath(@TempDir Path dir) throws Exception {
        byte[] bytes;
        try (NDManager root = NDManager.newBaseManager(); HybridVae model = new HybridVae(ModelBundleTest.SPEC, root, 5)) {
            bytes = ModelBundle.write(model, Map.of("mse_pred", 0.02), "{}");
        }
        Path good = Files.write(dir.resolve("good.zip"), bytes);
        ModelBundle read = ModelBundle.read(good);
        assertThat(read.spec()).isEqualTo(ModelBundleTest.SPEC);
        assertThat(read.parametersSha256()).isEqualTo(ModelBundle.sha256(read.parameters()));

        Path truncated = Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelBundle.read(truncated)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("truncated.zip");

        Path missing = dir.resolve("missing.zip");
        assertThatThrownBy(() -> ModelBundle.read(missing)).isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("missing.zip");
    }
}
