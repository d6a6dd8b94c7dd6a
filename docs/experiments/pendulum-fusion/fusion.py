#!/usr/bin/env python3
"""Replays sensor-level fusion variants over dumped window posteriors (FusionStudyDump CSV).
fusion.py CSV [CSV2 ...]: per file, per variant: mean abs rel err after 60 s, coverage at the b fitted on the first
half of the sensors (held-out second half), mean relative half-width."""
import sys, math, csv, collections
import numpy as np
T = [12.706, 4.303, 3.182, 2.776, 2.571]
def q975(df):
    z = 1.959963984540054
    if df < 1e-9: return z
    if df < 1: return T[0]
    if df < 5:
        lo = int(math.floor(df)); fr = df - lo
        hi = T[lo] if lo < 5 else T[4]
        return T[lo - 1] * (1 - fr) + hi * fr
    z3 = z ** 3
    return z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df)
def re_fuse(m, s, f):
    v = np.maximum(s * s, 1e-24); iv = 1 / v
    s1 = np.sum(f * iv); fm = np.sum(f * iv * m) / s1
    q = np.sum(f * iv * (m - fm) ** 2)
    a = np.sum(f) - np.sum(f * f * iv) / s1; b = s1 - np.sum(f * f * iv * iv) / s1
    tau2 = 0 if len(m) < 2 or b <= 0 else max(0, (q - a) / b)
    w = 1 / (v + tau2)
    mean = np.sum(f * w * m) / np.sum(f * w)
    std = math.sqrt(np.sum(f * f * w)) / np.sum(f * w)
    eff = np.sum(f * w) ** 2 / np.sum(f * f * w * w)
    return mean, std, eff
LO, HI = 0.392, 3.53
M0 = (0.47045 + 3.45155) / 2; S0 = (3.45155 - 0.47045) / math.sqrt(12)
def prior_div(m, s, f, floor=0.0):
    """product of prior-divided window likelihoods, prior once; forgetting f as likelihood powers."""
    lam = 1 / s ** 2 - 1 / S0 ** 2
    eta = m / s ** 2 - M0 / S0 ** 2
    ok = lam > floor
    L = 1 / S0 ** 2 + np.sum(f[ok] * lam[ok]); E = M0 / S0 ** 2 + np.sum(f[ok] * eta[ok])
    mean = E / L; std = math.sqrt(1 / L)
    eff = np.sum(f[ok] * lam[ok]) ** 2 / max(np.sum((f[ok] * lam[ok]) ** 2), 1e-30) if ok.any() else 0
    return mean, std, eff
def fe(m, s, f):
    w = f / s ** 2
    return np.sum(w * m) / np.sum(w), math.sqrt(np.sum(f * w)) / np.sum(w), np.sum(w) ** 2 / np.sum(w * w)
def load(path):
    rows = list(csv.DictReader(open(path)))
    by = collections.defaultdict(list)
    for r in rows:
        by[int(r["sensor"])].append(r)
    return by
def run(by, fuse, forget, cap=97, min_s=60, every=None):
    pts = []
    for s, rs in by.items():
        m = np.array([float(r["mean"]) for r in rs]); sd = np.array([float(r["std"]) for r in rs])
        end = np.array([int(r["end"]) for r in rs]); tr = float(rs[0]["truth"])
        for i in range(len(rs)):
            if end[i] * 0.05 < min_s: continue
            lo = max(0, i + 1 - cap)
            n = i + 1 - lo
            if callable(forget):
                f = forget(m[lo:i + 1], sd[lo:i + 1])
            else:
                f = forget ** np.arange(n - 1, -1, -1, dtype=float)
            mean, std, eff = fuse(m[lo:i + 1], sd[lo:i + 1], f)
            pts.append((s, mean, std, eff, tr))
    return np.array(pts)
def cover(p, b, clip=True):
    mean = np.clip(p[:, 1], LO, HI); q = np.array([q975(e - 1) for e in p[:, 3]])
    sd = np.sqrt(p[:, 2] ** 2 + (b * np.abs(mean)) ** 2)
    lo = np.clip(mean - q * sd, LO, HI); hi = np.clip(mean + q * sd, LO, HI)
    return np.mean((lo <= p[:, 4]) & (p[:, 4] <= hi)), np.mean((hi - lo) / 2 / p[:, 4])
def fitb(p):
    if cover(p, 0)[0] >= 0.95: return 0
    lo, hi = 0, 5
    for _ in range(40):
        mid = (lo + hi) / 2
        if cover(p, mid)[0] >= 0.95: hi = mid
        else: lo = mid
    return hi
def info_forget(rho, ref_rel):
    lref = 1 / (ref_rel * M0) ** 2 - 1 / S0 ** 2
    def weights(m, s):
        lam = np.maximum(1 / s ** 2 - 1 / S0 ** 2, 0)
        logr = np.log(rho) * np.minimum(1, lam / lref)
        # weight of window j: product of rho_k over the newer windows k > j
        c = np.concatenate([np.cumsum(logr[::-1])[::-1][1:], [0.0]])
        return np.exp(c)
    return weights
VARIANTS = {
    "RE f0.95 (now)": (re_fuse, 0.95),
    "RE f0.99": (re_fuse, 0.99),
    "FE f0.95": (fe, 0.95),
    "priordiv f0.95": (prior_div, 0.95),
    "priordiv f0.98": (prior_div, 0.98),
    "priordiv f0.99": (prior_div, 0.99),
    "priordiv info .95/10%": (prior_div, info_forget(0.95, 0.10)),
    "priordiv info .95/20%": (prior_div, info_forget(0.95, 0.20)),
    "priordiv info .9/10%": (prior_div, info_forget(0.9, 0.10)),
    "RE info .95/10%": (re_fuse, info_forget(0.95, 0.10)),
    "priordiv f0.95 cap256": (prior_div, 0.95),
}
for path in sys.argv[1:]:
    by = load(path)
    keys = sorted(by); half = set(keys[: len(keys) // 2])
    live = {k: v for k, v in by.items() if 0.785 <= float(v[0]["truth"]) <= 3.14}
    print(f"== {path}: {len(by)} sensors, {sum(len(v) for v in by.values())} windows; live-range sensors {len(live)}")
    allw = [r for v in by.values() for r in v if int(r["end"]) * 0.05 >= 60]
    we = np.array([abs(float(r["mean"]) - float(r["truth"])) / float(r["truth"]) for r in allw])
    print(f"   window rel err after 60 s {we.mean()*100:.1f} %")
    for name, (fn, fg) in VARIANTS.items():
        p = run(by, fn, fg, cap=256 if "cap256" in name or callable(fg) else 97)
        fitp = p[np.isin(p[:, 0], list(half))]; chk = p[~np.isin(p[:, 0], list(half))]
        b = fitb(fitp)
        c, hw = cover(chk, b)
        err = np.mean(np.abs(p[:, 1] - p[:, 4]) / p[:, 4])
        pl = p[(p[:, 4] >= 0.785) & (p[:, 4] <= 3.14)]
        errl = np.mean(np.abs(pl[:, 1] - pl[:, 4]) / pl[:, 4])
        print(f"   {name:18s} err {err*100:5.1f} % (live range {errl*100:5.1f} %)  b {b:.3f}  held-out cover {c:.3f}  half-width {hw*100:5.1f} %  uncal cover {cover(chk,0)[0]:.2f}")
