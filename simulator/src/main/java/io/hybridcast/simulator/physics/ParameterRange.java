package io.hybridcast.simulator.physics;

import java.util.random.RandomGenerator;

/**
 * A named parameter and the interval it is drawn from, uniformly.
 *
 * @param name parameter name as published on sensor-truth and written into datasets
 * @param min  lower bound (inclusive)
 * @param max  upper bound; equal to {@code min} for a fixed value
 */
public record ParameterRange(String name, double min, double max) {

    public ParameterRange {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be blank");
        }
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("range of " + name + " must be finite with min <= max, got ["
                    + min + ", " + max + "]");
        }
    }

    /** A uniform draw from [min, max]. */
    public double sample(RandomGenerator rng) {
        return min == max ? min : min + (max - min) * rng.nextDouble();
    }

    /** The same name with another interval. */
    public ParameterRange withBounds(double newMin, double newMax) {
        return new ParameterRange(name, newMin, newMax);
    }

    @Override
    public String toString() {
        return name + " ~ U[" + min + ", " + max + "]";
    }
}
