package io.hybridcast.model.line;

import java.util.Optional;

/**
 * The line's transport beyond diffusion, one window at a time: its weak form ({@link WeakForm}) fitted by least
 * squares to {@code u_t = D·Δu + v·∂u/∂x}, the known diffusion plus a first-order transport term (central
 * differences, 0 at both ends, as the line's grid), two unknowns per window, no labels. v is the velocity at which
 * the profile is carried (positive: towards smaller x), with its standard error from the window's residuals.
 *
 * <p>Why not the coefficient a of the twin-learnt remainder ({@link RemainderOperator}, which serves D): that operator
 * is a rank-1 summary of the population's remainder, and its a reads the diffusion too. On simulated lines at c 0.05
 * it was 11.0, 13.4, 16.3, 18.7, 20.6 for D 0.01, 0.02, 0.04, 0.07, 0.1, so a step of D moved it as much as a
 * change of c; this fit reads c within 1-4 % at every D and c of the prior ranges (docs/decisions.md, "The line's
 * unmodelled change"). It assumes what moves the profile beyond diffusion has a first-order part: a change of the
 * remainder that has none (a source, a reaction) does not show here.
 */
public final class TransportFit {

    /** One window's transport velocity and its standard error. */
    public record Transport(double velocity, double std) {
    }

    private final DiffusionWindowFit fit;

    /** For windows of {@code points} grid points spaced {@code dx}, sampled every {@code dt} seconds. */
    public TransportFit(int points, double dt, double dx) {
        this.fit = new DiffusionWindowFit(new RemainderOperator(advection(points, dx), 1), dt, dx);
    }

    /**
     * ∂/∂x on the line's grid as a matrix: the central difference (u_{i+1} − u_{i−1}) / 2dx, with u = 0 beyond
     * both ends.
     */
    static double[][] advection(int points, double dx) {
        double[][] m = new double[points][points];
        for (int i = 0; i < points; i++) {
            if (i > 0) {
                m[i][i - 1] = -1 / (2 * dx);
            }
            if (i < points - 1) {
                m[i][i + 1] = 1 / (2 * dx);
            }
        }
        return m;
    }

    /** The transport of {@code window} ([time][point]); empty for a window with a jump or without signal. */
    public Optional<Transport> fit(double[][] window) {
        return fit.fit(window).filter(e -> Double.isFinite(e.remainder()) && e.remainderStd() > 0)
                .map(e -> new Transport(e.remainder(), e.remainderStd()));
    }
}
