package io.hybridcast.model.physics;

/**
 * The prior range of a system's physics parameter z_p, the one place every model, trainer and test takes it
 * from: SCIENCE.md section 2 where it gives one (pendulum ω in [0.392, 3.53], advection-diffusion D in
 * [5e-3, 0.2]), else a margin around the simulator's range (double pendulum g/l in [1, 12] around [2, 10],
 * docs/model.md). The physics head maps into it, the KL of z_p is taken against it, and the base models'
 * simulated populations draw their parameters from it.
 *
 * @param min lower bound (> 0)
 * @param max upper bound (> min)
 */
public record PriorRange(double min, double max) {

    /** Pendulum ω, rad/s. */
    public static final PriorRange PENDULUM = new PriorRange(0.392, 3.53);
    /** Advection-diffusion D. */
    public static final PriorRange ADVECTION_DIFFUSION = new PriorRange(5e-3, 0.2);
    /** Double pendulum g/l, 1/s². */
    public static final PriorRange DOUBLE_PENDULUM = new PriorRange(1.0, 12.0);

    public PriorRange {
        if (!(min > 0 && max > min)) {
            throw new IllegalArgumentException("prior range must satisfy 0 < min < max, got " + min + ".." + max);
        }
    }

    /** The prior range of a system, by its {@code SystemKind} name. */
    public static PriorRange forSystem(String system) {
        return switch (system) {
            case "PENDULUM" -> PENDULUM;
            case "ADVECTION_DIFFUSION" -> ADVECTION_DIFFUSION;
            case "DOUBLE_PENDULUM" -> DOUBLE_PENDULUM;
            default -> throw new IllegalArgumentException("No prior range for system '" + system
                    + "' (known: PENDULUM, ADVECTION_DIFFUSION, DOUBLE_PENDULUM)");
        };
    }

    /** max - min. */
    public double width() {
        return max - min;
    }

    /** Whether {@code value} lies within the range, bounds included. */
    public boolean contains(double value) {
        return value >= min && value <= max;
    }

    /**
     * Whether {@code value} sits at a bound, within 1 % of the width: an encoder saturated on a regime it does not
     * know reads there, so such a value says nothing about the parameter.
     */
    public boolean atBound(double value) {
        double margin = 0.01 * width();
        return value <= min + margin || value >= max - margin;
    }
}
