package io.hybridcast.model.solver;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;
import io.hybridcast.simulator.physics.GroundTruthIntegrator;
import io.hybridcast.simulator.physics.PhysicalSystem;
import io.hybridcast.simulator.physics.PhysicalSystems;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model's incomplete physics, integrated by the fixed-step solver, against the simulator's accurate
 * (Dormand-Prince, tolerance 1e-10) trajectories of the same system with every unmodelled factor at 0.
 */
class PhysicsSolverTest {

    private static double maxError(SystemKind kind, double zp, double[] unmodelledZero, double[] s0,
                                   OdeSolver.Method method, int substeps, double dt, int samples) {
        PhysicalSystem truth = PhysicalSystems.of(kind);
        double[][] reference = new GroundTruthIntegrator().trajectory(truth.equations(zp, unmodelledZero), 0, s0,
                dt, samples);
        Physics physics = Physics.forSystem(kind.name());
        try (NDManager m = NDManager.newBaseManager()) {
            Constants c = new Constants(m);
            float[] init = new float[s0.length];
            for (int i = 0; i < s0.length; i++) {
                init[i] = (float) s0[i];
            }
            NDArray zpArray = m.create(new float[] {(float) zp}, new Shape(1, 1));
            NDArray traj = new OdeSolver(method, dt, substeps, c).trajectory(
                    (s, t) -> physics.derivative(s, zpArray, c), m.create(init, new Shape(1, s0.length)), samples);
            float[] got = traj.toFloatArray();
            double worst = 0;
            for (int k = 0; k < samples; k++) {
                for (int d = 0; d < s0.length; d++) {
                    worst = Math.max(worst, Math.abs(got[k * s0.length + d] - reference[k][d]));
                }
            }
            return worst;
        }
    }

    @Test
    void pendulumRk4MatchesTheAccurateIntegrator() {
        double err = maxError(SystemKind.PENDULUM, 2.5, new double[] {0, 0, 4.0}, new double[] {1.2, 0.5},
                OdeSolver.Method.RK4, 1, 0.05, 50);
        assertThat(err).isLessThan(2e-4);
        // Euler with the same step is first order: clearly worse, which the RK4 bound must catch
        double euler = maxError(SystemKind.PENDULUM, 2.5, new double[] {0, 0, 4.0}, new double[] {1.2, 0.5},
                OdeSolver.Method.EULER, 1, 0.05, 50);
        assertThat(euler).isGreaterThan(50 * err);
        double eulerFine = maxError(SystemKind.PENDULUM, 2.5, new double[] {0, 0, 4.0}, new double[] {1.2, 0.5},
                OdeSolver.Method.EULER, 8, 0.05, 50);
        assertThat(eulerFine).isLessThan(euler / 4);
    }

    @Test
    void diffusionRk4MatchesTheAccurateIntegrator() {
        double[] u0 = io.hybridcast.simulator.physics.AdvectionDiffusionSystem.sineProfile(1.0);
        double err = maxError(SystemKind.ADVECTION_DIFFUSION, 0.08, new double[] {0}, u0, OdeSolver.Method.RK4, 1,
                0.02, 50);
        assertThat(err).isLessThan(1e-4);
    }

    @Test
    void doublePendulumRk4MatchesTheAccurateIntegrator() {
        double err = maxError(SystemKind.DOUBLE_PENDULUM, 6.0, new double[] {0, 0}, new double[] {0.8, -0.4, 0, 0.3},
                OdeSolver.Method.RK4, 2, 0.05, 50);
        assertThat(err).isLessThan(1e-3);
    }

    @Test
    void gradientThroughTheSolverMatchesFiniteDifferences() {
        Physics physics = Physics.forSystem("PENDULUM");
        double omega = 2.0;
        double analytic;
        try (NDManager m = NDManager.newBaseManager()) {
            Constants c = new Constants(m);
            NDArray w = m.create(new float[] {(float) omega}, new Shape(1, 1));
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray traj = new OdeSolver(OdeSolver.Method.RK4, 0.05, 1, c).trajectory(
                        (s, t) -> physics.derivative(s, w, c), m.create(new float[] {1f, 0f}, new Shape(1, 2)), 40);
                NDArray loss = traj.get(":, :, 0").sum();
                gc.backward(loss);
            }
            analytic = w.getGradient().getFloat();
        }
        double h = 1e-3;
        double numeric = (thetaSum(physics, omega + h) - thetaSum(physics, omega - h)) / (2 * h);
        assertThat(analytic).isCloseTo(numeric, org.assertj.core.data.Offset.offset(Math.abs(numeric) * 2e-2 + 1e-3));
        assertThat(Math.abs(numeric)).isGreaterThan(0.1);
    }

    private static double thetaSum(Physics physics, double omega) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Constants c = new Constants(m);
            NDArray w = m.create(new double[] {omega}, new Shape(1, 1));
            NDArray traj = new OdeSolver(OdeSolver.Method.RK4, 0.05, 1, c).trajectory(
                    (s, t) -> physics.derivative(s, w, c), m.create(new double[] {1, 0}, new Shape(1, 2)), 40);
            return traj.get(":, :, 0").sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        }
    }
}
