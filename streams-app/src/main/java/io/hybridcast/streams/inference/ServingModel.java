package io.hybridcast.streams.inference;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.fusion.IntervalCalibration;

import java.util.List;

/**
 * A verified model version ready to serve one system, as the streams app uses it: embed context windows,
 * and infer a batch of sensors in one call. Implementations hold native memory and are closed by the
 * {@link ModelRegistry} once no batch uses them any more.
 */
public interface ServingModel extends AutoCloseable {

    SystemKind system();

    long version();

    String algorithm();

    /** Physics parameter names, in the order of {@link Prediction#zpMean()}. */
    List<String> physicsNames();

    /**
     * How this version's sensor-level z_p intervals are widened and clipped (its bundle's calibration and prior
     * range, {@link IntervalCalibration}); none by default.
     */
    default IntervalCalibration intervalCalibration() {
        return IntervalCalibration.NONE;
    }

    /** Samples per window the model reads. */
    int windowLength();

    /** Longest forecast the model makes. */
    int maxHorizon();

    /** Per-window context embeddings of {@code windows} ([n][time][channel]), one batched call: [n][E]. */
    double[][] embed(double[][][] windows);

    /** One batched inference over every query. */
    List<Prediction> predict(List<Query> queries, int horizon);

    @Override
    void close();

    /**
     * One sensor's query.
     *
     * @param window      the newest window, [time][channel]
     * @param pooledSum   sum of the context windows' embeddings
     * @param pooledCount number of context windows in the sum
     * @param band        whether the model's forecast band is needed; without it the prediction's mean is the same
     *                    and its band only the observation noise's
     */
    record Query(double[][] window, double[] pooledSum, int pooledCount, boolean band) {

        /** A query that needs the model's band. */
        public Query(double[][] window, double[] pooledSum, int pooledCount) {
            this(window, pooledSum, pooledCount, true);
        }
    }

    /**
     * One sensor's result.
     *
     * @param mean        forecast mean [step][channel]
     * @param lower       2.5 % quantile [step][channel]
     * @param upper       97.5 % quantile [step][channel]
     * @param zpMean      posterior mean of z_p given context and query
     * @param zpStd       posterior std of z_p
     * @param zn          posterior mean of the neural latents
     * @param neuralShare share of the query window's reconstruction the physics does not explain,
     *                    ||x_PAB - x_P||^2 / ||x_PAB||^2
     */
    record Prediction(double[][] mean, double[][] lower, double[][] upper, double[] zpMean, double[] zpStd,
                      double[] zn, double neuralShare) {
    }
}
