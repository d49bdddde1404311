#!/bin/sh
# Runs tensor-module bench suites by name, e.g. scripts/bench/run_suite.sh gemm matvec [--quick] [--threads 2]
# Build first: mvn -o -q install -DskipTests -pl tensor
set -e
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g \
  -cp tensor/target/classes scripts/bench/RunSuite.java "$@" 2>&1 | grep -v 'incubator'
