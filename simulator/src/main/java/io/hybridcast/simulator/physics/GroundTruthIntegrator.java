package io.hybridcast.simulator.physics;

import org.hipparchus.ode.OrdinaryDifferentialEquation;

/**
 * Accurate trajectories from Hipparchus' adaptive Dormand-Prince 8(5,3) with tight tolerances (SCIENCE.md section 2),
 * driven step by step by a {@link ContinuousTrajectory}. Live sensors keep one {@link #newTrajectory() trajectory}
 * each and integrate it without end; the methods here are for finite runs (datasets, tests). Not thread-safe: use one
 * per thread.
 */
public final class GroundTruthIntegrator {

    /** Absolute and relative tolerance of the default integrator. */
    public static final double DEFAULT_TOLERANCE = 1e-10;

    private final double tolerance;
    private final ContinuousTrajectory run;

    /** An integrator with {@link #DEFAULT_TOLERANCE}. */
    public GroundTruthIntegrator() {
        this(DEFAULT_TOLERANCE);
    }

    /** An integrator with the given absolute and relative tolerance. */
    public GroundTruthIntegrator(double tolerance) {
        if (!(tolerance > 0.0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        this.tolerance = tolerance;
        this.run = new ContinuousTrajectory(tolerance);
    }

    /** Absolute and relative tolerance. */
    public double tolerance() {
        return tolerance;
    }

    /** A new trajectory with this tolerance, for a caller that integrates one system without end. */
    public ContinuousTrajectory newTrajectory() {
        return new ContinuousTrajectory(tolerance);
    }

    /**
     * Advances {@code state} in place from time {@code t} by {@code dt}, ending with a step exactly at {@code t + dt}.
     * The first trial step is {@code dt}.
     */
    public void advance(OrdinaryDifferentialEquation ode, double t, double[] state, double dt) {
        run.start(ode, t, state, dt);
        run.setBarrier(t + dt);
        run.stateAt(t + dt, state);
    }

    /**
     * Integrates from {@code t0} over {@code n} sample intervals in one adaptive run and returns the states at
     * {@code t0 + k·dt}, k = 1..n: samples 1..n-1 from the dense output (7th order for Dormand-Prince 8(5,3)), so the
     * steps can be longer than a sample interval where the dynamics are smooth; the last from a step that ends on it.
     * {@code state} is updated to the state at {@code t0 + n·dt}.
     *
     * @return [k-1][state component]
     */
    public double[][] advanceSamples(OrdinaryDifferentialEquation ode, double t0, double[] state, double dt, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        double[][] samples = new double[n][state.length];
        run.start(ode, t0, state, dt);
        run.setBarrier(t0 + n * dt);
        for (int k = 1; k <= n; k++) {
            run.stateAt(t0 + k * dt, samples[k - 1]);
        }
        System.arraycopy(samples[n - 1], 0, state, 0, state.length);
        return samples;
    }

    /**
     * States at {@code t0 + k·dt}, k = 0..steps-1, starting from {@code initial} (not modified), in one run whose steps
     * end exactly on every sample time (no dense output; the step size carries over from sample to sample).
     *
     * @return [step][state component]
     */
    public double[][] trajectory(OrdinaryDifferentialEquation ode, double t0, double[] initial, double dt, int steps) {
        double[][] states = new double[steps][];
        states[0] = initial.clone();
        run.start(ode, t0, initial, dt);
        for (int k = 1; k < steps; k++) {
            double time = t0 + k * dt;
            states[k] = new double[initial.length];
            run.setBarrier(time);
            run.stateAt(time, states[k]);
        }
        return states;
    }
}
