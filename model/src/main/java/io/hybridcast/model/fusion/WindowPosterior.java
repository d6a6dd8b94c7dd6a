package io.hybridcast.model.fusion;

/**
 * One disjoint window of a sensor as its sensor-level physics sees it: where it ends, the model's posterior of z_p,
 * what the window itself shows of the physics (its free swing and its forced amplitude), and whether a sensor
 * fault covered it. The streams app keeps these per live sensor; the trainer builds them from simulated sensors
 * to fit the interval calibration on the same estimator ({@link SensorLevelPosterior}).
 */
public interface WindowPosterior {

    /** Sequence (sample index) of the window's newest sample. */
    long sequence();

    /** Posterior mean of each physics parameter. */
    double[] mean();

    /** Posterior std of each physics parameter. */
    double[] std();

    /** The window's free swing ({@link FreeSwing}); NaN when not measured. */
    double swing();

    /** The window's forced amplitude at the sensor's forcing frequency ({@link ForcedSwing}); NaN when not measured. */
    double forced();

    /** The standard error of {@link #forced()}; NaN when not measured. */
    double forcedStd();

    /** Whether a sample of the window lies under a sensor-fault flag: then it is no evidence about the physics. */
    boolean faulty();
}
