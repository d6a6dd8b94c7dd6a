package io.hybridcast.simulator.physics;

import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The step-by-step driver of Hipparchus' Dormand-Prince 8(5,3) against Hipparchus' own integrate. */
class ContinuousTrajectoryTest {

    private static final double TOLERANCE = 1e-10;

    /** Hipparchus' integrate from sample to sample (each run ends exactly on the next sample). */
    private static double[][] hipparchus(OrdinaryDifferentialEquation ode, double[] y0, double dt, int samples) {
        DormandPrince853Integrator integrator = new DormandPrince853Integrator(1e-12, 1.0, TOLERANCE, TOLERANCE);
        double[][] states = new double[samples + 1][];
        states[0] = y0.clone();
        for (int k = 1; k <= samples; k++) {
            states[k] = integrator.integrate(ode, new ODEState((k - 1) * dt, states[k - 1]), k * dt).getPrimaryState();
        }
        return states;
    }

    @Test
    void denseOutputSamplesMatchHipparchusIntegrateForTheForcedPendulumAndTheDoublePendulum() {
        OrdinaryDifferentialEquation pendulum = new PendulumSystem().equations(3.0, new double[] {0.2, 40.0, 6.28});
        OrdinaryDifferentialEquation doublePendulum = new DoublePendulumSystem().equations(8.0, new double[] {0.1, 0.3});
        assertMatchesHipparchus(pendulum, new double[] {1.2, -0.7}, 0.05, 400, 1e-8);
        assertMatchesHipparchus(doublePendulum, new double[] {0.9, -0.6, 0.5, -1.0}, 0.05, 200, 1e-7);
    }

    private static void assertMatchesHipparchus(OrdinaryDifferentialEquation ode, double[] y0, double dt, int samples,
                                                double tolerance) {
        double[][] reference = hipparchus(ode, y0, dt, samples);
        ContinuousTrajectory trajectory = new ContinuousTrajectory(TOLERANCE);
        trajectory.start(ode, 0.0, y0, dt);
        double[] state = new double[y0.length];
        double worst = 0;
        for (int k = 1; k <= samples; k++) {
            trajectory.stateAt(k * dt, state);
            for (int i = 0; i < state.length; i++) {
                worst = Math.max(worst, Math.abs(state[i] - reference[k][i]));
            }
        }
        assertThat(worst).isLessThan(tolerance);
        // the steps are longer than a sample interval somewhere or shorter: either way, not one per sample
        assertThat(trajectory.acceptedSteps()).isNotEqualTo(samples);
    }

    /**
     * Started like Hipparchus' integrate (same first trial step, same final time as the barrier), the driver takes the
     * same steps (same tableau, error estimate and step rules) and its dense output is Hipparchus' interpolator, so the
     * samples agree to rounding, with 12 instead of 15 evaluations per step.
     */
    @Test
    void stepForStepTheDriverReproducesHipparchusIntegrateAndItsDenseOutput() {
        OrdinaryDifferentialEquation ode = new PendulumSystem().equations(2.2, new double[] {0.3, 25.0, 4.5});
        double dt = 0.05;
        int samples = 200;
        double[] y0 = {0.8, 0.4};
        DormandPrince853Integrator integrator = new DormandPrince853Integrator(1e-12, 1.0, TOLERANCE, TOLERANCE);
        integrator.setInitialStepSize(dt);
        double[][] expected = new double[samples + 1][];
        int[] next = {1};
        long[] steps = {0};
        integrator.addStepHandler(interpolator -> {
            steps[0]++;
            while (next[0] <= samples && next[0] * dt <= interpolator.getCurrentState().getTime()) {
                expected[next[0]] = interpolator.getInterpolatedState(next[0] * dt).getPrimaryState();
                next[0]++;
            }
        });
        integrator.integrate(ode, new ODEState(0.0, y0), samples * dt);

        ContinuousTrajectory trajectory = new ContinuousTrajectory(TOLERANCE);
        trajectory.start(ode, 0.0, y0, dt);
        trajectory.setBarrier(samples * dt);
        double[] state = new double[2];
        for (int k = 1; k <= samples; k++) {
            trajectory.stateAt(k * dt, state);
            assertThat(state[0]).isCloseTo(expected[k][0], within(1e-13));
            assertThat(state[1]).isCloseTo(expected[k][1], within(1e-12));
        }
        assertThat(trajectory.acceptedSteps()).isEqualTo(steps[0]);
        assertThat(integrator.getEvaluations())
                .isEqualTo(1 + 15 * (trajectory.acceptedSteps() + trajectory.rejectedSteps()));
        assertThat(trajectory.evaluations()).isEqualTo(1 + 12 * trajectory.acceptedSteps()
                + 11 * trajectory.rejectedSteps() + 3 * trajectory.denseOutputSteps());
        assertThat(trajectory.evaluations()).isLessThan(integrator.getEvaluations());
    }

