#!/usr/bin/env bash
# Dataset formation on the default world's first N training images: in one process, then with the Spark engine on
# each master (default local[1] local[2]). Needs 'mvn package' (the spark module's jar and class path).
# Usage: scripts/bench/spark_scaling.sh [IMAGES] [MASTER...]    e.g. scripts/bench/spark_scaling.sh 96 local[1] local[2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${EFUF_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
images="${1:-96}"; shift || true
masters=("$@"); [ ${#masters[@]} -gt 0 ] || masters=("local[1]" "local[2]")
jar="$(ls "$root"/spark/target/efuf4j-spark-*.jar | grep -v -- '-app.jar' | head -1)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss8m -XX:+UseParallelGC \
  -Dlog4j2.level=warn ${EFUF_JAVA_OPTS:-} -cp "$jar:$(cat "$root/spark/target/classpath.txt")" \
  org.efuf4j.spark.ScalingBenchmark "$images" "$root/pretrained/world-seed-1" "$work" "${masters[@]}" 2> "$work/stderr.log" \
  > "$work/stdout.log" || { tail -40 "$work/stderr.log" >&2; exit 1; }
grep '^spark-scaling' "$work/stdout.log"
