package io.hybridcast.simulator.physics;

import io.hybridcast.avro.SystemKind;
import org.hipparchus.ode.OrdinaryDifferentialEquation;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Forced damped pendulum {@code θ'' = -ω² sin θ - γ θ' + A ω² cos(2π f t)}; state (θ, θ'), observed θ.
 * Ranges from the Phys-VAE data scripts (SCIENCE.md section 2).
 */
public final class PendulumSystem implements PhysicalSystem {

    /** Angular amplitude (rad) below which a live, run-down pendulum is kicked again. */
    private static final double RUN_DOWN_AMPLITUDE = 0.05;

    @Override
    public SystemKind kind() {
        return SystemKind.PENDULUM;
    }

    @Override
    public int stateDim() {
        return 2;
    }

    @Override
    public ParameterRange physicsRange() {
        return new ParameterRange("omega", 0.785, 3.14);
    }

    @Override
    public List<ParameterRange> unmodelledRanges() {
        return List.of(new ParameterRange("gamma", 0.0, 0.8),
                new ParameterRange("A", 0.0, 40.0),
                new ParameterRange("f", 3.14, 6.28));
    }

    @Override
    public double defaultNoiseStd() {
        return 0.01;
    }

    @Override
    public double[] initialState(RandomGenerator rng, boolean atRest) {
        double theta = -1.57 + 3.14 * rng.nextDouble();
        double thetaDot = atRest ? 0.0 : -1.0 + 2.0 * rng.nextDouble();
        return new double[] {theta, thetaDot};
    }

    @Override
    public OrdinaryDifferentialEquation equations(double omega, double[] unmodelled) {
        double gamma = unmodelled[0];
        double amplitude = unmodelled[1];
        double frequency = unmodelled[2];
        double omega2 = omega * omega;
        double angular = 2.0 * Math.PI * frequency;
        return new InPlaceEquations() {
            @Override
            public int getDimension() {
                return 2;
            }

            @Override
            public void derivatives(double t, double[] y, double[] yDot) {
                double velocity = y[1];
                yDot[0] = velocity;
                yDot[1] = -omega2 * Math.sin(y[0]) - gamma * velocity + amplitude * omega2 * Math.cos(angular * t);
            }
        };
    }

    /** The forcing amplitude A: the drive that operating events switch off and on. */
    @Override
    public String driveParameter() {
        return "A";
    }

    @Override
    public void observe(double[] state, double[] out) {
        out[0] = state[0];
    }

    @Override
    public boolean runDown(double[] state) {
        // |θ| and |θ'|/ω would be exact, but ω is not known here; a small angle with a small velocity is "at
        // rest" for any ω in range.
        return Math.abs(state[0]) < RUN_DOWN_AMPLITUDE && Math.abs(state[1]) < RUN_DOWN_AMPLITUDE;
    }

    @Override
    public void excite(double[] state, RandomGenerator rng) {
        state[1] += (rng.nextBoolean() ? 1 : -1) * (1.0 + 2.0 * rng.nextDouble());
    }
}
