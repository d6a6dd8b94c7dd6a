#!/usr/bin/env python3
"""How early can a driven pendulum's slow omega drift be flagged from its forced amplitude? (issue 11)

Reads the fused windows that RandomRunReplay prints with -Dreplay.dump.windows=true
("window <sensor> <seq> <X> <sd(X)> <faulty> <z_p> <sd(z_p)> truth <omega>") and, for one sensor with a drift,
measures its forced amplitude X and per-window standard error before the drift, then asks how soon an oracle could
flag the drift at a given false-alarm rate. The truth column only says where the drift is (scoring); the detectors
simulated here see X alone.

Bounds 1 and 2 are more generous than any real detector; 3 simulates two that a live detector can be:
  1. known onset, known slope, known reference: the accumulated signal-to-noise of the drop,
     Z_k = sqrt(sum_i ((X_ref - X_i) / sd_i)^2) with X_i = X_ref (omega_i / omega_0)^2, against the threshold
     of a single test at 1 false alarm per sensor-hour (one look per window, 1440 looks: z 3.19) and the live
     detector's (5);
  2. known slope and reference, unknown onset: the generalised likelihood ratio of the known ramp maximised over
     its onset (the last `memory` windows), its threshold set by simulation for 1 false alarm per sensor-hour,
     then its detection window on the drift, Monte Carlo;
  3. slope, onset and reference unknown: the live two-sample split test (ShiftSplit) and a hinge (a trend from an
     unknown window), thresholds set by simulation for 1 and 0.1 false alarms per sensor-hour.

usage: drift_bound.py DUMP SENSOR [--memory 97] [--hours 400] [--trials 2000] [--seed 1] [--pre-windows N]
       [--step-at SEQ]   (a step instead of a drift: the bounds' delays in windows and seconds after it)
"""
import argparse
import math
import sys

import numpy as np

WINDOWS_PER_HOUR = 1440  # disjoint 2.5-s windows (50 samples at 20 Hz)


def read(dump, sensor):
    rows = []
    with open(dump) as f:
        for line in f:
            p = line.split()
            if len(p) >= 10 and p[0] == "window" and p[1] == sensor:
                rows.append((int(p[2]), float(p[3]), float(p[4]), int(p[5]), float(p[9])))
    return np.array(rows, dtype=float)


def ramp_glr_max(e, mu, memory):
    """max over onsets tau (within memory) of the log-likelihood ratio of the known drop profile mu starting at tau,
    for unit-variance drops e (0 when no onset fits); returns the statistic after each window."""
    n = len(e)
    out = np.zeros(n)
    for length in range(1, min(memory, len(mu), n) + 1):
        m = mu[:length]
        # correlate: for each start s, sum_j m[j] e[s + j]; the window ends at s + length - 1
        llr = np.correlate(e, m, mode="valid") - 0.5 * float(np.dot(m, m))
        np.maximum(out[length - 1:], llr, out=out[length - 1:])
    return out


def split_z(x, min_before=6, min_after=2, min_relative=0.05):
    """The live detector's statistic (ShiftSplit as ForcedDrift calls it) over unit-sd windows x, oldest first."""
    n = len(x)
    if n < min_before + min_after:
        return 0.0
    c = np.concatenate(([0.0], np.cumsum(x)))
    c2 = np.concatenate(([0.0], np.cumsum(x * x)))
    t = np.arange(min_before, n - min_after + 1)
    w1 = t.astype(float)
    w2 = n - w1
    m1 = c[t] / w1
    m2 = (c[n] - c[t]) / w2
    chi2 = (c2[t] - w1 * m1 * m1) + (c2[n] - c2[t] - w2 * m2 * m2)
    phi = np.maximum(1, chi2 / (n - 2))
    z = np.abs(m1 - m2) / np.sqrt(phi * (1 / w1 + 1 / w2))
    ok = (m1 > 0) & (m2 > 0)
    ratio = np.sqrt(np.where(ok, m2 / np.where(ok, m1, 1), 1))
    z = np.where(ok & (np.abs(ratio - 1) >= min_relative), z, 0)
    return float(z.max())


def hinge_z(x, min_before=6, min_after=2):
    """A trend from an unknown window: x = a before window t, a + b (i - t + 1) from it on, b fitted by least
    squares (sd 1 known); the largest |t-statistic of b| over t."""
    n = len(x)
    if n < min_before + min_after:
        return 0.0
    idx = np.arange(n, dtype=float)
    c = np.concatenate(([0.0], np.cumsum(x)))
    ci = np.concatenate(([0.0], np.cumsum(idx * x)))
    t = np.arange(min_before, n - min_after + 1)
    length = (n - t).astype(float)
    sh = length * (length + 1) / 2
    sh2 = length * (length + 1) * (2 * length + 1) / 6
    shx = (ci[n] - ci[t]) - (t - 1) * (c[n] - c[t])
    sxx = sh2 - sh * sh / n
    sxy = shx - sh * c[n] / n
    return float(np.max(np.abs(sxy) / np.sqrt(sxx)))


