package io.hybridcast.model.line;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;

import java.util.Optional;

/**
 * A model of the advection-diffusion line whose window posterior of D comes from the window's own readings
 * ({@link DiffusionWindowFit}: the known physics and the twin-learnt remainder, by least squares) instead of the
 * amortized encoder, which reads a small D about 3x high (docs/decisions.md, "The line's D"). Everything else
 * (latents, reconstruction, forecast) is the wrapped model's. A window without an estimate (a jump) keeps the
 * encoder's mean with the prior's spread (width/√12) or more, so fusing it adds next to nothing.
 */
public final class LineDiffusionModel implements HybridModel {

    private final HybridModel model;
    private final DiffusionWindowFit fit;
    private final double uninformed;

    /** Wraps {@code model} (an ADVECTION_DIFFUSION model) with the window fit of {@code remainder}. */
    public LineDiffusionModel(HybridModel model, RemainderOperator remainder) {
        ModelSpec spec = model.spec();
        if (!"ADVECTION_DIFFUSION".equals(spec.system())) {
            throw new IllegalArgumentException("the line's D fit applies to ADVECTION_DIFFUSION, not " + spec.system());
        }
        this.model = model;
        this.fit = new DiffusionWindowFit(remainder, spec.dt(), io.hybridcast.model.physics.DiffusionPhysics.DX);
        this.uninformed = (spec.physicsMax() - spec.physicsMin()) / Math.sqrt(12);
    }

    /** {@code model} wrapped with the shipped remainder when it models the line, else {@code model} itself. */
    public static HybridModel wrapIfLine(HybridModel model) {
        return "ADVECTION_DIFFUSION".equals(model.spec().system())
                ? new LineDiffusionModel(model, RemainderOperator.shipped()) : model;
    }

    @Override
    public ModelSpec spec() {
        return model.spec();
    }

    @Override
    public Inference infer(double[][][] windows, double[][][][] contexts, int horizon) {
        return refit(windows, model.infer(windows, contexts, horizon));
    }

    @Override
    public double[][] embedContext(double[][][] windows) {
        return model.embedContext(windows);
    }

    @Override
    public Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts,
                                            int horizon) {
        return refit(windows, model.inferWithPooledContext(windows, embeddingSums, counts, horizon));
    }

    private Inference refit(double[][][] windows, Inference in) {
        double[][] mean = new double[windows.length][];
        double[][] std = new double[windows.length][];
        for (int b = 0; b < windows.length; b++) {
            Optional<DiffusionWindowFit.Estimate> e = fit.fit(windows[b]);
            if (e.isPresent()) {
                mean[b] = new double[]{e.get().mean()};
                std[b] = new double[]{e.get().std()};
            } else {
                mean[b] = in.physicsMean()[b].clone();
                std[b] = new double[]{Math.max(in.physicsStd()[b][0], uninformed)};
            }
        }
        return new Inference(mean, std, in.neuralMean(), in.reconstruction(), in.physicsOnly(), in.forecastMean(),
                in.forecastStd());
    }

    @Override
    public void close() {
        model.close();
    }
}
