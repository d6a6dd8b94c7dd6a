import csv, collections, sys
import numpy as np
rows = list(csv.DictReader(open(sys.argv[1])))
by = collections.defaultdict(list)
for r in rows: by[int(r["sensor"])].append(r)
out = []
for s, rs in by.items():
    rs = [r for r in rs if int(r["end"]) * 0.05 >= 60]
    if not rs: continue
    tr = float(rs[0]["truth"]); m = np.array([float(r["mean"]) for r in rs]); sd = np.array([float(r["std"]) for r in rs])
    out.append((s, tr, float(rs[0]["gamma"]), float(rs[0]["A"]), float(rs[0]["f"]), np.mean(m) / tr - 1, np.std(m) / tr, np.mean(sd) / tr, np.mean(np.abs(m - tr) / tr)))
a = np.array(out)
print("sensor truth gamma A f | bias  scatter  meanstd  abs")
for r in sorted(out, key=lambda r: -abs(r[5]))[:25]:
    print("%3d %.2f %.2f %5.1f %.2f | %+6.1f%% %5.1f%% %5.1f%% %5.1f%%" % (r[0], r[1], r[2], r[3], r[4], 100*r[5], 100*r[6], 100*r[7], 100*r[8]))
names = ["truth", "gamma", "A", "f"]
for i, n in enumerate(names):
    print(n, "corr with |bias|: %.2f, with bias: %.2f" % (np.corrcoef(a[:, 1 + i], np.abs(a[:, 5]))[0, 1], np.corrcoef(a[:, 1 + i], a[:, 5])[0, 1]))
# window-level: does std predict error?
allr = [r for r in rows if int(r["end"]) * 0.05 >= 60]
e = np.array([abs(float(r["mean"]) - float(r["truth"])) for r in allr]); sd = np.array([float(r["std"]) for r in allr])
q = np.quantile(sd, [0, .25, .5, .75, 1])
for lo, hi in zip(q[:-1], q[1:]):
    sel = (sd >= lo) & (sd <= hi)
    print("std in [%.3f, %.3f]: rms err %.3f, z-rms %.2f" % (lo, hi, np.sqrt(np.mean(e[sel] ** 2)), np.sqrt(np.mean((e[sel] / sd[sel]) ** 2))))
# bias by gamma bins and by A bins
for n, col, bins in [("gamma", 2, [0, .1, .2, .4, .8]), ("A", 3, [0, 5, 10, 20, 40]), ("truth", 1, [0.4, 1, 1.5, 2, 2.5, 3.5])]:
    for lo, hi in zip(bins[:-1], bins[1:]):
        sel = (a[:, col] >= lo) & (a[:, col] < hi)
        if sel.any(): print("%s [%g,%g): n %d, mean |bias| %.1f%%, mean bias %+.1f%%" % (n, lo, hi, sel.sum(), 100*np.mean(np.abs(a[sel, 5])), 100*np.mean(a[sel, 5])))