def stream_max(x, stat, memory):
    """The statistic after each window of x, over the newest `memory` windows."""
    return np.array([stat(x[max(0, k + 1 - memory):k + 1]) for k in range(len(x))])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("sensor")
    ap.add_argument("--memory", type=int, default=97)
    ap.add_argument("--hours", type=int, default=400)
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--step-at", type=int, default=None,
                    help="a step's sequence: also print each bound's delay in seconds from it (20 Hz)")
    ap.add_argument("--pre-windows", type=int, default=0,
                    help="clean windows before the onset the live detector had (default: those in the dump)")
    a = ap.parse_args()
    w = read(a.dump, a.sensor)
    if len(w) == 0:
        sys.exit("no windows of " + a.sensor)
    seq, x, sd, faulty, truth = w.T
    omega0 = truth[0]
    moving = np.nonzero(np.abs(truth - omega0) > 1e-9)[0]
    if len(moving) == 0:
        sys.exit(a.sensor + ": its omega does not move in the dumped windows")
    first = moving[0]
    ok = (faulty == 0) & (x > 0) & (sd > 0)
    pre = ok & (np.arange(len(x)) < first)
    x_ref = float(np.average(x[pre], weights=1 / sd[pre] ** 2))
    sd_pre = float(np.sqrt(np.mean(sd[pre] ** 2)))
    scatter = float(np.std(x[pre], ddof=1))
    print(f"{a.sensor}: {pre.sum()} clean windows before the drift (seq {int(seq[0])}-{int(seq[first - 1])}), "
          f"X_ref {x_ref:.5f} rad, per-window sd {sd_pre:.5f} (relative {sd_pre / x_ref:.3f}), "
          f"scatter of X about its mean {scatter:.5f} (scatter/sd {scatter / sd_pre:.2f})")
    print(f"  the noise floor of a sinusoid's amplitude, 0.01 * sqrt(2/50) = {0.01 * math.sqrt(0.04):.5f} "
          f"(relative {0.002 / x_ref:.3f})")
    after = np.arange(first, len(x))
    ratio = truth[after] / omega0
    k15 = int(np.argmax(ratio <= 0.85)) if np.any(ratio <= 0.85) else None
    end = int(np.argmax(ratio <= ratio[-1] + 1e-12))  # the first window at the drift's final value
    print(f"  drift: omega {omega0:.4f} from window seq {int(seq[first])}; "
          f"moved 15 % at seq {int(seq[after[k15]]) if k15 is not None else 'never'} "
          f"({k15 + 1 if k15 is not None else '-'} windows in; 'before 15 %' below: flagged on an earlier window), "
          f"ended at seq {int(seq[after[end]])} ({100 * (1 - ratio[-1]):.1f} % moved)")
    if a.step_at is not None:
        # the k-th window after the change ends at seq[after[k - 1]]; a detection there is that many seconds late
        print("  step: the n-th window after it ends " + ", ".join(
            f"{n}: {(seq[after[n - 1]] - a.step_at) / 20:.2f} s" for n in range(1, min(12, len(after)) + 1)))
    # 1. known onset, slope and reference
    drop = x_ref * (1 - ratio ** 2) / sd_pre
    z = np.sqrt(np.cumsum(drop ** 2))
    for h in (3.19, 5.0):
        k = int(np.argmax(z >= h)) if np.any(z >= h) else None
        where = (f"seq {int(seq[after[k]])}, {k + 1} windows in, omega moved {100 * (1 - ratio[k]):.1f} %"
                 if k is not None else "not within the dumped windows")
        print(f"  bound 1 (onset, slope, reference known): accumulated z reaches {h} at {where}")
    if k15 is not None:
        print(f"  bound 1 at 15 % moved: accumulated z {z[k15]:.2f}")
    # 1b. the same with the reference estimated from the clean windows before the onset (the oracle knows the
    # onset); its error is shared by every later window: z = S / sqrt(S + D^2 / n_ref), S = sum d^2, D = sum d
    n_ref = a.pre_windows if a.pre_windows else int(pre.sum())
    zb = np.cumsum(drop ** 2) / np.sqrt(np.cumsum(drop ** 2) + np.cumsum(drop) ** 2 / n_ref)
    for h in (3.19, 5.0):
        k = int(np.argmax(zb >= h)) if np.any(zb >= h) else None
        where = (f"seq {int(seq[after[k]])}, {k + 1} windows in, omega moved {100 * (1 - ratio[k]):.1f} %"
                 if k is not None else f"never within the dumped windows (largest {zb.max():.2f})")
        print(f"  bound 1b (reference from {n_ref} windows): z reaches {h} at {where}")
    if k15 is not None:
        print(f"  bound 1b at 15 % moved: z {zb[k15]:.2f}")
    # 2. known slope and reference, unknown onset: threshold for 1 false alarm per sensor-hour
    rng = np.random.default_rng(a.seed)
    mu = drop  # the known profile from onset on, in units of sd
    maxima = np.array([ramp_glr_max(rng.standard_normal(WINDOWS_PER_HOUR), mu, a.memory).max()
                       for _ in range(a.hours)])
    # false alarms per hour at threshold h: mean number of up-crossings ~ P(max > h) for rare alarms; for
    # 1 per hour take h where the hour's maximum exceeds it in 1 - e^-1 of the hours (Poisson, mean 1)
    h1 = float(np.quantile(maxima, math.exp(-1)))
    print(f"  bound 2 (slope and reference known, onset unknown, memory {a.memory}): threshold for 1 false alarm "
          f"per sensor-hour {h1:.2f} (log-likelihood ratio; {a.hours} simulated hours)")
    n_after = len(after)
    warm = 40  # windows of no change before the drift, so the statistic starts from its null state
    delays = []
    for _ in range(a.trials):
        e = rng.standard_normal(warm + n_after)
        e[warm:] += drop
        s = ramp_glr_max(e, mu, a.memory)
        hit = np.nonzero(s[warm:] >= h1)[0]
        delays.append(hit[0] if len(hit) else n_after)
    delays = np.array(delays)
    moved = np.where(delays < n_after, 1 - ratio[np.minimum(delays, n_after - 1)], np.nan)
    q = np.nanquantile(moved, [0.1, 0.5, 0.9]) if np.any(np.isfinite(moved)) else [np.nan] * 3
    in_time = float(np.mean(delays < k15)) if k15 is not None else float("nan")
    print(f"  bound 2 detection: windows after the change 10 % / median / 90 % = "
          f"{' / '.join(str(int(v) + 1) for v in np.quantile(delays, [0.1, 0.5, 0.9]))} (a step: see --step-at)")
    print(f"  bound 2 on the drift ({a.trials} trials): flagged before 15 % moved in {100 * in_time:.1f} % of trials; "
          f"omega moved at detection: 10 % / median / 90 % = {100 * q[0]:.1f} / {100 * q[1]:.1f} / {100 * q[2]:.1f} %; "
          f"never within the dumped windows in {100 * np.mean(delays >= n_after):.1f} %")

    # 3. the designs a live detector can have (slope, onset and reference unknown), thresholds set by simulation
    # for 1 and 0.1 false alarms per sensor-hour; the windows before the drift as the live detector had them
    level = x_ref / sd_pre
    path = np.concatenate((np.full(n_ref, level), level * ratio ** 2))
    for name, stat in (("split (the live ForcedDrift)", split_z), ("hinge (trend from an unknown window)", hinge_z)):
        maxima = np.array([stream_max(level + rng.standard_normal(WINDOWS_PER_HOUR // 4), stat, a.memory).max()
                           for _ in range(a.hours)])
        # quarter-hours simulated (cost); an hour's maximum is the largest of four
        hourly = maxima[: len(maxima) // 4 * 4].reshape(-1, 4).max(axis=1)
        for rate in (1.0, 0.1):
            h = float(np.quantile(hourly, math.exp(-rate)))
            hits = []
            for _ in range(a.trials // 4):
                zs = stream_max(path + rng.standard_normal(len(path)), stat, a.memory)[n_ref:]
                k = np.nonzero(zs >= h)[0]
                hits.append(k[0] if len(k) else n_after)
            hits = np.array(hits)
            in_time = float(np.mean(hits < k15)) if k15 is not None else float("nan")
            med = int(np.median(hits))
            med_moved = 100 * (1 - ratio[min(med, n_after - 1)]) if med < n_after else float("nan")
            ended = med < n_after and med > end
            print(f"  bound 3, {name}, {rate:g} per sensor-hour: windows after the change 10 % / median / 90 % = "
                  f"{' / '.join(str(int(v) + 1) for v in np.quantile(hits, [0.1, 0.5, 0.9]))}")
            print(f"  bound 3, {name}: threshold {h:.2f} for {rate:g} false alarms per sensor-hour "
                  f"({len(hourly)} simulated hours); before 15 % moved in {100 * in_time:.1f} % of "
                  f"{len(hits)} trials, median detection at {med_moved:.1f} % moved"
                  f"{' (after the drift ended)' if ended else ''}"
                  f"{' (later than the dump)' if med >= n_after else ''}")


if __name__ == "__main__":
    main()
