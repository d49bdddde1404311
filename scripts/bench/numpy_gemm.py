#!/usr/bin/python3
"""numpy (OpenBLAS sgemm) reference numbers in the line format of the Java `gemm` bench suite.

OpenBLAS picks its own kernel: the script re-runs itself without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (reference_env),
and prints the core it ran first, e.g.
    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 scripts/bench/numpy_gemm.py
Prints one line per size:  numpy-gemm n=1024 dtype=f32 threads=2 gflops=201.3 cpu_gflops=100.2
gflops is from the median wall time per call (as BenchContext.time), cpu_gflops from process CPU time per
call: on a shared, overloaded machine only the latter compares kernels fairly.
Debian's /usr/bin/python3 numpy links whichever BLAS the alternatives name: install libopenblas0-pthread (without it,
the reference BLAS runs at ~2 GFLOP/s); the printed header says which core ran.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_env  # noqa: E402

reference_env.honest()
import numpy as np  # noqa: E402


def timing(body, seconds):
    """(median wall seconds per call, process CPU seconds per call over the whole run)."""
    cpu0 = time.process_time()
    calls = 0
    warm_end = time.perf_counter() + seconds * 0.3
    while True:
        body()
        calls += 1
        if time.perf_counter() >= warm_end:
            break
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < 3 or time.perf_counter() < end:
        t0 = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t0)
    calls += len(samples)
    return statistics.median(samples), (time.process_time() - cpu0) / calls


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="256,512,1024,2048")
    p.add_argument("--seconds", type=float, default=1.5, help="timed budget per size")
    args = p.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", str(os.cpu_count()))
    reference_env.describe()
    rng = np.random.default_rng(0)
    for n in (int(s) for s in args.sizes.split(",")):
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        wall, cpu = timing(lambda: np.matmul(a, b, out=c), args.seconds)
        flops = 2.0 * n ** 3
        print(f"numpy-gemm n={n} dtype=f32 threads={threads} gflops={flops / wall / 1e9:.4g} cpu_gflops={flops / cpu / 1e9:.4g}", flush=True)


if __name__ == "__main__":
    main()
