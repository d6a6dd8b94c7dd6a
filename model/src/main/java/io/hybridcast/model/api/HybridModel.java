package io.hybridcast.model.api;

/**
 * A trained hybrid physics + neural model, ready to infer. Implementations own native memory: close them.
 * An instance is not thread-safe; use one per thread (one per stream thread in the streams app).
 */
public interface HybridModel extends AutoCloseable {

    /** Every dimension and setting of the model. */
    ModelSpec spec();

    /**
     * Infers the latents of each window and forecasts beyond it.
     *
     * @param windows  [b][T][C] the newest window of each sensor
     * @param contexts [b][k][T][C] earlier windows of the same sensor (k may be 0, and differ per window);
     *                 ignored by models without a context-conditional prior
     * @param horizon  forecast steps beyond each window, at most {@link ModelSpec#maxHorizon()}
     */
    Inference infer(double[][][] windows, double[][][][] contexts, int horizon);

    /**
     * The per-window context embedding whose running mean is the context summary of a meta model, so that a
     * stream can keep a running sum and count per sensor instead of re-encoding its whole context set.
     *
     * @return [b][E]
     */
    double[][] embedContext(double[][][] windows);

    /**
     * Like {@link #infer} but with each window's context given as the sum of its context windows' embeddings
     * ({@link #embedContext}) and their count; a count of 0 means no context.
     */
    Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts, int horizon);

    /**
     * Like {@link #inferWithPooledContext(double[][][], double[][], int[], int)}, told which windows need their
     * forecast band: a caller that replaces the model's band by its own (the streams app once a sensor's own errors
     * calibrate it) asks for none, and a model may then skip the band's work. A window without a band gets the same
     * forecast mean, reconstruction and posterior, and a forecast std that leaves out the spread over the latents.
     * By default every band is computed.
     *
     * @param band per window, whether its forecast band is needed; null: all are
     */
    default Inference inferWithPooledContext(double[][][] windows, double[][] embeddingSums, int[] counts,
                                             int horizon, boolean[] band) {
        return inferWithPooledContext(windows, embeddingSums, counts, horizon);
    }

    @Override
    void close();
}
