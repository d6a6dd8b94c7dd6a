#!/usr/bin/env bash
# The main job: builds what is needed, then runs the whole local stack on an embedded Kafka broker.
# Flags after the script name go to the local stack (try --help).
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests -pl local-stack -am package
mkdir -p .cache/djl
exec java -Xmx4g --add-modules jdk.incubator.vector \
  -Dai.djl.offline=true -DDJL_CACHE_DIR="$PWD/.cache/djl" -Djna.tmpdir="$PWD/.cache/djl/jna" \
  -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -jar local-stack/target/local-stack.jar "$@"
