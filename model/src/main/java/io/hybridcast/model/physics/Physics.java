package io.hybridcast.model.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Random;

/**
 * The incomplete physics f_P(s; z_p) a hybrid model knows about a system (SCIENCE.md section 2), as
 * batched, differentiable NDArray operations. The unmodelled terms (damping, forcing, advection) are left
 * to the neural part on purpose.
 */
public interface Physics {

    /** The system, as {@code SystemKind} names it. */
    String system();

    /** Dimension of the ODE state s. */
    int stateDim();

    /** Observed channels; the observation is the first {@code channels()} state components. */
    int channels();

    /** State components not observed (velocities) that the encoder must infer for the initial state. */
    default int unobservedDim() {
        return stateDim() - channels();
    }

    /**
     * ds/dt of the known physics.
     *
     * @param state [B, D]
     * @param zp    [B, 1] the physics parameter
     * @return [B, D]
     */
    NDArray derivative(NDArray state, NDArray zp, Constants c);

    /**
     * ds/dt of one state in plain floats, the same equations as {@link #derivative(NDArray, NDArray, Constants)}:
     * for simulations that need no autograd graph (data augmentation) and for the serving kernel.
     *
     * @param state     holds the state at {@code offset .. offset + stateDim()}
     * @param out       receives ds/dt at {@code outOffset .. outOffset + stateDim()}
     */
    void derivative(float[] state, int offset, float zp, float[] out, int outOffset);

    /** A vector field prepared once per solve: z_p and every constant stay fixed while a solver calls it. */
    @FunctionalInterface
    interface PreparedField {
        /**
         * @param state [B, copies·D], {@code copies} states side by side
         * @return ds/dt of each copy, [B, copies·D]
         */
        NDArray apply(NDArray state);
    }

    /**
     * ds/dt of {@code copies} states side by side ([B, copies·D]) with a fixed z_p ([B, 1]), prepared once per
     * solve so that each evaluation issues as few eager ops as the system allows (each costs microseconds of fixed
     * overhead, STACK.md 1.6). This default slices each copy out and concatenates the derivatives; systems
     * override it with fewer ops.
     */
    default PreparedField prepare(NDArray zp, int copies, Constants c) {
        int d = stateDim();
        return state -> {
            ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList(copies);
            for (int k = 0; k < copies; k++) {
                parts.add(derivative(state.get(":, " + k * d + ":" + (k + 1) * d), zp, c));
            }
            return copies == 1 ? parts.singletonOrThrow() : ai.djl.ndarray.NDArrays.concat(parts, 1);
        };
    }

    /** Observation of a state batch, [B, C]. */
    default NDArray observe(NDArray state) {
        return state.get(":, 0:" + channels());
    }

    /**
     * 1 for the state components the in-ODE neural term may act on, 0 elsewhere, [D]: for second-order
     * systems only the accelerations, so the network cannot rewrite kinematics (θ' = v).
     */
    NDArray neuralMask(NDManager manager);

    /** {@link #neuralMask} as plain values, [D]. */
    float[] neuralMaskValues();

    /** Initial states for physics-only simulations used as data augmentation, [B, D]. */
    NDArray randomInitialState(NDManager manager, int batch, Random random);

    /** The physics of a system kind name. */
    static Physics forSystem(String system) {
        return switch (system) {
            case "PENDULUM" -> new PendulumPhysics();
            case "ADVECTION_DIFFUSION" -> new DiffusionPhysics();
            case "DOUBLE_PENDULUM" -> new DoublePendulumPhysics();
            default -> throw new IllegalArgumentException("No physics for system '" + system
                    + "' (known: PENDULUM, ADVECTION_DIFFUSION, DOUBLE_PENDULUM)");
        };
    }
}
