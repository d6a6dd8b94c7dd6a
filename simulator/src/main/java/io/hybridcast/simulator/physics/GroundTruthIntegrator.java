package io.hybridcast.simulator.physics;

import org.hipparchus.ode.OrdinaryDifferentialEquation;

/**
 * Accurate trajectories from Hipparchus' adaptive Dormand-Prince 8(5,3) with tight tolerances (SCIENCE.md section 2),
 * driven step by step by a {@link ContinuousTrajectory}. Live sensors keep one {@link #newTrajectory(double) trajectory}
 * each and integrate it without end; the methods here are for finite runs (datasets, tests). Not thread-safe: use one
 * per thread.
 */
public final class GroundTruthIntegrator {

    /** Absolute and relative tolerance of the default integrator. */
    public static final double DEFAULT_TOLERANCE = 1e-10;

    /**
     * Longest step, in sample intervals, when samples come from the dense output. The dense output is one order below
     * the steps and its error is not part of the step-size control: advection-diffusion, whose smooth profile allows
     * steps of 0.3 s and more (15+ samples), had interpolated samples 2.6e-7 off a 1e-13 reference at tolerance 1e-10
     * with uncapped steps, and 3.1e-10 with steps capped at 5 samples (IntegrationProfile, docs/simulator.md). The
     * pendulums' steps are shorter than that anyway.
     */
    public static final int MAX_STEP_SAMPLES = 5;

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

    /**
     * A new trajectory with this tolerance and steps of at most {@value #MAX_STEP_SAMPLES} sample intervals, for a
     * caller that integrates one system without end and samples it every {@code sampleInterval}.
     */
    public ContinuousTrajectory newTrajectory(double sampleInterval) {
        return new ContinuousTrajectory(tolerance, MAX_STEP_SAMPLES * sampleInterval);
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
     * steps can be longer than a sample interval (up to {@value #MAX_STEP_SAMPLES}) where the dynamics are smooth; the
     * last from a step that ends on it.
     * {@code state} is updated to the state at {@code t0 + n·dt}.
     *
     * @return [k-1][state component]
     */
    public double[][] advanceSamples(OrdinaryDifferentialEquation ode, double t0, double[] state, double dt, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        double[][] samples = new double[n][state.length];
        ContinuousTrajectory dense = newTrajectory(dt);
        dense.start(ode, t0, state, dt);
        dense.setBarrier(t0 + n * dt);
        for (int k = 1; k <= n; k++) {
            dense.stateAt(t0 + k * dt, samples[k - 1]);
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
