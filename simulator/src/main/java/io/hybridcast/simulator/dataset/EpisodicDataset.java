package io.hybridcast.simulator.dataset;

import io.hybridcast.avro.SystemKind;

import java.util.Objects;

/**
 * An offline dataset of short sequences grouped into tasks, with the true parameters beside the data.
 * Arrays are shared, not copied: treat them as read-only.
 *
 * @param system          the physical system
 * @param dt              sample interval in seconds
 * @param taskIds         [sequence] task of each sequence, 0..tasks-1; sequences of one task are contiguous
 * @param observations    [sequence][step][channel] noisy observations
 * @param initialStates   [sequence][stateDim] the full true state at step 0 (velocities included)
 * @param physicsNames    names of the physics parameters (z_p), e.g. {@code omega}
 * @param physics         [sequence][param] true physics parameters
 * @param unmodelledNames names of the unmodelled factors, e.g. {@code gamma, A, f}
 * @param unmodelled      [sequence][factor] true unmodelled factors (equal within a task)
 */
public record EpisodicDataset(SystemKind system, double dt, int[] taskIds, double[][][] observations,
                              double[][] initialStates, String[] physicsNames, double[][] physics,
                              String[] unmodelledNames, double[][] unmodelled) {

    public EpisodicDataset {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(taskIds, "taskIds");
        Objects.requireNonNull(observations, "observations");
        Objects.requireNonNull(initialStates, "initialStates");
        Objects.requireNonNull(physicsNames, "physicsNames");
        Objects.requireNonNull(physics, "physics");
        Objects.requireNonNull(unmodelledNames, "unmodelledNames");
        Objects.requireNonNull(unmodelled, "unmodelled");
        if (!(dt > 0.0)) {
            throw new IllegalArgumentException("dt must be > 0, got " + dt);
        }
        int n = taskIds.length;
        if (observations.length != n || initialStates.length != n || physics.length != n || unmodelled.length != n) {
            throw new IllegalArgumentException("every array needs one row per sequence (" + n + "), got observations "
                    + observations.length + ", initialStates " + initialStates.length + ", physics " + physics.length
                    + ", unmodelled " + unmodelled.length);
        }
        for (int i = 0; i < n; i++) {
            if (physics[i].length != physicsNames.length || unmodelled[i].length != unmodelledNames.length) {
                throw new IllegalArgumentException("sequence " + i + ": parameter rows do not match their names");
            }
        }
    }

    /** Number of sequences. */
    public int size() {
        return taskIds.length;
    }

    /** Samples per sequence (0 for an empty dataset). */
    public int steps() {
        return size() == 0 ? 0 : observations[0].length;
    }

    /** Channels per sample (0 for an empty dataset). */
    public int channels() {
        return size() == 0 || steps() == 0 ? 0 : observations[0][0].length;
    }

    /** Length of the state vector (0 for an empty dataset). */
    public int stateDim() {
        return size() == 0 ? 0 : initialStates[0].length;
    }

    /** Number of distinct tasks (task ids are 0..n-1). */
    public int taskCount() {
        int max = -1;
        for (int id : taskIds) {
            max = Math.max(max, id);
        }
        return max + 1;
    }
}