    /**
     * The dense output's error is outside the step-size control; over the long steps a smooth advection-diffusion
     * profile allows it grows far beyond the tolerance, which is why live trajectories cap their steps at a few samples.
     */
    @Test
    void cappedStepsKeepDenseOutputSamplesOfASmoothProfileAtTheToleranceLevel() {
        OrdinaryDifferentialEquation ode = new AdvectionDiffusionSystem().equations(0.1, new double[] {0.05});
        double[] u0 = AdvectionDiffusionSystem.sineProfile(1.2);
        double dt = 0.02;
        int samples = 200;
        double[][] reference = new double[samples + 1][];
        reference[0] = u0.clone();
        DormandPrince853Integrator tight = new DormandPrince853Integrator(1e-12, 1.0, 1e-13, 1e-13);
        for (int k = 1; k <= samples; k++) {
            reference[k] = tight.integrate(ode, new ODEState((k - 1) * dt, reference[k - 1]), k * dt).getPrimaryState();
        }
        assertThat(maxError(new GroundTruthIntegrator(TOLERANCE).newTrajectory(dt), ode, u0, dt, reference))
                .isLessThan(1e-9);
        assertThat(maxError(new ContinuousTrajectory(TOLERANCE), ode, u0, dt, reference)).isGreaterThan(1e-8);
    }

    private static double maxError(ContinuousTrajectory trajectory, OrdinaryDifferentialEquation ode, double[] y0,
                                   double dt, double[][] reference) {
        trajectory.start(ode, 0.0, y0, dt);
        double[] state = new double[y0.length];
        double worst = 0;
        for (int k = 1; k < reference.length; k++) {
            trajectory.stateAt(k * dt, state);
            for (int i = 0; i < state.length; i++) {
                worst = Math.max(worst, Math.abs(state[i] - reference[k][i]));
            }
        }
        return worst;
    }

    @Test
    void aStepWithoutASampleCostsTwelveEvaluationsAndARejectedOneEleven() {
        OrdinaryDifferentialEquation ode = new PendulumSystem().equations(2.0, new double[] {0.3, 30.0, 5.0});
        ContinuousTrajectory trajectory = new ContinuousTrajectory(TOLERANCE);
        trajectory.start(ode, 0.0, new double[] {0.4, 0.0}, 0.05);
        // samples only on barriers: every sample is a step end, no dense output is needed
        double[] state = new double[2];
        for (int k = 1; k <= 100; k++) {
            trajectory.setBarrier(k * 0.05);
            trajectory.stateAt(k * 0.05, state);
        }
        assertThat(trajectory.time()).isEqualTo(100 * 0.05);
        assertThat(trajectory.evaluations())
                .isEqualTo(1 + 12 * trajectory.acceptedSteps() + 11 * trajectory.rejectedSteps());
        // a sample inside a step adds the three dense-output stages once for that step, a second sample nothing
        trajectory.setBarrier(Double.POSITIVE_INFINITY);
        long evaluations = trajectory.evaluations();
        long accepted = trajectory.acceptedSteps();
        long rejected = trajectory.rejectedSteps();
        trajectory.stateAt(100 * 0.05 + 1e-4, state);
        assertThat(trajectory.acceptedSteps() - accepted).isEqualTo(1);
        assertThat(trajectory.evaluations() - evaluations)
                .isEqualTo(12 + 11 * (trajectory.rejectedSteps() - rejected) + 3);
        assertThat(trajectory.time()).isGreaterThan(100 * 0.05 + 2e-4);
        evaluations = trajectory.evaluations();
        trajectory.stateAt(100 * 0.05 + 2e-4, state);
        assertThat(trajectory.evaluations()).isEqualTo(evaluations);
    }

    @Test
    void aStepNeverCrossesTheBarrierAndARestartContinuesWithNewEquations() {
        PendulumSystem system = new PendulumSystem();
        OrdinaryDifferentialEquation before = system.equations(2.0, new double[] {0.1, 10.0, 4.0});
        OrdinaryDifferentialEquation after = system.equations(2.6, new double[] {0.1, 10.0, 4.0});
        double dt = 0.05;
        ContinuousTrajectory trajectory = new ContinuousTrajectory(TOLERANCE);
        trajectory.start(before, 0.0, new double[] {0.5, 0.2}, dt);
        trajectory.setBarrier(30 * dt);
        double[] state = new double[2];
        for (int k = 1; k <= 30; k++) {
            trajectory.stateAt(k * dt, state);
        }
        assertThat(trajectory.time()).isEqualTo(30 * dt);
        assertThatThrownBy(() -> trajectory.stateAt(31 * dt, new double[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after the barrier");
        double[][] expectedBefore = hipparchus(before, new double[] {0.5, 0.2}, dt, 30);
        assertThat(state[0]).isCloseTo(expectedBefore[30][0], within(1e-8));

        trajectory.restart(after, 30 * dt, state);
        trajectory.setBarrier(Double.POSITIVE_INFINITY);
        double[] atChange = state.clone();
        double[][] expectedAfter = hipparchusFrom(after, atChange, 30 * dt, dt, 40);
        for (int k = 1; k <= 40; k++) {
            trajectory.stateAt((30 + k) * dt, state);
            assertThat(state[0]).isCloseTo(expectedAfter[k][0], within(1e-8));
        }
        assertThatThrownBy(() -> trajectory.stateAt(10 * dt, new double[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not decrease");
    }

    private static double[][] hipparchusFrom(OrdinaryDifferentialEquation ode, double[] y0, double t0, double dt, int samples) {
        DormandPrince853Integrator integrator = new DormandPrince853Integrator(1e-12, 1.0, TOLERANCE, TOLERANCE);
        double[][] states = new double[samples + 1][];
        states[0] = y0.clone();
        for (int k = 1; k <= samples; k++) {
            states[k] = integrator.integrate(ode, new ODEState(t0 + (k - 1) * dt, states[k - 1]), t0 + k * dt)
                    .getPrimaryState();
        }
        return states;
    }
}
