package io.hybridcast.simulator.physics;

import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.hipparchus.ode.nonstiff.interpolators.DormandPrince853StateInterpolator;

/**
 * One trajectory integrated forward without end, one step at a time, with Hipparchus' Dormand-Prince 8(5,3): its
 * Butcher tableau ({@link DormandPrince853Integrator#getA() getA/getB/getC}), its error estimator (the 5th/3rd-order
 * pair) and step-size rules (safety, minimal reduction, maximal growth, step bounds), and its 7th-order dense output
 * ({@link DormandPrince853StateInterpolator}). What differs from {@link DormandPrince853Integrator#integrate} is only
 * the driving loop, written for a live sensor that asks for one sample at a time:
 * <ul>
 *   <li>the integration never ends, so there is no restart per sample or per batch of samples (no new initial step
 *       trial, no rejected first steps, the step size and the first-same-as-last derivative carry over);</li>
 *   <li>the three extra stages of the dense output are evaluated only for a step that contains a requested sample
 *       (Hipparchus evaluates them for every step: 15 evaluations per step instead of 12), and a rejected step stops
 *       after the 11 evaluations its error estimate needs;</li>
 *   <li>stage derivatives go into preallocated arrays ({@link InPlaceEquations}), so a step allocates nothing.</li>
 * </ul>
 * A <em>barrier</em> is a time no step may cross: steps are shortened to end exactly on it (as Hipparchus' integrate
 * ends exactly on its final time), so a parameter change at a sample time starts from an exact step end.
 *
 * <p>Not thread-safe; one instance per trajectory (a live sensor keeps its own).
 */
public final class ContinuousTrajectory {

    /** Stages 0..11 give the 8th-order solution and the error estimate. */
    private static final int ERROR_STAGES = 12;
    /** Stage 12 is the derivative at the step end (first same as last: stage 0 of the next step). */
    private static final int FSAL = 12;
    /** Stages 13..15 are only for the dense output. */
    private static final int ALL_STAGES = 16;
    /** Terms of the 7th-order dense output. */
    private static final int DENSE_TERMS = 7;
    /** Weights of the stages in each dense-output term. */
    private static final double[][] DENSE = denseOutputMatrix();

    private final Method method;
    private final double[] c;
    private final double exponent;
    static {
        // the constants of the written-out stage sums must be Hipparchus' own
        DormandPrince853Integrator reference = new DormandPrince853Integrator(1e-12, 1.0, 1e-10, 1e-10);
        Dp853Stages.check(reference.getA(), reference.getB(), DENSE);
    }

    private OrdinaryDifferentialEquation ode;
    private InPlaceEquations inPlace;
    private int dim;
    private double[][] k;
    private double[] y;
    private double[] yPrevious;
    private double[] yNew;
    private double[] yTmp;
    private double t;
    private double tPrevious;
    private boolean hasStep;
    private double lastStep;
    private boolean denseReady;
    private double[][] dense;
    private double h;
    private double barrier = Double.POSITIVE_INFINITY;

    private long evaluations;
    private long acceptedSteps;
    private long rejectedSteps;
    private long denseOutputSteps;

    /** A trajectory whose steps meet the given absolute and relative tolerance, steps up to 1 s. */
    public ContinuousTrajectory(double tolerance) {
        this(tolerance, 1.0);
    }

