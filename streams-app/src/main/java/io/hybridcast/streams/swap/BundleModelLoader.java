package io.hybridcast.streams.swap;

import ai.djl.ndarray.NDManager;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.model.bundle.InvalidBundleException;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.line.LineDiffusionModel;
import io.hybridcast.model.vae.BandMethod;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.streams.inference.HybridServingModel;
import io.hybridcast.streams.inference.KernelSelection;
import io.hybridcast.streams.inference.ServingModel;

import java.util.Map;

/**
 * Loads a model bundle published on {@code model-versions}, in the model module's format
 * ({@link ModelBundle}: a versioned zip with manifest and parameters, checked on reading). Each stream thread
 * gets its own {@link HybridVae} instance built from the same bundle, since an instance is not thread-safe.
 */
public final class BundleModelLoader implements ModelLoader {

    /** Parent of every loaded model's own sub-manager; lives as long as the process. */
    private static final NDManager ROOT = NDManager.newBaseManager();

    private final BandMethod bandMethod;
    private final int posteriorSamples;

    /** A loader whose models form their bands the default way (sigma points). */
    public BundleModelLoader() {
        this(BandMethod.SIGMA_POINTS, HybridVae.DEFAULT_POSTERIOR_SAMPLES);
    }

    /**
     * A loader whose models form their bands with {@code bandMethod} (setting model.band.method), drawing
     * {@code posteriorSamples} per band when that is Monte-Carlo (setting model.posterior.samples).
     */
    public BundleModelLoader(BandMethod bandMethod, int posteriorSamples) {
        this.bandMethod = bandMethod;
        this.posteriorSamples = posteriorSamples;
    }

    @Override
    public ServingModel load(ModelVersion header, byte[] payload) throws InvalidBundleException {
        ModelBundle bundle = ModelBundle.read(payload, header.getSystem().name());
        if (!bundle.spec().algorithm().equals(header.getAlgorithm())) {
            throw new InvalidBundleException("the bundle holds a " + bundle.spec().algorithm() + " model, published as "
                    + header.getAlgorithm());
        }
        // the fused kernel serves the version only if it reproduces the bundle's golden DJL outputs
        HybridModel kernel = KernelSelection.select(header.getSystem() + " model version " + header.getVersion(),
                payload, bundle, bandMethod).map(LineDiffusionModel::wrapIfLine).orElse(null);
        // the line's window posterior of D comes from its readings' fit, not the encoder (docs/decisions.md)
        return new HybridServingModel(header.getSystem(), header.getVersion(), () -> {
            try {
                HybridVae model = bundle.instantiate(ROOT);
                model.setBandMethod(bandMethod);
                model.setPosteriorSamples(posteriorSamples);
                return LineDiffusionModel.wrapIfLine(model);
            } catch (InvalidBundleException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, kernel).calibrateIntervals(bundle.metrics());
    }

    /** Writes the bundle of a trained model (what a publisher puts in the payload), with no metrics. */
    public static byte[] bundle(HybridVae model) {
        return ModelBundle.write(model, Map.of(), "{}");
    }
}
