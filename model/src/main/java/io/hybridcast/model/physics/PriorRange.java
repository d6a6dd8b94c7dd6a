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

    /**
     * Whether the range spans more than an order of magnitude (max/min of at least {@value #LOG_SCALE_RATIO}; the
     * line's D: 40x): then errors and draws are taken relative to the value, not to the width. Why: with the
     * width as scale a 100 % error at D = 0.01 costs (0.01/0.195)^2 = 0.3 % of the range and is never learnt
     * (the line's base model read the live D = 0.015 about 3x high, docs/trainer.md); a uniform draw puts 3 % of
     * the sensors below 0.015, a log-uniform one 14 %.
     */
    public boolean logScale() {
        return max / min >= LOG_SCALE_RATIO;
    }

    /** Ratio max/min from which {@link #logScale()} holds. */
    public static final double LOG_SCALE_RATIO = 20;

    /** {@code u} in [0, 1] mapped into the range: linearly, or log-uniformly where {@link #logScale()}. */
    public double draw(double u) {
        return logScale() ? min * Math.exp(u * Math.log(max / min)) : min + u * width();
    }

    /** Whether {@code value} lies within the range, bounds included. */
    public boolean contains(double value) {
        return value >= min && value <= max;
    }
}
