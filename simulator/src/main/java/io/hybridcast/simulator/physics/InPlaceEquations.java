package io.hybridcast.simulator.physics;

import org.hipparchus.ode.OrdinaryDifferentialEquation;

/**
 * An ODE that writes its derivative into a given array, so that {@link ContinuousTrajectory} allocates nothing per
 * evaluation; {@link #computeDerivatives} (what Hipparchus calls) allocates and delegates.
 */
public interface InPlaceEquations extends OrdinaryDifferentialEquation {

    /** Writes {@code dy/dt} at {@code (t, y)} into {@code yDot} (length {@link #getDimension()}). */
    void derivatives(double t, double[] y, double[] yDot);

    @Override
    default double[] computeDerivatives(double t, double[] y) {
        double[] yDot = new double[getDimension()];
        derivatives(t, y, yDot);
        return yDot;
    }
}
