package io.hybridcast.model.kernel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.vae.HybridVae;

import java.util.Map;

/**
 * Run in a JVM without {@code --add-modules jdk.incubator.vector} by {@link KernelVsDjlTest}: which backend the
 * kernel picks there, whether it still passes its golden check, and how asking for the vector backend is refused.
 */
public final class BackendProbe {

    private BackendProbe() {
    }

    public static void main(String[] args) throws Exception {
        ModelSpec spec = KernelVsDjlTest.spec("PENDULUM", "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
        try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 3)) {
            byte[] bundle = ModelBundle.write(vae, Map.of(), "{}");
            ServingKernel kernel = ServingKernel.of(spec, ModelBundle.read(bundle).parameters());
            boolean passed = ModelBundle.golden(bundle).orElseThrow().check(kernel).passed();
            System.out.println("backend=" + kernel.backend() + " passed=" + passed);
            try {
                ServingKernel.of(spec, ModelBundle.read(bundle).parameters(), ServingKernel.Backend.VECTOR);
            } catch (KernelUnsupportedException e) {
                System.out.println("vector refused: " + e.getMessage());
            }
        }
    }
}
