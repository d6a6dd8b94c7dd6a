#!/usr/bin/env bash
# The serving benchmarks of issue 12, one after another on the same machine, each writing its report into
# docs/benchmarks/ (or --out-dir): serving-cost.json (kernel vs DJL per call), streams.json (forecaster vs
# pass-through, both guarantees), streams-realtime.json (200 pendulums at 20 Hz), scale-out.json (two
# instances / two threads vs one). Run it on a quiet machine: the ratios are side by side in one run, but the
# latencies are absolute. SKIP_BUILD=1 reuses the last build; ONLY="streams scale-out" picks some.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT_DIR=docs/benchmarks
if [[ "${1:-}" == "--out-dir" ]]; then OUT_DIR="$2"; shift 2; fi
mkdir -p "$OUT_DIR" .cache/djl
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  mvn -B -q -DskipTests -pl streams-app -am test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
fi
CP="streams-app/target/test-classes:streams-app/target/classes:$(cat streams-app/target/bench.cp)"
D="$PWD/.cache/djl"
JAVA=(nice -n 5 java -Xmx3g --add-modules jdk.incubator.vector -Dai.djl.offline=true -DDJL_CACHE_DIR="$D"
      -Djna.tmpdir="$D/jna" -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")
B=io.hybridcast.streams.benchmark
want() { [[ -z "${ONLY:-}" || " $ONLY " == *" $1 "* ]]; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
want serving-cost && "${JAVA[@]}" $B.ServingCostBenchmark "$OUT_DIR/serving-cost.json"
want streams && "${JAVA[@]}" $B.StreamsBenchmark --sensors 200 --rounds 1 --warmup-rounds 1 --skip-baseline \
    --compare-guarantees --latency-seconds 10 --out "$OUT_DIR/streams.json"
want streams-realtime && "${JAVA[@]}" $B.StreamsBenchmark --sensors 200 --latency-rate 4000 --rounds 1 \
    --warmup-rounds 1 --skip-baseline --compare-guarantees --out "$OUT_DIR/streams-realtime.json"
want scale-out && "${JAVA[@]}" $B.ScaleOutBenchmark --sensors 200 --samples 3000 --rounds 2 --warmup-rounds 1 \
    --out "$OUT_DIR/scale-out.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
