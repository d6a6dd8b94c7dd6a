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

    /** Observation of a state batch, [B, C]. */
    default NDArray observe(NDArray state) {
        return state.get(":, 0:" + channels());
    }

    /**
     * 1 for the state components the in-ODE neural term may act on, 0 elsewhere, [D]: for second-order
     * systems only the accelerations, so the network cannot rewrite kinematics (θ' = v).
     */
    NDArray neuralMask(NDManager manager);

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
