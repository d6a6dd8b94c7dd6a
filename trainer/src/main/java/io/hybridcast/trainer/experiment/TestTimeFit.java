package io.hybridcast.trainer.experiment;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.line.DiffusionWindowFit;
import io.hybridcast.model.line.RemainderOperator;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.model.vae.PhysicsProfileFit;
import io.hybridcast.simulator.physics.AdvectionDiffusionSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The experiment's test-time fit of z_p, reported beside the encoder's estimate ({@code *_profile} in
 * results.json):
 * <ul>
 *   <li>the line: each window's weak-form least squares with the shipped, twin-learnt remainder operator
 *       ({@link DiffusionWindowFit}), which is what the streams app publishes for the line
 *       ({@code LineDiffusionModel}), because the encoder's D is confounded by the unmodelled advection
 *       (docs/model.md); a window the fit refuses (a jump, no signal) keeps the encoder's estimate, so apart
 *       from those windows it is the same for every model and seed;</li>
 *   <li>the other systems: the decoder's profile fit ({@link PhysicsProfileFit}), for a VAE with physics.</li>
 * </ul>
 */
final class TestTimeFit {

    private static final Logger LOG = LoggerFactory.getLogger(TestTimeFit.class);

    private TestTimeFit() {
    }

    /** What {@link #fit} does for {@code system}, as results.json names it. */
    static String method(SystemKind system) {
        return system == SystemKind.ADVECTION_DIFFUSION
                ? "weak form with the twin-learnt remainder (DiffusionWindowFit, the line's served read-out;"
                        + " it reads the window, not the trained model, so it is the same for every model)"
                : "decoder profile fit (PhysicsProfileFit)";
    }

    /**
     * The fit of every window, or null for a model that has none; {@code refineLatents}: the profile fit also
     * refines z_n ({@link PhysicsProfileFit#fit(HybridVae, double[][][], double[][][][], boolean)}).
     */
    static PhysicsProfileFit.Result fit(SystemKind system, double dt, HybridModel model, double[][][] windows,
                                        double[][][][] contexts, Inference encoder, boolean refineLatents) {
        if (system == SystemKind.ADVECTION_DIFFUSION) {
            return weakForm(windows, dt, encoder);
        }
        if (model instanceof HybridVae vae && vae.spec().usePhysics()) {
            return PhysicsProfileFit.fit(vae, windows, contexts, refineLatents);
        }
        return null;
    }

    private static PhysicsProfileFit.Result weakForm(double[][][] windows, double dt, Inference encoder) {
        DiffusionWindowFit fit = new DiffusionWindowFit(RemainderOperator.shipped(), dt, AdvectionDiffusionSystem.DX);
        double[] mean = new double[windows.length];
        double[] std = new double[windows.length];
        int refused = 0;
        for (int i = 0; i < windows.length; i++) {
            Optional<DiffusionWindowFit.Estimate> e = fit.fit(windows[i]);
            if (e.isPresent()) {
                mean[i] = e.get().mean();
                std[i] = e.get().std();
            } else {
                mean[i] = encoder.physicsMean()[i][0];
                std[i] = encoder.physicsStd()[i][0];
                refused++;
            }
        }
        if (refused > 0) {
            LOG.info("the line's weak-form fit refused {} of {} windows: they keep the encoder's D", refused,
                    windows.length);
        }
        return new PhysicsProfileFit.Result(mean, std);
    }
}
