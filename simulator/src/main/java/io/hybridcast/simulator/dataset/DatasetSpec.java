package io.hybridcast.simulator.dataset;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.simulator.physics.ParameterRange;
import io.hybridcast.simulator.physics.PhysicalSystem;
import io.hybridcast.simulator.physics.PhysicalSystems;

import java.util.Objects;

/**
 * What an offline episodic dataset holds: {@code tasks} tasks of {@code sequencesPerTask} sequences of
 * {@code steps} samples each. A task shares its unmodelled factors; the physics parameter (drawn uniformly
 * from [physicsMin, physicsMax]) and the initial state vary per sequence. The unmodelled factors come from
 * the system's reference ranges (docs/simulator.md).
 *
 * @param system           the physical system
 * @param tasks            number of tasks (environments), at least 1
 * @param sequencesPerTask sequences per task, at least 1 (1 gives a Phys-VAE style dataset)
 * @param steps            samples per sequence including the initial one, at least 2
 * @param physicsMin       lower bound of the physics parameter z_p
 * @param physicsMax       upper bound of the physics parameter z_p
 * @param noiseStd         standard deviation of the Gaussian observation noise, at least 0
 */
public record DatasetSpec(SystemKind system, int tasks, int sequencesPerTask, int steps, double physicsMin,
                          double physicsMax, double noiseStd) {

    public DatasetSpec {
        Objects.requireNonNull(system, "system");
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be >= 1, got " + tasks);
        }
        if (sequencesPerTask < 1) {
            throw new IllegalArgumentException("sequencesPerTask must be >= 1, got " + sequencesPerTask);
        }
        if (steps < 2) {
            throw new IllegalArgumentException("steps must be >= 2, got " + steps);
        }
        if (!Double.isFinite(physicsMin) || !Double.isFinite(physicsMax) || physicsMin > physicsMax
                || physicsMin <= 0.0) {
            throw new IllegalArgumentException("physics range must satisfy 0 < min <= max, got [" + physicsMin
                    + ", " + physicsMax + "]");
        }
        if (!(noiseStd >= 0.0) || !Double.isFinite(noiseStd)) {
            throw new IllegalArgumentException("noiseStd must be finite and >= 0, got " + noiseStd);
        }
        if ((long) tasks * sequencesPerTask > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("tasks * sequencesPerTask too large: " + tasks + " * " + sequencesPerTask);
        }
    }

    /**
     * The reference settings of SCIENCE.md section 2: 50 steps; pendulum ω ~ U[0.785, 3.14], noise 0.01;
     * advection-diffusion D ~ U[0.01, 0.1], noise 1e-3; double pendulum g/l ~ U[2, 10], noise 0.01.
     */
    public static DatasetSpec defaults(SystemKind system, int tasks, int sequencesPerTask) {
        PhysicalSystem physical = PhysicalSystems.of(system);
        ParameterRange range = physical.physicsRange();
        return new DatasetSpec(system, tasks, sequencesPerTask, 50, range.min(), range.max(),
                physical.defaultNoiseStd());
    }

    /** The same spec with another physics parameter range (e.g. an out-of-distribution test set). */
    public DatasetSpec withPhysicsRange(double min, double max) {
        return new DatasetSpec(system, tasks, sequencesPerTask, steps, min, max, noiseStd);
    }

    /** The same spec with another sequence length. */
    public DatasetSpec withSteps(int n) {
        return new DatasetSpec(system, tasks, sequencesPerTask, n, physicsMin, physicsMax, noiseStd);
    }

    /** The same spec with another observation noise. */
    public DatasetSpec withNoiseStd(double std) {
        return new DatasetSpec(system, tasks, sequencesPerTask, steps, physicsMin, physicsMax, std);
    }

    /** The same spec with another number of tasks and sequences per task. */
    public DatasetSpec withSize(int newTasks, int newSequencesPerTask) {
        return new DatasetSpec(system, newTasks, newSequencesPerTask, steps, physicsMin, physicsMax, noiseStd);
    }

    /** Total number of sequences. */
    public int size() {
        return tasks * sequencesPerTask;
    }
}
