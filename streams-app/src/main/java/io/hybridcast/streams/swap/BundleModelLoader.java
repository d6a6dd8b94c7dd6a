package io.hybridcast.streams.swap;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.model.bundle.InvalidBundleException;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.streams.inference.HybridServingModel;
import io.hybridcast.streams.inference.ServingModel;

import java.io.IOException;
import java.util.Map;

/**
 * Loads a model bundle published on {@code model-versions} (the model module's {@link ModelBundle}
 * format: manifest with spec, metrics and checksum, parameters by id). The bundle is read and checked once;
 * each stream thread then gets its own {@link HybridVae} built from it.
 */
public final class BundleModelLoader implements ModelLoader {

    /** Parent of every loaded model's own sub-manager; lives as long as the process. */
    private static final NDManager ROOT = NDManager.newBaseManager();

    @Override
    public ServingModel load(ModelVersion header, byte[] payload) throws IOException {
        ModelBundle bundle;
        try {
            bundle = ModelBundle.read(payload, header.getSystem().name());
        } catch (InvalidBundleException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!bundle.spec().algorithm().equals(header.getAlgorithm())) {
            throw new IOException("the bundle holds a " + bundle.spec().algorithm() + " model, published as "
                    + header.getAlgorithm());
        }
        return new HybridServingModel(header.getSystem(), header.getVersion(), () -> {
            try {
                return bundle.instantiate(ROOT);
            } catch (InvalidBundleException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** Writes a bundle of a trained model (what a publisher puts in the payload), without metrics. */
    public static byte[] bundle(HybridVae model) throws IOException {
        return ModelBundle.write(model, Map.of(), "{}");
    }
}
