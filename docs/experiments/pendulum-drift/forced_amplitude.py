"""Does a driven pendulum's forced amplitude reveal its slow ω drift? forced_amplitude.py READINGS.csv TRUTH.csv

The forced response of theta'' = -w^2 sin theta - g theta' + A w^2 cos(W t), W = 2 pi f >> w, has the amplitude
X = A w^2 / sqrt((W^2 - w^2)^2 + g^2 W^2) ~ A w^2 / W^2: with A and f unchanged, sqrt(X / X_ref) is w / w_ref.
Per disjoint 50-sample window: least squares of theta on a cubic in time (the slow free motion) plus cos and sin
at W, W found once per sensor from its readings (the grid f maximising the fitted sinusoid's power over its
first 60 s). The truth file is used only to score the signal. --debias: the power minus the noise's share instead
of the amplitude (worse on the weakly forced pendulum-1: the cubic's misfit counts as noise)."""
import csv, sys, collections
import numpy as np
DT, N = 0.05, 50
rows = collections.defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])):
    rows[r["sensor"]].append((int(r["seq"]), float(r["theta"])))
truth = collections.defaultdict(list)
for r in csv.DictReader(open(sys.argv[2])):
    truth[r["sensor"]].append((int(r["from"]), None if r["to"] == "null" else int(r["to"]), float(r["omega"]), float(r["A"]), float(r["f"])))
def omega_at(s, seq):
    best = None
    for fr, to, w, A, f in truth[s]:
        if fr <= seq and (to is None or seq <= to):
            best = w
    return best
def design(t, W):
    u = (t - t.mean()) / (t[-1] - t[0]) * 2
    return np.column_stack([np.ones_like(t), u, u**2, u**3, np.cos(W * t), np.sin(W * t)])
def amplitude(t, y, W):
    c, *_ = np.linalg.lstsq(design(t, W), y, rcond=None)
    return np.hypot(c[4], c[5])
def power(t, y, W):
    """The forced power X^2 without the noise's share: each of the two coefficients carries about 2 s^2 / N."""
    m = design(t, W)
    c, *_ = np.linalg.lstsq(m, y, rcond=None)
    s2 = np.sum((y - m @ c) ** 2) / (len(y) - m.shape[1])
    return c[4] ** 2 + c[5] ** 2 - 4 * s2 / len(y)
for s in sorted(rows):
    d = np.array(sorted(rows[s]))
    seq, th = d[:, 0].astype(int), d[:, 1]
    t = seq * DT
    starts = list(range(300, min(1500, len(seq) - N), N))  # 15-75 s: past the start-up's first seconds
    grid = np.arange(3.0, 6.6, 0.002)
    spectrum = [sum(amplitude(t[i:i+N], th[i:i+N], 2*np.pi*f)**2 for i in starts) for f in grid]
    f = grid[int(np.argmax(spectrum))]
    W = 2 * np.pi * f
    X = []
    for i in range(0, len(seq) - N + 1, N):
        X.append((seq[i + N - 1], amplitude(t[i:i+N], th[i:i+N], W) if "--debias" not in sys.argv
                  else power(t[i:i+N], th[i:i+N], W)))
    X = np.array(X)
    ref = np.mean(X[(X[:, 0] >= 300) & (X[:, 0] < 600), 1])  # reference: 15-30 s
    w_ref = omega_at(s, 450)
    print(f"== {s}: f found {f:.3f} Hz (truth {truth[s][0][4]:.3f}), reference {ref:.3g}")
    print("   end-seq  sqrt(X/X_ref) over 10 windows | true w/w_ref")
    for k in range(0, len(X) - 9, 10):
        blk = X[k:k+10]
        est = np.mean(blk[:, 1]) / ref if "--debias" not in sys.argv else np.sqrt(max(np.mean(blk[:, 1]), 0) / ref)
        est = np.sqrt(est) if "--debias" not in sys.argv else est
        tw = omega_at(s, int(blk[-1, 0])) / w_ref
        print(f"   {int(blk[-1,0]):6d}  {est:6.3f} | {tw:6.3f}")
