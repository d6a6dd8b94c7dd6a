#!/usr/bin/env python3
"""Per-sensor analysis of polled live z_p histories: analyse.py POLL.jsonl LOG [system-prefix]."""
import json, re, sys, collections
import numpy as np
poll, log = sys.argv[1], sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else "pendulum-"
points = collections.defaultdict(dict)
truth = {}
models = None
for line in open(poll):
    rec = json.loads(line)
    models = rec["models"]
    for s, d in rec["sensors"].items():
        if not s.startswith(prefix):
            continue
        for p in d["zp"]:
            points[s][p["sequence"]] = p
        truth[s] = d["truth"]
params = {}
for m in re.finditer(r"Sensor (\S+)\((\w+), (\w+)=([\d.]+), unmodelled=\[([^\]]*)\]\)", open(log, errors="replace").read()):
    params[m.group(1)] = (float(m.group(4)), [float(x) for x in m.group(5).split(",")])
def true_at(s, seq):
    best = None
    for r in truth[s]:
        to = r["toSequence"] if r["toSequence"] is not None else 1 << 62
        if r["fromSequence"] <= seq <= to and r["physics"]:
            best = r
    return None if best is None else list(best["physics"].values())[0]
print("models:", json.dumps(models)[:3000])
hdr = f"{'sensor':14s} {'omega':>6s} {'gamma':>5s} {'A':>5s} {'f':>5s} | {'n':>4s} {'win err':>7s} {'win bias':>8s} {'win std':>7s} | {'sens err':>8s} {'sens bias':>9s} {'cover':>5s} {'half%':>6s} | by version: err"
print(hdr)
allv = []
for s in sorted(points, key=lambda x: (len(x), x)):
    ps = [points[s][k] for k in sorted(points[s])]
    om, un = params.get(s, (float('nan'), [float('nan')] * 3))
    rows = []
    for p in ps:
        t = true_at(s, p["sequence"])
        if t is None or not p["sensorMean"] or p["sequence"] * 50 < 60000:
            continue
        rows.append((p["sequence"], p["modelVersion"], p["mean"][0], p["std"][0], p["sensorMean"][0], p["sensorLower95"][0], p["sensorUpper95"][0], t))
    if not rows:
        print(s, "no scored points"); continue
    a = np.array(rows)
    we = (a[:, 2] - a[:, 7]) / a[:, 7]
    se = (a[:, 4] - a[:, 7]) / a[:, 7]
    cov = np.mean((a[:, 5] <= a[:, 7]) & (a[:, 7] <= a[:, 6]))
    half = np.mean((a[:, 6] - a[:, 5]) / 2 / a[:, 7]) * 100
    byv = collections.OrderedDict()
    for v in np.unique(a[:, 1]):
        sel = a[:, 1] == v
        byv[int(v)] = f"v{int(v)}:{np.mean(np.abs(se[sel]))*100:.0f}%/{np.mean(we[sel])*100:+.0f}%w(n{sel.sum()})"
    print(f"{s:14s} {om:6.3f} {un[0]:5.2f} {un[1]:5.1f} {un[2]:5.2f} | {len(a):4d} {np.mean(np.abs(we))*100:6.1f}% {np.mean(we)*100:+7.1f}% {np.mean(a[:,3]/a[:,7])*100:6.1f}% | {np.mean(np.abs(se))*100:7.1f}% {np.mean(se)*100:+8.1f}% {cov:5.2f} {half:6.1f} | {' '.join(byv.values())}")
    allv.append((np.mean(np.abs(se)), cov, len(a)))
if allv:
    x = np.array(allv)
    print(f"fleet: sensor-level mean abs rel err {np.sum(x[:,0]*x[:,2])/x[:,2].sum()*100:.1f}% coverage {np.sum(x[:,1]*x[:,2])/x[:,2].sum():.2f}")
if "--timeline" in sys.argv:
    for s in sorted(points, key=lambda x: (len(x), x)):
        ps = [points[s][k] for k in sorted(points[s])]
        print(f"--- {s} {params.get(s)}")
        for p in ps[::20]:
            t = true_at(s, p["sequence"])
            sm = p["sensorMean"][0] if p["sensorMean"] else float('nan')
            lo = p["sensorLower95"][0] if p["sensorLower95"] else float('nan')
            hi = p["sensorUpper95"][0] if p["sensorUpper95"] else float('nan')
            print(f"  seq {p['sequence']:6d} v{p['modelVersion']} win {p['mean'][0]:.3f}±{p['std'][0]:.3f}  sensor {sm:.3f} [{lo:.3f},{hi:.3f}]  truth {t}")
