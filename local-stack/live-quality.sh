#!/usr/bin/env bash
# The live-quality benchmark of issue 11: builds the local stack, then runs it in real time three times
# (example scenario, --random-faults 8, fault-free) and writes docs/benchmarks/live-quality.json with the
# targets and pass/fail per target. Flags go to io.hybridcast.local.bench.LiveQualityBenchmark (try --help);
# e.g. a quick check: local-stack/live-quality.sh --example-seconds 60 --random-seconds 60 --fault-free-seconds 60 --out /tmp/lq.json
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  mvn -B -q -DskipTests -pl local-stack -am package
fi
mkdir -p .cache/djl
exec nice -n 5 java -cp "local-stack/target/test-classes:local-stack/target/local-stack.jar:local-stack/target/lib/*" \
  io.hybridcast.local.bench.LiveQualityBenchmark "$@"
