package io.hybridcast.simulator.physics;

import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Accuracy of the ground-truth dynamics against closed forms. */
class GroundTruthDynamicsTest {

    private final GroundTruthIntegrator integrator = new GroundTruthIntegrator();

    @Test
    void smallAngleUndampedUnforcedPendulumIsACosine() {
        double omega = 2.0;
        double theta0 = 1e-3;
        OrdinaryDifferentialEquation ode = new PendulumSystem().equations(omega, new double[] {0.0, 0.0, 5.0});
        double[][] states = integrator.trajectory(ode, 0.0, new double[] {theta0, 0.0}, 0.05, 101);
        for (int k = 0; k < states.length; k++) {
            double t = k * 0.05;
            // sin θ ≈ θ - θ³/6: the relative error of the linearisation is ~θ0²/16 ≈ 6e-8, far below 1e-5
            assertThat(states[k][0]).isCloseTo(theta0 * Math.cos(omega * t), within(theta0 * 1e-5));
            assertThat(states[k][1]).isCloseTo(-theta0 * omega * Math.sin(omega * t), within(theta0 * 1e-5));
        }
    }

    @Test
    void pendulumForcingAndDampingHaveTheDocumentedForm() {
        // Linear check at θ ≈ 0 where sin θ ≈ θ: from rest at θ = 0, the very first instants follow
        // θ'' = A ω² cos(0) = A ω², so θ(t) ≈ A ω² t²/2 for small t (a wrong sign or factor shows at once).
        double omega = 1.5;
        double amplitude = 2.0;
        OrdinaryDifferentialEquation ode = new PendulumSystem().equations(omega, new double[] {0.3, amplitude, 4.0});
        double t = 1e-3;
        double[] state = {0.0, 0.0};
        integrator.advance(ode, 0.0, state, t);
        assertThat(state[0]).isCloseTo(amplitude * omega * omega * t * t / 2, within(1e-8));
        // damping: with γ and θ' only, the derivative is -γ θ'
        double[] derivative = ode.computeDerivatives(0.25 / 4.0, new double[] {0.0, 2.0});
        // at t = 1/16 s and f = 4 Hz, 2π f t = π/2, so the forcing is 0
        assertThat(derivative[1]).isCloseTo(-0.3 * 2.0, within(1e-12));
    }

    /**
     * The first eigenmode of the method-of-lines system decays exactly as exp(D λ1 t), with λ1 the eigenvalue of
     * the discrete Laplacian, -(4/dx²) sin²(π/(2(N+1))). That is the exact solution of the ODE system we integrate;
     * the continuous -π²/x_max² differs from it by about 0.2% (the spatial discretisation error), which is
     * larger than the integrator error we want to test, so the discrete value is the right reference.
     */
    @Test
    void diffusionEigenmodeDecaysAtTheDiscreteLaplacianRate() {
        double diffusion = 0.08;
        int n = AdvectionDiffusionSystem.POINTS;
        double dx = AdvectionDiffusionSystem.DX;
        double lambda1 = -4.0 / (dx * dx) * Math.pow(Math.sin(Math.PI / (2.0 * (n + 1))), 2);
        double[] u0 = AdvectionDiffusionSystem.sineProfile(1.0);
        OrdinaryDifferentialEquation ode = new AdvectionDiffusionSystem().equations(diffusion, new double[] {0.0});
        double[][] states = integrator.trajectory(ode, 0.0, u0, 0.02, 251);
        double t = 250 * 0.02;
        double decay = Math.exp(diffusion * lambda1 * t);
        for (int i = 0; i < n; i++) {
            assertThat(states[250][i]).isCloseTo(u0[i] * decay, within(1e-8));
        }
        double continuous = Math.exp(-diffusion * Math.PI * Math.PI / Math.pow(AdvectionDiffusionSystem.X_MAX, 2) * t);
        assertThat(Math.abs(continuous - decay)).isGreaterThan(1e-5);
    }

    @Test
    void positiveAdvectionMovesTheProfileTowardsSmallerX() {
        // u_t = c u_x transports towards -x for c > 0: the centre of mass moves left.
        OrdinaryDifferentialEquation ode = new AdvectionDiffusionSystem().equations(0.01, new double[] {0.1});
        double[] u0 = AdvectionDiffusionSystem.sineProfile(1.0);
        double[][] states = integrator.trajectory(ode, 0.0, u0, 0.02, 51);
        assertThat(centreOfMass(states[50])).isLessThan(centreOfMass(u0) - 0.02);
    }

