package io.hybridcast.simulator.physics;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;
import org.hipparchus.ode.OrdinaryDifferentialEquation;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The true dynamics of one kind of physical system (SCIENCE.md section 2), including the terms that the
 * model's physics leaves out. One physics parameter (z_p) and a few unmodelled factors (the truth for z_n)
 * fully define an instance; {@link #equations} turns them into an ODE that the
 * {@link GroundTruthIntegrator} solves.
 */
public interface PhysicalSystem {

    /** Which system this is. */
    SystemKind kind();

    /** Shared facts about the system (channels, sample interval, parameter names). */
    default SensorSystems.Spec spec() {
        return SensorSystems.of(kind());
    }

    /** Sample interval in seconds. */
    default double dt() {
        return spec().dtSeconds();
    }

    /** Size of one observation vector. */
    default int channels() {
        return spec().channels();
    }

    /** Size of the full state vector (observed and unobserved parts, e.g. angular velocities). */
    int stateDim();

    /** Default range of the physics parameter z_p. */
    ParameterRange physicsRange();

    /** Ranges of the unmodelled factors, in the order of {@link SensorSystems.Spec#unmodelledParameters()}. */
    List<ParameterRange> unmodelledRanges();

    /** Standard deviation of the Gaussian observation noise of the reference datasets. */
    double defaultNoiseStd();

    /**
     * A random initial state.
     *
     * @param atRest true for the episodic datasets (velocities zero, as in Phys-VAE); false for live
     *               sensors, which start moving
     */
    double[] initialState(RandomGenerator rng, boolean atRest);

    /** The true ODE for one parameter set; time is absolute (the pendulum's forcing depends on it). */
    OrdinaryDifferentialEquation equations(double physics, double[] unmodelled);

    /** Writes the observed channels of a state into {@code out} (length {@link #channels()}). */
    void observe(double[] state, double[] out);

    /**
     * True if the state looks run down (near rest, or a decayed profile). Damping without forcing ends at rest
     * and diffusion ends at zero; a live sensor that stays run down for a while is re-excited with {@link #excite}
     * so that it keeps producing informative data.
     */
    boolean runDown(double[] state);

    /** Adds an outside input to a run-down state in place (a push, a fresh release of material). */
    void excite(double[] state, RandomGenerator rng);

    /**
     * The unmodelled factor that is the machine's drive (switched off and on by operating events), or null for a
     * system without one.
     */
    default String driveParameter() {
        return null;
    }

    /** Name of the physics parameter. */
    default String physicsName() {
        return spec().physicsParameters().get(0);
    }

    /** Names of the unmodelled factors. */
    default List<String> unmodelledNames() {
        return spec().unmodelledParameters();
    }

    /** Draws the unmodelled factors from their ranges. */
    default double[] sampleUnmodelled(RandomGenerator rng) {
        List<ParameterRange> ranges = unmodelledRanges();
        double[] values = new double[ranges.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ranges.get(i).sample(rng);
        }
        return values;
    }
}
