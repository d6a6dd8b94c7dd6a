"""What a pendulum window of the experiment holds beyond the known physics (issue 13).

Draws windows as the experiment's dataset does (PendulumSystem: omega U[0.785, 3.14], gamma U[0, 0.8],
A U[0, 40], f U[3.14, 6.28] Hz, theta0 U[-1.57, 1.57] at rest, 50 samples at dt 0.05, noise 0.01) and prints
  - the window mean square of the forced part (trajectory minus the same one with A = 0) and of the damping part;
  - the reconstruction MSE of the best least-squares fit per window of the known physics alone (omega and the
    initial velocity free, multi-start) and of physics + linear damping (gamma free too).
A decoder that reconstructs below the second number has learnt part of the forcing.
Usage: python3 docs/experiments/pendulum-paper-scale/forcing_budget.py   (numpy, scipy; about 3 minutes)
"""
import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares

DT, T, NOISE = 0.05, 50, 0.01
t = np.arange(T) * DT


def trajectory(omega, gamma, amplitude, f, theta0, velocity0=0.0):
    def field(tt, s):
        return [s[1], amplitude * omega * omega * np.cos(2 * np.pi * f * tt) - gamma * s[1]
                - omega * omega * np.sin(s[0])]
    return solve_ivp(field, (0, t[-1]), [theta0, velocity0], t_eval=t, method='DOP853',
                     rtol=1e-8, atol=1e-8).y[0]


def best_fit(y, with_damping):
    best = np.inf
    for start in np.linspace(0.5, 3.5, 7):
        if with_damping:
            r = least_squares(lambda p: trajectory(p[0], p[2], 0, 0, y[0], p[1]) - y, [start, 0.0, 0.2],
                              bounds=([0.3, -5, 0], [10, 5, 3]))
        else:
            r = least_squares(lambda p: trajectory(p[0], 0, 0, 0, y[0], p[1]) - y, [start, 0.0],
                              bounds=([0.3, -5], [10, 5]))
        best = min(best, np.mean(r.fun ** 2))
    return best


def main(windows=300, fitted=60, seed=1):
    rng = np.random.default_rng(seed)
    forced, damping, physics_only, with_damping = [], [], [], []
    for i in range(windows):
        omega, gamma = rng.uniform(0.785, 3.14), rng.uniform(0, 0.8)
        amplitude, f = rng.uniform(0, 40), rng.uniform(3.14, 6.28)
        theta0 = rng.uniform(-1.57, 1.57)
        full = trajectory(omega, gamma, amplitude, f, theta0)
        unforced = trajectory(omega, gamma, 0, f, theta0)
        free = trajectory(omega, 0, 0, f, theta0)
        forced.append(np.mean((full - unforced) ** 2))
        damping.append(np.mean((unforced - free) ** 2))
        if i < fitted:
            y = full + NOISE * rng.standard_normal(T)
            physics_only.append(best_fit(y, False))
            with_damping.append(best_fit(y, True))
    print(f"windows {windows}: mean square of the forced part {np.mean(forced):.4f} (median {np.median(forced):.4f}),"
          f" of the damping part {np.mean(damping):.4f}")
    print(f"best fit per window over {fitted} noisy windows: physics only MSE {np.mean(physics_only):.4f}"
          f" (median {np.median(physics_only):.4f}), physics + damping {np.mean(with_damping):.4f}"
          f" (median {np.median(with_damping):.4f}); noise variance {NOISE ** 2:.4f}")


if __name__ == '__main__':
    main()
