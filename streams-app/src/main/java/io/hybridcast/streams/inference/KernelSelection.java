package io.hybridcast.streams.inference;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.bundle.InvalidBundleException;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.kernel.GoldenSet;
import io.hybridcast.model.kernel.KernelUnsupportedException;
import io.hybridcast.model.kernel.ServingKernel;
import io.hybridcast.model.vae.BandMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Decides, once per model version, whether the fused {@link ServingKernel} may serve it instead of DJL: only when the
 * bundle carries a golden set (DJL's outputs for a few inputs, written at creation) and the kernel reproduces it within
 * {@link GoldenSet#tolerance}, which grows with the horizon and for the chaotic double pendulum. Anything else (no
 * golden set, Monte-Carlo bands, a model shape the kernel refuses, outputs that differ) leaves the version on DJL,
 * with the reason logged as a warning.
 */
public final class KernelSelection {

    private static final Logger LOG = LoggerFactory.getLogger(KernelSelection.class);

    private KernelSelection() {
    }

    /**
     * The kernel for this version, or empty to serve it with DJL.
     *
     * @param label     what to call the version in logs (system and version)
     * @param payload   the bundle's bytes
     * @param bandMethod the band method the app serves (setting model.band.method)
     */
    public static Optional<HybridModel> select(String label, byte[] payload, ModelBundle bundle,
                                               BandMethod bandMethod) {
        if (bandMethod != BandMethod.SIGMA_POINTS) {
            LOG.warn("{}: the serving kernel implements sigma-point bands only, model.band.method is {}: serving "
                    + "with DJL", label, bandMethod);
            return Optional.empty();
        }
        Optional<GoldenSet> golden;
        try {
            golden = ModelBundle.golden(payload);
        } catch (InvalidBundleException e) {
            LOG.warn("{}: {}; serving with DJL", label, e.getMessage());
            return Optional.empty();
        }
        if (golden.isEmpty()) {
            LOG.warn("{}: the bundle has no golden set ({}) to check the serving kernel against: serving with DJL",
                    label, ModelBundle.GOLDEN);
            return Optional.empty();
        }
        ServingKernel kernel;
        try {
            kernel = ServingKernel.of(bundle.spec(), bundle.parameters());
        } catch (KernelUnsupportedException e) {
            LOG.warn("{}: the serving kernel refuses this model ({}): serving with DJL", label, e.getMessage());
            return Optional.empty();
        }
        GoldenSet.Verdict verdict = golden.get().check(kernel);
        if (!verdict.passed()) {
            LOG.warn("{}: the serving kernel ({}) differs from DJL by {} of the signal on {}, beyond the tolerance {}: "
                    + "serving with DJL", label, kernel.backend(), verdict.maxRelativeDifference(),
                    verdict.worstOutput(), verdict.tolerance());
            return Optional.empty();
        }
        LOG.info("{}: served by the fused kernel ({} backend; max difference to DJL {} of the signal, tolerance {})",
                label, kernel.backend(), verdict.maxRelativeDifference(), verdict.tolerance());
        return Optional.of(kernel);
    }
}
