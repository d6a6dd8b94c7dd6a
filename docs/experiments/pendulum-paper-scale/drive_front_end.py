"""Does the rotating drive's starting point explain a forced window (issue 13, docs/model.md)?

Draws windows as forcing_budget.py does (the experiment's ranges, at rest, 50 samples at dt 0.05, noise 0.01),
reads each window's forcing as the model's front-end does (ForcedSwing: the frequency whose sinusoid beside a cubic
has the largest amplitude, 2 Hz to 0.45/dt, coarse 0.02 Hz then fine 0.001 Hz; its coefficients a, b) and solves the
pendulum with the true omega and gamma by RK4 at dt 0.05 with the drive the model starts from,
c0 cos Wt - s0 sin Wt with c0 + i s0 = (omega^2 - W^2)(a - i b), and the initial velocity W b (the forced sinusoid's).
It prints the window MSE with that drive and without any drive (noise alone is 1e-4).
Usage: python3 docs/experiments/pendulum-paper-scale/drive_front_end.py [windows]   (numpy, scipy; seconds a window)
"""
import sys

import numpy as np

from forcing_budget import DT, NOISE, T, t, trajectory


def cubic_residual(v):
    u = 2 * np.arange(T) / (T - 1) - 1
    q, _ = np.linalg.qr(np.vstack([u ** k for k in range(4)]).T)
    return v - q @ (q.T @ v)


def front_end(y):
    def power(f):
        w = 2 * np.pi * f
        basis = np.vstack([cubic_residual(np.cos(w * t)), cubic_residual(np.sin(w * t))]).T
        ab = np.linalg.lstsq(basis, cubic_residual(y), rcond=None)[0]
        return ab @ ab, ab
    coarse = max(np.arange(2.0, 0.45 / DT, 0.02), key=lambda f: power(f)[0])
    f = max(np.arange(coarse - 0.02, coarse + 0.02, 0.001), key=lambda f: power(f)[0])
    return 2 * np.pi * f, power(f)[1]


def rk4(omega, gamma, theta0, velocity0, c0, s0, w):
    def field(tt, y):
        return np.array([y[1], -omega ** 2 * np.sin(y[0]) - gamma * y[1] + c0 * np.cos(w * tt) - s0 * np.sin(w * tt)])
    y = np.array([theta0, velocity0])
    out = [y[0]]
    for k in range(T - 1):
        tt = k * DT
        k1 = field(tt, y)
        k2 = field(tt + DT / 2, y + DT / 2 * k1)
        k3 = field(tt + DT / 2, y + DT / 2 * k2)
        k4 = field(tt + DT, y + DT * k3)
        y = y + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(y[0])
    return np.array(out)


def main(windows=12, seed=3):
    rng = np.random.default_rng(seed)
    for _ in range(windows):
        omega, gamma = rng.uniform(0.785, 3.14), rng.uniform(0, 0.8)
        amplitude, f, theta0 = rng.uniform(0, 40), rng.uniform(3.14, 6.28), rng.uniform(-1.57, 1.57)
        y = trajectory(omega, gamma, amplitude, f, theta0) + NOISE * rng.standard_normal(T)
        w, (a, b) = front_end(y)
        k = omega ** 2 - w ** 2
        driven = rk4(omega, gamma, y[0], w * b, k * a, -k * b, w)
        free = rk4(omega, gamma, y[0], 0, 0, 0, w)
        print(f"omega {omega:.2f} A {amplitude:4.1f} f {f:.2f} Hz, read {w / 2 / np.pi:.3f} Hz: window MSE with the "
              f"drive {np.mean((driven - y) ** 2):.1e}, without {np.mean((free - y) ** 2):.1e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