    @Test
    void frictionlessDoublePendulumConservesEnergy() {
        double gOverL = 6.0;
        OrdinaryDifferentialEquation ode = new DoublePendulumSystem().equations(gOverL, new double[] {0.0, 0.0});
        double[] start = {1.2, -0.8, 0.5, -1.0};
        double e0 = DoublePendulumSystem.energy(start, gOverL);
        double[][] states = integrator.trajectory(ode, 0.0, start, 0.05, 401);
        for (double[] s : states) {
            assertThat(DoublePendulumSystem.energy(s, gOverL)).isCloseTo(e0, within(1e-7 * Math.abs(e0)));
        }
        // and it really moves chaotically far from the start
        assertThat(Math.abs(states[400][0] - start[0]) + Math.abs(states[400][1] - start[1])).isGreaterThan(0.1);
    }

    @Test
    void jointDampingDrainsTheDoublePendulumEnergy() {
        double gOverL = 6.0;
        OrdinaryDifferentialEquation ode = new DoublePendulumSystem().equations(gOverL, new double[] {0.3, 0.2});
        double[] start = {0.5, 0.2, 0.0, 0.0};
        double[][] states = integrator.trajectory(ode, 0.0, start, 0.05, 201);
        double previous = DoublePendulumSystem.energy(start, gOverL);
        for (int k = 1; k < states.length; k++) {
            double e = DoublePendulumSystem.energy(states[k], gOverL);
            assertThat(e).isLessThanOrEqualTo(previous + 1e-9);
            previous = e;
        }
        assertThat(previous).isLessThan(DoublePendulumSystem.energy(start, gOverL) - 0.1);
    }

    @Test
    void smallAngleDoublePendulumOscillatesAtItsNormalModeFrequency() {
        // Linearised equal-mass equal-length double pendulum: normal-mode frequencies² = k (2 ∓ √2).
        // Starting exactly on the slow mode (θ2 = √2 θ1) the motion is θ1(t) = θ1(0) cos(√(k(2-√2)) t).
        double k = 4.0;
        double theta1 = 1e-4;
        double[] start = {theta1, Math.sqrt(2.0) * theta1, 0.0, 0.0};
        OrdinaryDifferentialEquation ode = new DoublePendulumSystem().equations(k, new double[] {0.0, 0.0});
        double slow = Math.sqrt(k * (2.0 - Math.sqrt(2.0)));
        double[][] states = integrator.trajectory(ode, 0.0, start, 0.05, 121);
        for (int i = 0; i < states.length; i++) {
            assertThat(states[i][0]).isCloseTo(theta1 * Math.cos(slow * i * 0.05), within(theta1 * 1e-4));
        }
    }

    @Test
    void samplesFromOneAdaptiveRunMatchSampleBySampleIntegration() {
        PendulumSystem pendulum = new PendulumSystem();
        OrdinaryDifferentialEquation ode = pendulum.equations(2.5, new double[] {0.4, 30.0, 6.0});
        double[] start = {0.5, -0.3};
        double[][] reference = integrator.trajectory(ode, 1.0, start, 0.05, 61);
        double[] state = start.clone();
        double[][] chunk1 = integrator.advanceSamples(ode, 1.0, state, 0.05, 25);
        double[][] chunk2 = integrator.advanceSamples(ode, 1.0 + 25 * 0.05, state, 0.05, 35);
        for (int k = 1; k <= 60; k++) {
            double[] got = k <= 25 ? chunk1[k - 1] : chunk2[k - 26];
            assertThat(got[0]).isCloseTo(reference[k][0], within(1e-7));
            assertThat(got[1]).isCloseTo(reference[k][1], within(1e-6));
        }
        assertThat(state).containsExactly(chunk2[34]);
    }

    private static double centreOfMass(double[] u) {
        double mass = 0;
        double moment = 0;
        for (int i = 0; i < u.length; i++) {
            mass += u[i];
            moment += u[i] * AdvectionDiffusionSystem.x(i);
        }
        return moment / mass;
    }
}
