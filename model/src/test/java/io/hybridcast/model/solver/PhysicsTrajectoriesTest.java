package io.hybridcast.model.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.physics.Constants;
import io.hybridcast.model.physics.Physics;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain-Java physics trajectories (data augmentation, the kernel's x_P row) against the NDArray solve they
 * replace, for every system, solver and a few z_p: the same equations, so float rounding only.
 */
class PhysicsTrajectoriesTest {

    @Test
    void plainJavaTrajectoriesMatchTheNdArraySolveForEverySystem() {
        for (String system : new String[] {"PENDULUM", "ADVECTION_DIFFUSION", "DOUBLE_PENDULUM"}) {
            for (OdeSolver.Method method : OdeSolver.Method.values()) {
                Physics physics = Physics.forSystem(system);
                int rows = 6;
                int samples = 50;
                double dt = "ADVECTION_DIFFUSION".equals(system) ? 0.02 : 0.05;
                try (NDManager m = NDManager.newBaseManager()) {
                    Constants c = new Constants(m);
                    Random random = new Random(7);
                    float[] zp = new float[rows];
                    for (int i = 0; i < rows; i++) {
                        zp[i] = (float) ("ADVECTION_DIFFUSION".equals(system) ? 0.02 + 0.1 * random.nextDouble()
                                : 1 + 5 * random.nextDouble());
                    }
                    NDArray s0 = physics.randomInitialState(m, rows, random);
                    NDArray zpArray = m.create(zp, new Shape(rows, 1));
                    float[] expected = new OdeSolver(method, dt, 2, c)
                            .trajectory((s, t) -> physics.derivative(s, zpArray, c), s0, samples).toFloatArray();
                    float[] got = PhysicsTrajectories.simulate(physics, method, dt, 2, zp, s0.toFloatArray(),
                            samples, physics.stateDim());
                    double worst = 0;
                    double scale = 0;
                    for (int k = 0; k < got.length; k++) {
                        worst = Math.max(worst, Math.abs(got[k] - expected[k]));
                        scale = Math.max(scale, Math.abs(expected[k]));
                    }
                    // float32 rounding, amplified over 50 samples by the chaotic double pendulum
                    double bound = "DOUBLE_PENDULUM".equals(system) ? 1e-3 : 2e-5;
                    assertThat(worst / scale).as(system + " " + method).isLessThan(bound);
                    assertThat(scale).as(system + " trajectories move").isGreaterThan(0.01);
                }
            }
        }
    }

    @Test
    void keepsOnlyTheObservedChannelsWhenAsked() {
        Physics physics = Physics.forSystem("PENDULUM");
        float[] full = PhysicsTrajectories.simulate(physics, OdeSolver.Method.RK4, 0.05, 1, new float[] {2f},
                new float[] {1f, 0.5f}, 10, 2);
        float[] observed = PhysicsTrajectories.simulate(physics, OdeSolver.Method.RK4, 0.05, 1, new float[] {2f},
                new float[] {1f, 0.5f}, 10, 1);
        for (int k = 0; k < 10; k++) {
            assertThat(observed[k]).isEqualTo(full[2 * k]);
        }
    }
}
