"""Replays the reveal-gated fusion over a FusionStudyDump CSV: gate.py CSV."""
import sys, csv, collections, math, os
import numpy as np
CSVS = sys.argv[1:]
sys.argv = [sys.argv[0]]
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fusion.py')).read().split("VARIANTS = {")[0])
def gated_run(by, gate, forget=0.95, cap=97, min_s=60, fallback_all=True, soft=False):
    pts = []
    for s, rs in by.items():
        m = np.array([float(r["mean"]) for r in rs]); sd = np.array([float(r["std"]) for r in rs])
        sw = np.array([float(r["swing"]) for r in rs]); end = np.array([int(r["end"]) for r in rs]); tr = float(rs[0]["truth"])
        for i in range(len(rs)):
            if end[i] * 0.05 < min_s: continue
            idx = [k for k in range(i + 1) if sw[k] >= gate][-cap:]
            informative = len(idx) > 0
            if not idx:
                idx = list(range(max(0, i + 1 - cap), i + 1))
            n = len(idx)
            f = forget ** np.arange(n - 1, -1, -1, dtype=float)
            mean, std, eff = re_fuse(m[idx], sd[idx], f)
            pts.append((s, mean, std, eff, tr, informative))
    return np.array(pts)
for path in CSVS:
    by = load(path)
    keys = sorted(by); half = set(keys[: len(keys) // 2])
    print("==", path)
    for gate in [0.0, 0.01, 0.02, 0.03, 0.05, 0.08]:
        p = gated_run(by, gate)
        fitp = p[np.isin(p[:, 0], list(half))]; chk = p[~np.isin(p[:, 0], list(half))]
        b = fitb(fitp[:, :5]); c, hw = cover(chk[:, :5], b)
        err = np.mean(np.abs(p[:, 1] - p[:, 4]) / p[:, 4])
        inf = p[:, 5] == 1
        ei = np.mean(np.abs(p[inf, 1] - p[inf, 4]) / p[inf, 4]) if inf.any() else float('nan')
        en = np.mean(np.abs(p[~inf, 1] - p[~inf, 4]) / p[~inf, 4]) if (~inf).any() else float('nan')
        print(f"  gate {gate:.2f}: err {err*100:5.1f} %  b {b:.3f}  held-out cover {c:.3f}  half-width {hw*100:5.1f} %  informative share {inf.mean():.2f} (err {ei*100:.1f} % / fallback {en*100:.1f} %)")
print("two-tier b (informative / fallback), gate 0.02 and 0.015:")
for gate in [0.015, 0.02, 0.025]:
    p = gated_run(by, gate)
    inf = p[:, 5] == 1
    fit_s = np.isin(p[:, 0], list(half))
    out = []
    for sel in [inf, ~inf]:
        b = fitb(p[sel & fit_s][:, :5]); c, hw = cover(p[sel & ~fit_s][:, :5], b)
        out.append((b, c, hw, np.mean(np.abs(p[sel, 1] - p[sel, 4]) / p[sel, 4])))
    allc = (out[0][1] * np.sum(inf & ~fit_s) + out[1][1] * np.sum(~inf & ~fit_s)) / np.sum(~fit_s)
    print(f"  gate {gate}: informative b {out[0][0]:.3f} cover {out[0][1]:.3f} hw {out[0][2]*100:.1f}% err {out[0][3]*100:.1f}% | fallback b {out[1][0]:.3f} cover {out[1][1]:.3f} hw {out[1][2]*100:.1f}% err {out[1][3]*100:.1f}% | overall held-out cover {allc:.3f}")
