"""How well can omega be read from one pendulum window of the experiment, by least squares (issue 13)?

Draws windows as forcing_budget.py does (the experiment's ranges, 50 samples at dt 0.05, noise 0.01) and fits
each window twice, multi-start:
  - physics + linear damping (omega, initial velocity, gamma free): what a model that leaves the forcing out reads;
  - the whole model form, forcing included (omega, initial velocity, gamma, A, f free).
It prints the relative error of omega of each fit. The first is the error a decoder that cannot write the forcing
is pushed towards; the second is the floor that noise and the window's length leave.
Usage: python3 docs/experiments/pendulum-paper-scale/omega_floor.py [windows]   (numpy, scipy; default 30 windows,
35 least-squares starts a window (7 physics + damping, 28 whole form): 1-4 minutes a window on one core of this
machine, depending on its load; the windows are drawn in sequence, so a run of N windows fits the first N of a
longer one)
"""
import sys

import numpy as np
from scipy.optimize import least_squares

from forcing_budget import NOISE, T, trajectory


def fit_with_damping(y):
    best = (np.inf, None)
    for start in np.linspace(0.5, 3.5, 7):
        r = least_squares(lambda p: trajectory(p[0], p[2], 0, 0, y[0], p[1]) - y, [start, 0.0, 0.2],
                          bounds=([0.3, -5, 0], [10, 5, 3]))
        best = min(best, (np.mean(r.fun ** 2), r.x[0]), key=lambda b: b[0])
    return best


def fit_whole_form(y):
    best = (np.inf, None)
    for start in np.linspace(0.5, 3.5, 4):
        for f0 in np.linspace(3.2, 6.2, 7):
            r = least_squares(lambda p: trajectory(p[0], p[2], p[3], p[4], y[0], p[1]) - y,
                              [start, 0.0, 0.2, 10, f0], bounds=([0.3, -5, 0, 0, 2.5], [10, 5, 3, 60, 7]))
            best = min(best, (np.mean(r.fun ** 2), r.x[0]), key=lambda b: b[0])
    return best


def main(windows=30, seed=2):
    rng = np.random.default_rng(seed)
    damping_errors, whole_errors = [], []
    for i in range(windows):
        omega, gamma = rng.uniform(0.785, 3.14), rng.uniform(0, 0.8)
        amplitude, f = rng.uniform(0, 40), rng.uniform(3.14, 6.28)
        theta0 = rng.uniform(-1.57, 1.57)
        y = trajectory(omega, gamma, amplitude, f, theta0) + NOISE * rng.standard_normal(T)
        mse_d, omega_d = fit_with_damping(y)
        mse_w, omega_w = fit_whole_form(y)
        damping_errors.append(abs(omega_d - omega) / omega)
        whole_errors.append(abs(omega_w - omega) / omega)
        print(f"{i} omega {omega:.3f}: physics + damping {omega_d:.3f} (MSE {mse_d:.4f}), whole form {omega_w:.3f}"
              f" (MSE {mse_w:.5f})", flush=True)
    print(f"relative error of omega over {windows} windows: physics + damping mean {100 * np.mean(damping_errors):.2f} %"
          f" (median {100 * np.median(damping_errors):.2f} %), whole form mean {100 * np.mean(whole_errors):.2f} %"
          f" (median {100 * np.median(whole_errors):.2f} %)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
