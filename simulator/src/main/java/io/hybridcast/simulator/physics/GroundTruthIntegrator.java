package io.hybridcast.simulator.physics;

import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.ODEStateAndDerivative;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;

/**
 * Accurate trajectories from Hipparchus' adaptive Dormand-Prince 8(5,3) integrator with tight tolerances
 * (SCIENCE.md section 2). Not thread-safe: use one per thread.
 */
public final class GroundTruthIntegrator {

    /** Absolute and relative tolerance of the default integrator. */
    public static final double DEFAULT_TOLERANCE = 1e-10;

    private final DormandPrince853Integrator integrator;

    /** An integrator with {@link #DEFAULT_TOLERANCE}. */
    public GroundTruthIntegrator() {
        this(DEFAULT_TOLERANCE);
    }

    /** An integrator with the given absolute and relative tolerance. */
    public GroundTruthIntegrator(double tolerance) {
        if (!(tolerance > 0.0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        this.integrator = new DormandPrince853Integrator(1e-12, 1.0, tolerance, tolerance);
    }

    /**
     * Advances {@code state} in place from time {@code t} by {@code dt}. The first trial step is {@code dt}
     * itself, which skips Hipparchus' initial step-size estimate: that estimate costs several derivative
     * evaluations per call, and live sensors call this once per sample.
     */
    public void advance(OrdinaryDifferentialEquation ode, double t, double[] state, double dt) {
        integrator.setInitialStepSize(dt);
        ODEStateAndDerivative end = integrator.integrate(ode, new ODEState(t, state), t + dt);
        System.arraycopy(end.getPrimaryState(), 0, state, 0, state.length);
    }

    /**
     * Integrates from {@code t0} over {@code n} sample intervals in one adaptive run and returns the states at
     * {@code t0 + k·dt}, k = 1..n, read from the integrator's dense output (7th order for Dormand-Prince 8(5,3)).
     * One run lets the integrator take steps longer than a sample interval where the dynamics are smooth,
     * and saves the per-run start-up cost: live sensors compute a few samples ahead this way. {@code state} is
     * updated to the state at {@code t0 + n·dt}.
     *
     * @return [k-1][state component]
     */
    public double[][] advanceSamples(OrdinaryDifferentialEquation ode, double t0, double[] state, double dt, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        double[][] samples = new double[n][];
        int[] next = {1};
        integrator.clearStepHandlers();
        integrator.addStepHandler(interpolator -> {
            double stepEnd = interpolator.getCurrentState().getTime();
            while (next[0] < n && t0 + next[0] * dt <= stepEnd) {
                samples[next[0] - 1] = interpolator.getInterpolatedState(t0 + next[0] * dt).getPrimaryState();
                next[0]++;
            }
        });
        try {
            integrator.setInitialStepSize(dt);
            ODEStateAndDerivative end = integrator.integrate(ode, new ODEState(t0, state), t0 + n * dt);
            System.arraycopy(end.getPrimaryState(), 0, state, 0, state.length);
            samples[n - 1] = state.clone();
        } finally {
            integrator.clearStepHandlers();
        }
        return samples;
    }

    /**
     * States at {@code t0 + k·dt}, k = 0..steps-1, starting from {@code initial} (not modified).
     *
     * @return [step][state component]
     */
    public double[][] trajectory(OrdinaryDifferentialEquation ode, double t0, double[] initial, double dt, int steps) {
        double[][] states = new double[steps][];
        double[] state = initial.clone();
        states[0] = state.clone();
        for (int k = 1; k < steps; k++) {
            advance(ode, t0 + (k - 1) * dt, state, dt);
            states[k] = state.clone();
        }
        return states;
    }
}