    /**
     * A trajectory whose steps meet the given absolute and relative tolerance and are at most {@code maxStep} long;
     * {@link #start} it before use.
     */
    public ContinuousTrajectory(double tolerance, double maxStep) {
        if (!(tolerance > 0.0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        if (!(maxStep > 1e-12)) {
            throw new IllegalArgumentException("max step must be > 1e-12, got " + maxStep);
        }
        this.method = new Method(tolerance, maxStep);
        this.c = method.getC();
        this.exponent = -1.0 / method.getOrder();
    }

    /**
     * Starts at {@code (t0, y0)} (copied) with {@code initialStep} as the first trial step; the step size then adapts.
     * Clears the barrier.
     */
    public void start(OrdinaryDifferentialEquation equations, double t0, double[] y0, double initialStep) {
        if (!(initialStep > 0.0)) {
            throw new IllegalArgumentException("initial step must be > 0, got " + initialStep);
        }
        if (k == null || equations.getDimension() != dim) {
            dim = equations.getDimension();
            k = new double[ALL_STAGES][dim];
            y = new double[dim];
            yPrevious = new double[dim];
            yNew = new double[dim];
            yTmp = new double[dim];
            dense = new double[DENSE_TERMS][dim];
            method.prepare(dim);
        }
        h = initialStep;
        barrier = Double.POSITIVE_INFINITY;
        restart(equations, t0, y0);
    }

    /**
     * Continues from {@code (t0, y0)} with new equations or an outside change of the state, keeping the current step
     * size as the first trial step. The next samples must be at or after {@code t0}.
     */
    public void restart(OrdinaryDifferentialEquation equations, double t0, double[] y0) {
        if (k == null) {
            throw new IllegalStateException("start() the trajectory before restarting it");
        }
        if (equations.getDimension() != dim || y0.length != dim) {
            throw new IllegalArgumentException("dimension changed from " + dim + " to " + equations.getDimension()
                    + " (state length " + y0.length + "); start() a new trajectory instead");
        }
        this.ode = equations;
        this.inPlace = equations instanceof InPlaceEquations e ? e : null;
        System.arraycopy(y0, 0, y, 0, dim);
        t = t0;
        hasStep = false;
        denseReady = false;
        if (barrier < t) {
            barrier = Double.POSITIVE_INFINITY;
        }
        evaluate(t, y, k[0]);
    }

    /** No step will end after {@code time} (≥ the current time); {@code +∞} for none. */
    public void setBarrier(double time) {
        if (time < t) {
            throw new IllegalArgumentException("barrier " + time + " is before the current time " + t);
        }
        barrier = time;
    }

    /**
     * Writes the state at {@code time} into {@code out}, integrating forward as far as needed. Sample times must not
     * decrease and must not pass the barrier. A time on a step end (a barrier) is that step's exact end state;
     * otherwise it comes from the dense output of the step that contains it.
     */
    public void stateAt(double time, double[] out) {
        if (time > barrier) {
            throw new IllegalArgumentException("sample time " + time + " is after the barrier " + barrier);
        }
        if (time < (hasStep ? tPrevious : t)) {
            throw new IllegalArgumentException("sample time " + time + " is before the current step ["
                    + (hasStep ? tPrevious : t) + ", " + t + "]: sample times must not decrease");
        }
        while (t < time) {
            step();
        }
        if (time == t) {
            System.arraycopy(y, 0, out, 0, dim);
            return;
        }
        interpolate(time, out);
    }

    /** Current time (the end of the last accepted step, or the start). */
    public double time() {
        return t;
    }

    /** Derivative evaluations so far. */
    public long evaluations() {
        return evaluations;
    }

    /** Accepted steps so far. */
    public long acceptedSteps() {
        return acceptedSteps;
    }

    /** Rejected step attempts so far. */
    public long rejectedSteps() {
        return rejectedSteps;
    }

    /** Accepted steps whose dense output was used (each costs three more evaluations). */
    public long denseOutputSteps() {
        return denseOutputSteps;
    }

    /** One accepted step from {@code t}, with {@code k[0] = f(t, y)}. */
    private void step() {
        // the FSAL stage of the previous step is this step's stage 0 (k[0] already holds it after a restart)
        if (hasStep) {
            double[] fsal = k[FSAL];
            k[FSAL] = k[0];
            k[0] = fsal;
        }
        while (true) {
            double step = h;
            boolean clipped = false;
            if (t + step >= barrier) {
                step = barrier - t;
                clipped = true;
            }
            for (int s = 1; s < ERROR_STAGES; s++) {
                combine(y, step, s, yTmp);
                evaluate(t + c[s - 1] * step, yTmp, k[s]);
            }
            combine(y, step, ALL_STAGES, yNew);
            double error = method.error(k, y, yNew, step);
            double factor = Math.min(method.getMaxGrowth(),
                    Math.max(method.getMinReduction(), method.getSafety() * Math.pow(error, exponent)));
            if (error < 1.0) {
                double end = clipped ? barrier : t + step;
                evaluate(end, yNew, k[FSAL]);
                double[] swap = yPrevious;
                yPrevious = y;
                y = yNew;
                yNew = swap;
                tPrevious = t;
                t = end;
                lastStep = step;
                hasStep = true;
                denseReady = false;
                acceptedSteps++;
                // A step shortened to meet the barrier says little about the natural step size: keep the larger of
                // the proposal it was cut from and what its own error allows. A trial step never affects accuracy
                // (a step that is too long is rejected), only the cost.
                double next = step * factor;
                h = method.filter(clipped ? Math.max(h, next) : next);
                return;
            }
            rejectedSteps++;
            h = method.filter(step * factor);
        }
    }

    /**
     * Dense output of the last accepted step at {@code time} (inside it): Hipparchus' formula
     * ({@link DormandPrince853StateInterpolator}, from Hairer's DOP853 dense output), with the seven weighted stage
     * sums {@code v_j = Σ_i D[j][i]·k_i} computed once per step instead of once per sample, and the state only (no
     * interpolated derivative): {@code y = y_prev + θh (v0 + η (v1 + θ (v2 + η (v3 + θ (v4 + η (v5 + θ v6))))))},
     * θ = (time - t_prev)/h, η = 1 - θ. {@code ContinuousTrajectoryTest} checks it against Hipparchus' interpolator.
     */
    private void interpolate(double time, double[] out) {
        if (!denseReady) {
            for (int s = FSAL + 1; s < ALL_STAGES; s++) {
                combine(yPrevious, lastStep, s, yTmp);
                evaluate(tPrevious + c[s - 1] * lastStep, yTmp, k[s]);
            }
            for (int j = 0; j < DENSE_TERMS; j++) {
                Dp853Stages.denseTerm(j, k, dense[j], dim);
            }
            denseReady = true;
            denseOutputSteps++;
        }
        double thetaH = time - tPrevious;
        double theta = thetaH / lastStep;
        double eta = 1.0 - theta;
        double[] v0 = dense[0];
        double[] v1 = dense[1];
        double[] v2 = dense[2];
        double[] v3 = dense[3];
        double[] v4 = dense[4];
        double[] v5 = dense[5];
        double[] v6 = dense[6];
        double[] start = yPrevious;
        for (int d = 0; d < dim; d++) {
            double p = v6[d];
            p = v5[d] + theta * p;
            p = v4[d] + eta * p;
            p = v3[d] + theta * p;
            p = v2[d] + eta * p;
            p = v1[d] + theta * p;
            p = v0[d] + eta * p;
            out[d] = start[d] + thetaH * p;
        }
    }

    /** Hipparchus' dense-output matrix D (7 x 16) of Dormand-Prince 8(5,3), read once from the library. */
    private static double[][] denseOutputMatrix() {
        try {
            java.lang.reflect.Field field = DormandPrince853StateInterpolator.class.getDeclaredField("D");
            field.setAccessible(true);
            double[][] d = (double[][]) field.get(null);
            if (d.length != DENSE_TERMS || d[0].length != ALL_STAGES) {
                throw new IllegalStateException("unexpected shape " + d.length + "x" + d[0].length);
            }
            double[][] copy = new double[DENSE_TERMS][];
            for (int j = 0; j < DENSE_TERMS; j++) {
                copy[j] = d[j].clone();
            }
            return copy;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(new IllegalStateException("cannot read the dense-output matrix D of "
                    + DormandPrince853StateInterpolator.class.getName() + " (Hipparchus version changed?): " + e, e));
        }
    }

    /**
     * {@code out = start + step · Σ_l w[l] · k[l]} with stage {@code row}'s weights {@code a[row-1]}, or {@code b} for
     * row {@link #ALL_STAGES}, skipping the zero weights ({@link Dp853Stages}).
     */
    private void combine(double[] start, double step, int row, double[] out) {
        Dp853Stages.combine(row, k, start, step, out, dim);
    }

    private void evaluate(double time, double[] state, double[] out) {
        evaluations++;
        if (inPlace != null) {
            inPlace.derivatives(time, state, out);
        } else {
            System.arraycopy(ode.computeDerivatives(time, state), 0, out, 0, dim);
        }
    }

    /** Hipparchus' DP853 with its protected error estimate and step filter opened to this class. */
    private static final class Method extends DormandPrince853Integrator {

        Method(double tolerance, double maxStep) {
            super(1e-12, maxStep, tolerance, tolerance);
        }

        void prepare(int dimension) {
            // sets the dimension the error estimate runs over (and validates the tolerances against it)
            sanityChecks(new ODEState(0.0, new double[dimension]), 1.0);
        }

        double error(double[][] yDotK, double[] y0, double[] y1, double step) {
            return estimateError(yDotK, y0, y1, step);
        }

        double filter(double step) {
            // throws Hipparchus' "minimal step size reached" below the minimal step, caps at the maximal step
            return getStepSizeHelper().filterStep(step, true, false);
        }
    }
}
