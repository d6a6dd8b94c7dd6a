package io.hybridcast.model.training;

/**
 * Known z_p of training windows, for windows simulated by a digital twin whose parameters are known (the
 * base models' task population, docs/trainer.md): the physics head is then also trained to read them,
 * {@code weight·((μ_zp − z_p)/width)²} for its mean plus a Gaussian likelihood of the error for its log
 * variance (so the per-window uncertainty it reports is calibrated on data where the error is known). NaN
 * marks a window whose z_p is unknown (live readings): it is trained by the unsupervised objective alone.
 *
 * @param values one per training window, NaN where unknown
 * @param weight weight of the supervised term; 0 turns it off
 */
public record PhysicsTargets(double[] values, double weight) {

    /** No supervision. */
    public static final PhysicsTargets NONE = new PhysicsTargets(new double[0], 0);

    public PhysicsTargets {
        if (values == null) {
            throw new IllegalArgumentException("physics targets must not be null");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("physics target weight must be finite and >= 0, got " + weight);
        }
    }
}
