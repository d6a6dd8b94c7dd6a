package io.hybridcast.simulator.physics;

import io.hybridcast.avro.SystemKind;
import org.hipparchus.ode.OrdinaryDifferentialEquation;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Advection-diffusion {@code u_t = D u_xx + c u_x} on a line with Dirichlet 0 ends, by the method of lines.
 *
 * <p>Discretisation: {@value #POINTS} interior points {@code x_i = i·dx}, i = 1..20, dx = 0.1; the two
 * boundary nodes {@code x_0 = 0} and {@code x_21 = 2.1} are held at 0 and not observed. {@code u_xx} is the
 * second-order central difference {@code (u_{i+1} - 2u_i + u_{i-1}) / dx²} and {@code u_x} the central
 * difference {@code (u_{i+1} - u_{i-1}) / (2dx)}. The resulting 20 ODEs are solved by the adaptive
 * integrator. The initial profile {@code m·sin(π x / x_max)} with {@code x_max = 2.1} vanishes at both
 * boundary nodes, and is exactly the first eigenvector of the discrete Laplacian.
 */
public final class AdvectionDiffusionSystem implements PhysicalSystem {

    /** Observed grid points. */
    public static final int POINTS = 20;
    /** Grid spacing. */
    public static final double DX = 0.1;
    /** Position of the right boundary node (the left one is at 0). */
    public static final double X_MAX = (POINTS + 1) * DX;

    /** Peak below which a live, decayed profile gets a fresh injection. */
    private static final double RUN_DOWN_PEAK = 0.1;

    @Override
    public SystemKind kind() {
        return SystemKind.ADVECTION_DIFFUSION;
    }

    @Override
    public int stateDim() {
        return POINTS;
    }

    @Override
    public ParameterRange physicsRange() {
        return new ParameterRange("D", 0.01, 0.1);
    }

    @Override
    public List<ParameterRange> unmodelledRanges() {
        return List.of(new ParameterRange("c", 0.01, 0.1));
    }

    @Override
    public double defaultNoiseStd() {
        return 1e-3;
    }

    /** Position of observed point {@code i} (0-based). */
    public static double x(int i) {
        return (i + 1) * DX;
    }

    /** The profile {@code m·sin(π x / x_max)} on the observed points. */
    public static double[] sineProfile(double magnitude) {
        double[] u = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            u[i] = magnitude * Math.sin(Math.PI * x(i) / X_MAX);
        }
        return u;
    }

    @Override
    public double[] initialState(RandomGenerator rng, boolean atRest) {
        return sineProfile(0.5 + rng.nextDouble());
    }

    @Override
    public OrdinaryDifferentialEquation equations(double diffusion, double[] unmodelled) {
        double advection = unmodelled[0];
        double diffusionOverDx2 = diffusion / (DX * DX);
        double advectionOver2Dx = advection / (2.0 * DX);
        return new InPlaceEquations() {
            @Override
            public int getDimension() {
                return POINTS;
            }

            @Override
            public void derivatives(double t, double[] u, double[] du) {
                for (int i = 0; i < POINTS; i++) {
                    double left = i == 0 ? 0.0 : u[i - 1];
                    double right = i == POINTS - 1 ? 0.0 : u[i + 1];
                    du[i] = diffusionOverDx2 * (right - 2.0 * u[i] + left) + advectionOver2Dx * (right - left);
                }
            }
        };
    }

    @Override
    public void observe(double[] state, double[] out) {
        System.arraycopy(state, 0, out, 0, POINTS);
    }

    @Override
    public boolean runDown(double[] state) {
        double peak = 0.0;
        for (double v : state) {
            peak = Math.max(peak, Math.abs(v));
        }
        return peak < RUN_DOWN_PEAK;
    }

    @Override
    public void excite(double[] state, RandomGenerator rng) {
        // A fresh release of material, added to what is left (the state stays continuous in its history).
        double[] added = sineProfile(0.5 + rng.nextDouble());
        for (int i = 0; i < POINTS; i++) {
            state[i] += added[i];
        }
    }
}
