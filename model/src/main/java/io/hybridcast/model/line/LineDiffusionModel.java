package io.hybridcast.model.line;

import io.hybridcast.model.api.HybridModel;
import io.hybridcast.model.api.Inference;
import io.hybridcast.model.api.ModelSpec;

import java.util.Optional;

/**
 * A model of the advection-diffusion line whose window posterior of D comes from the window's own readings
 * ({@link DiffusionWindowFit}: the known physics and the twin-learnt remainder, by least squares) instead of the
 * amortized encoder, which reads a small D about 3x high (docs/decisions.md, "The line's D"), and whose forecast
 * carries the window's newest field forward by the dynamics the window identified ({@link LineDynamics}, D and
 * a); latents, reconstruction and forecast std are the wrapped model's. The forecast keeps the convention of every
 * model's forecast, a continuation of its reconstruction: the identified change from the newest sample is added to
 * the reconstruction's end, so the serving anchor (which shifts a line's forecast to start at the newest sample)
 * gives exactly the identified forecast. A window without an estimate (a jump) keeps the encoder's mean with the
 * prior's spread (width/√12) or more, so fusing it adds next to nothing, and the encoder's forecast.
 */
public final class LineDiffusionModel implements HybridModel {

    private final HybridModel model;
    private final DiffusionWindowFit fit;
    private final double uninformed;
    private final RemainderOperator remainder;

    /** Wraps {@code model} (an ADVECTION_DIFFUSION model) with the window fit of {@code remainder}. */
    public LineDiffusionModel(HybridModel model, RemainderOperator remainder) {
        ModelSpec spec = model.spec();
        if (!"ADVECTION_DIFFUSION".equals(spec.system())) {
            throw new IllegalArgumentException("the line's D fit applies to ADVECTION_DIFFUSION, not " + spec.system());
        }
        this.model = model;
        this.fit = new DiffusionWindowFit(remainder, spec.dt(), io.hybridcast.model.physics.DiffusionPhysics.DX);
        this.uninformed = (spec.physicsMax() - spec.physicsMin()) / Math.sqrt(12);
        this.remainder = remainder;
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
        double[][][] forecast = in.forecastMean().clone();
        for (int b = 0; b < windows.length; b++) {
            Optional<DiffusionWindowFit.Estimate> e = fit.fit(windows[b]);
            if (e.isPresent()) {
                mean[b] = new double[]{e.get().mean()};
                std[b] = new double[]{e.get().std()};
                double[][] identified = identifiedForecast(windows[b], in.reconstruction()[b], e.get(),
                        in.forecastMean()[b].length);
                if (identified != null) {
                    forecast[b] = identified;
                }
            } else {
                mean[b] = in.physicsMean()[b].clone();
                std[b] = new double[]{Math.max(in.physicsStd()[b][0], uninformed)};
            }
        }
        return new Inference(mean, std, in.neuralMean(), in.reconstruction(), in.physicsOnly(), forecast,
                in.forecastStd());
    }

    /**
     * The window's newest field carried forward by its identified dynamics, as a continuation of the model's
     * {@code reconstruction} (its end plus the identified change); null when those dynamics are no physics. D is
     * clipped to the prior range first: a noisy window's fit may read D below 0, which no forecast may integrate.
     */
    private double[][] identifiedForecast(double[][] window, double[][] reconstruction, DiffusionWindowFit.Estimate e,
                                          int steps) {
        if (steps == 0) {
            return new double[0][];
        }
        ModelSpec spec = model.spec();
        double d = Math.max(spec.physicsMin(), Math.min(spec.physicsMax(), e.mean()));
        double[] newest = window[window.length - 1];
        double[][] ahead = new LineDynamics(d, e.remainder(), remainder, io.hybridcast.model.physics.DiffusionPhysics.DX,
                LineDynamics.MODES)
                .forecast(newest, steps, spec.dt());
        if (ahead == null) {
            return null;
        }
        double[] end = reconstruction[reconstruction.length - 1];
        for (double[] row : ahead) {
            for (int c = 0; c < row.length; c++) {
                row[c] = end[c] + row[c] - newest[c];
            }
        }
        return ahead;
    }

    @Override
    public void close() {
        model.close();
    }
}
