#!/usr/bin/env python3
"""What a replayed fleet's pendulums read, and how much their windows say about omega.

Reads the output of RandomRunReplay run with -Dreplay.dump.windows=true (docs/trainer.md, "The fault-free run on
48 pendulums"), e.g.

    java -Dai.djl.offline=true -Dreplay.pendulums=48 -Dreplay.seed=1 -Dreplay.dump.windows=true \
      --add-modules jdk.incubator.vector -cp <replay class path> \
      io.hybridcast.streams.benchmark.RandomRunReplay 600 fault-free > dump.txt
    python3 docs/experiments/fault-free-fleet/window_information.py dump.txt --without pendulum-43,pendulum-7,pendulum-6

and prints, per pendulum sorted by the median over its dumped windows of posterior std / mean: that median, the
windows' median omega, the truth, and the sensor-level error and coverage the replay scored; then the fleet's mean
error, coverage, median error and count within 10 %, and the same without the sensors named by --without.
"""
import argparse
import re
import statistics

parser = argparse.ArgumentParser()
parser.add_argument("dump")
parser.add_argument("--without", default="", help="comma-separated sensors left out of the second summary")
args = parser.parse_args()

windows = {}
scored = {}
for line in open(args.dump):
    if line.startswith("window "):
        p = line.split()
        windows.setdefault(p[1], []).append((float(p[6]), float(p[7]), float(p[9])))
    m = re.match(r"^(pendulum-\d+) +n \d+ err +([\d.]+) % bias +[-+\d.]+ % cover ([\d.]+)", line)
    if m:
        scored[m.group(1)] = (float(m.group(2)), float(m.group(3)))

rows = []
for sensor, w in windows.items():
    if sensor in scored:
        rel = statistics.median(std / abs(mean) for mean, std, _ in w)
        rows.append((rel, sensor, statistics.median(mean for mean, _, _ in w), w[0][2]) + scored[sensor])
for rel, sensor, read, truth, err, cover in sorted(rows):
    print(f"{sensor:13s} window std/mean {rel:.3f}  windows read {read:.2f}  truth {truth:.2f}  "
          f"error {err:5.1f} %  coverage {cover:.2f}")


def summary(label, keys):
    errors = [scored[k][0] for k in keys]
    print(f"{label}: {len(keys)} pendulums, mean error {statistics.mean(errors):.1f} %, mean coverage "
          f"{statistics.mean(scored[k][1] for k in keys):.3f}, median error {statistics.median(errors):.1f} %, "
          f"{sum(e <= 10 for e in errors)} within 10 %")


summary("all", list(scored))
left_out = {s for s in args.without.split(",") if s}
if left_out:
    summary("without " + ",".join(sorted(left_out)), [k for k in scored if k not in left_out])
