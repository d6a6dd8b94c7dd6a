#!/usr/bin/env python3
"""Polls a live local stack's API: per pendulum sensor its z_p history and truth, and /api/models, every N s.
Usage: poll.py LOGFILE OUT.jsonl [interval_s]. Finds the port in the log's 'Dashboard: http://127.0.0.1:P/' line."""
import json, re, sys, time, urllib.request
log, out = sys.argv[1], sys.argv[2]
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 40
port = None
for _ in range(1800):
    try:
        m = re.search(r"Dashboard: http://127\.0\.0\.1:(\d+)/", open(log, errors="replace").read())
        if m:
            port = int(m.group(1)); break
    except FileNotFoundError:
        pass
    time.sleep(1)
if port is None:
    sys.exit("no port in " + log)
base = f"http://127.0.0.1:{port}"
def get(path):
    with urllib.request.urlopen(base + path, timeout=20) as r:
        return json.loads(r.read())
with open(out, "a") as f:
    while True:
        try:
            sensors = [s["sensorId"] for s in get("/api/sensors?limit=500")]
            rec = {"t": time.time(), "models": get("/api/models"), "sensors": {}}
            for s in sensors:
                rec["sensors"][s] = {"zp": get(f"/api/sensors/{s}/zp"), "truth": get(f"/api/sensors/{s}/truth")}
            f.write(json.dumps(rec) + "\n"); f.flush()
        except Exception as e:  # the stack is gone at the end
            print("poll failed:", e, file=sys.stderr)
            try:
                get("/api/models")
            except Exception:
                if time.time() > 0:
                    pass
        time.sleep(interval)
