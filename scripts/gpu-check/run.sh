#!/usr/bin/env bash
# Runs efuf's GPU check from the bundle made by prepare.sh, on a Linux machine with a GPU driver and no Java:
# lists OpenCL devices, checks every kernel family against the CPU backend, times F32 GEMM at 4096 and
# attention. Extra arguments go to `efuf gpu-check` (e.g. --device opencl:1).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LD_LIBRARY_PATH="$here/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The ICD loader finds vendor drivers through /etc/OpenCL/vendors; NVIDIA containers often ship the
# driver library without that file, so point the loader at it directly when needed.
if ! ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1 && [ -z "${OCL_ICD_VENDORS:-}" ]; then
  lib="$( (ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so/ {print $NF; exit}'); ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so* /usr/lib64/libnvidia-opencl.so* 2>/dev/null | head -1 )"
  lib="$(echo "$lib" | head -1)"
  if [ -n "$lib" ]; then
    vendors="$(mktemp -d)"
    echo "$lib" > "$vendors/nvidia.icd"
    export OCL_ICD_VENDORS="$vendors"
    echo "run.sh: using NVIDIA OpenCL driver $lib" >&2
  fi
fi
tmp="$(mktemp -d)"
# keep the JVM's signal handlers first if the OpenCL driver's compiler installs its own (see ../.bin/efuf)
if [ -f "$here/jre/lib/libjsig.so" ]; then export LD_PRELOAD="$here/jre/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"; fi
exec "$here/jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$tmp" \
  -cp "$here/lib/*" org.efuf4j.cli.GpuCheck "$@"
