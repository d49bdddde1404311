#!/usr/bin/env bash
# Runs efuf4j's benchmark suites and the NumPy/PyTorch references back to back on this machine, so
# BENCHMARKS.md can quote both from one run. Output: one result line each, also saved to bench-results/.
# Usage: scripts/bench/side_by_side.sh [--quick]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
quick="${1:-}"
mkdir -p bench-results
out="bench-results/$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# $(date -u) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  # NumPy's OpenBLAS picks its own kernel only with the site tuning variables unset (see env notes).
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 scripts/bench/numpy_gemm.py
  bin/efuf bench --threads 2 $quick gemm matvec
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/bench/torch_attention.py
  bin/efuf bench --threads 2 $quick attention
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/bench/torch_train_step.py $quick
  bin/efuf bench --threads 2 $quick train-step elementwise
  # the same comparisons in alternating bursts: on a shared machine these ratios are the ones to quote
  if [ -z "$quick" ]; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 scripts/bench/gemm_interleaved.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/bench/gemm_interleaved.py --threads 1 --rounds 5 --sizes 256,1024
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/bench/train_step_interleaved.py
  fi
} 2>&1 | grep -vE '^WARNING|^\[' | tee "$out"
echo "saved $out" >&2
