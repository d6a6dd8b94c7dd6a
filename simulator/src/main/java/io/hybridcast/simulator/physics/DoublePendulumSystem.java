package io.hybridcast.simulator.physics;

import io.hybridcast.avro.SystemKind;
import org.hipparchus.ode.OrdinaryDifferentialEquation;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Double pendulum with equal unit masses and equal lengths l, plus joint damping (our design, see
 * docs/simulator.md). State (θ1, θ2, θ1', θ2'), observed (θ1, θ2); both angles from the vertical.
 *
 * <p>With {@code k = g/l}, {@code Δ = θ1 - θ2} and {@code den = 3 - cos 2Δ}, the frictionless equations are
 * <pre>
 *   θ1'' = (-3k sin θ1 - k sin(θ1 - 2θ2) - 2 sin Δ (θ2'² + θ1'² cos Δ)) / den
 *   θ2'' = (2 sin Δ (2 θ1'² + 2k cos θ1 + θ2'² cos Δ)) / den
 * </pre>
 * and the damping adds {@code -γ1 θ1'} and {@code -γ2 θ2'} to the accelerations, the same form as the
 * single pendulum's {@code -γ θ'}, so γ1 and γ2 are rates in 1/s. The conserved energy of the frictionless
 * system, per unit {@code m l²}, is {@link #energy}.
 */
public final class DoublePendulumSystem implements PhysicalSystem {

    /** Kinetic-plus-potential energy (per unit m l², relative to the hanging rest state) below which a live
     * system is kicked again. */
    private static final double RUN_DOWN_ENERGY = 0.05;

    @Override
    public SystemKind kind() {
        return SystemKind.DOUBLE_PENDULUM;
    }

    @Override
    public int stateDim() {
        return 4;
    }

    @Override
    public ParameterRange physicsRange() {
        return new ParameterRange("g_over_l", 2.0, 10.0);
    }

    @Override
    public List<ParameterRange> unmodelledRanges() {
        return List.of(new ParameterRange("gamma1", 0.0, 0.5), new ParameterRange("gamma2", 0.0, 0.5));
    }

    @Override
    public double defaultNoiseStd() {
        return 0.01;
    }

    @Override
    public double[] initialState(RandomGenerator rng, boolean atRest) {
        double theta1 = -1.0 + 2.0 * rng.nextDouble();
        double theta2 = -1.0 + 2.0 * rng.nextDouble();
        if (atRest) {
            return new double[] {theta1, theta2, 0.0, 0.0};
        }
        return new double[] {theta1, theta2, -1.0 + 2.0 * rng.nextDouble(), -1.0 + 2.0 * rng.nextDouble()};
    }

    @Override
    public OrdinaryDifferentialEquation equations(double gOverL, double[] unmodelled) {
        double gamma1 = unmodelled[0];
        double gamma2 = unmodelled[1];
        return new InPlaceEquations() {
            @Override
            public int getDimension() {
                return 4;
            }

            @Override
            public void derivatives(double t, double[] y, double[] yDot) {
                double theta1 = y[0];
                double theta2 = y[1];
                double w1 = y[2];
                double w2 = y[3];
                double delta = theta1 - theta2;
                double sinDelta = Math.sin(delta);
                double cosDelta = Math.cos(delta);
                double den = 3.0 - Math.cos(2.0 * delta);
                double a1 = (-3.0 * gOverL * Math.sin(theta1) - gOverL * Math.sin(theta1 - 2.0 * theta2)
                        - 2.0 * sinDelta * (w2 * w2 + w1 * w1 * cosDelta)) / den;
                double a2 = (2.0 * sinDelta * (2.0 * w1 * w1 + 2.0 * gOverL * Math.cos(theta1)
                        + w2 * w2 * cosDelta)) / den;
                yDot[0] = w1;
                yDot[1] = w2;
                yDot[2] = a1 - gamma1 * w1;
                yDot[3] = a2 - gamma2 * w2;
            }
        };
    }

    /**
     * Energy per unit {@code m l²}: {@code θ1'² + ½θ2'² + θ1'θ2' cos Δ - k(2 cos θ1 + cos θ2)}; conserved
     * when both dampings are zero.
     */
    public static double energy(double[] state, double gOverL) {
        double w1 = state[2];
        double w2 = state[3];
        return w1 * w1 + 0.5 * w2 * w2 + w1 * w2 * Math.cos(state[0] - state[1])
                - gOverL * (2.0 * Math.cos(state[0]) + Math.cos(state[1]));
    }

    @Override
    public void observe(double[] state, double[] out) {
        out[0] = state[0];
        out[1] = state[1];
    }

    @Override
    public boolean runDown(double[] state) {
        // Energy above the hanging rest state, with g/l = 1 as a scale-free proxy (g/l is not known here).
        double kinetic = state[2] * state[2] + 0.5 * state[3] * state[3] + state[2] * state[3] * Math.cos(state[0] - state[1]);
        double potential = 3.0 - 2.0 * Math.cos(state[0]) - Math.cos(state[1]);
        return kinetic + potential < RUN_DOWN_ENERGY;
    }

    @Override
    public void excite(double[] state, RandomGenerator rng) {
        state[2] += (rng.nextBoolean() ? 1 : -1) * (1.0 + rng.nextDouble());
        state[3] += (rng.nextBoolean() ? 1 : -1) * (1.0 + rng.nextDouble());
    }
}
