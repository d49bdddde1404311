#!/usr/bin/env bash
# Builds the self-contained GPU check bundle in gpu-check-bundle/ (git-ignored): a jlinked Java 25
# runtime, the project jars and the OpenCL ICD loader, so a GPU machine with only its vendor driver can
# run `gpu-check-bundle/run.sh`. Run from anywhere on the development machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${EFUF_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
out="$root/gpu-check-bundle"
(cd "$root" && JAVA_HOME="$JAVA_HOME" mvn -q -B package -DskipTests)
rm -rf "$out"
mkdir -p "$out/lib" "$out/native"
# Only the engine's jars: the check never loads models, plots or the CLI framework (64 MiB carry limit).
cp "$root"/cli/target/efuf4j-cli-*.jar "$out/lib/"
for j in efuf4j-tensor efuf4j-autograd efuf4j-gpu-backends jocl jackson-core jackson-databind jackson-annotations; do
  cp "$root"/cli/target/lib/$j-*.jar "$out/lib/"
done
# The modules the engine and its libraries use; debug data and headers stripped to keep the bundle small.
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector,jdk.unsupported \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$out/jre"
loader="$(ldconfig -p | awk '/libOpenCL.so.1 .*x86-64/ {print $NF; exit}')"
if [ -z "$loader" ]; then echo "prepare: install ocl-icd-libopencl1 first (the OpenCL ICD loader)" >&2; exit 2; fi
cp -L "$loader" "$out/native/libOpenCL.so.1"
cp -L "$loader" "$out/native/libOpenCL.so"
cp "$root/scripts/gpu-check/run.sh" "$out/run.sh"
chmod +x "$out/run.sh"
du -sh "$out"
