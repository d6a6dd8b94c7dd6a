package io.hybridcast.model.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.hybridcast.model.physics.Constants;

/**
 * Fixed-step, batched, differentiable ODE integration over NDArrays (Euler or classic RK4 with a number of
 * substeps per sample), so that its cost is bounded and gradients flow through DJL's autograd.
 */
public final class OdeSolver {

    /** The right-hand side ds/dt = f(s, t). */
    @FunctionalInterface
    public interface VectorField {
        /**
         * @param state [B, D]
         * @param time  seconds since the first sample of the window
         */
        NDArray apply(NDArray state, double time);
    }

    /** Integration method. */
    public enum Method { EULER, RK4;

        /** Parses {@code euler} or {@code rk4}. */
        public static Method parse(String name) {
            return switch (name) {
                case "euler" -> EULER;
                case "rk4" -> RK4;
                default -> throw new IllegalArgumentException("solver must be euler or rk4, got " + name);
            };
        }
    }

    private final Method method;
    private final int substeps;
    private final double dt;
    private final Constants constants;

    /**
     * @param dt       seconds between samples
     * @param substeps solver steps per sample (>= 1)
     */
    public OdeSolver(Method method, double dt, int substeps, Constants constants) {
        if (substeps < 1) {
            throw new IllegalArgumentException("substeps must be >= 1, got " + substeps);
        }
        this.method = method;
        this.substeps = substeps;
        this.dt = dt;
        this.constants = constants;
    }

    /**
     * Integrates from {@code s0} and returns the states at every sample time, s0 included.
     *
     * @param s0      [B, D]
     * @param samples number of sample times (>= 1)
     * @return [B, samples, D]
     */
    public NDArray trajectory(VectorField field, NDArray s0, int samples) {
        double h = dt / substeps;
        NDArray hArray = constants.of(h);
        NDArray halfH = constants.of(h / 2);
        NDArray sixthH = constants.of(h / 6);
        NDArray two = constants.of(2);
        NDList states = new NDList(samples);
        NDArray s = s0;
        states.add(s);
        double t = 0;
        for (int k = 1; k < samples; k++) {
            for (int j = 0; j < substeps; j++) {
                if (method == Method.EULER) {
                    s = s.add(field.apply(s, t).mul(hArray));
                } else {
                    NDArray k1 = field.apply(s, t);
                    NDArray k2 = field.apply(s.add(k1.mul(halfH)), t + h / 2);
                    NDArray k3 = field.apply(s.add(k2.mul(halfH)), t + h / 2);
                    NDArray k4 = field.apply(s.add(k3.mul(hArray)), t + h);
                    s = s.add(k1.add(k2.add(k3).mul(two)).add(k4).mul(sixthH)); // one op fewer than 2·k2 + 2·k3
                }
                t += h;
            }
            states.add(s);
        }
        return NDArrays.stack(states, 1);
    }
}
