#!/usr/bin/python3
"""numpy (OpenBLAS sgemm) reference numbers in the line format of the Java `gemm` bench suite.

Run with the BLAS tuning variables unset so OpenBLAS picks its own kernel, e.g.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 scripts/bench/numpy_gemm.py
Prints one line per size:  numpy-gemm n=1024 dtype=f32 threads=2 gflops=201.3
Timing matches BenchContext.time: warm-up, then the median of repeated calls over a time budget.
"""
import argparse
import os
import statistics
import time

import numpy as np


def median_seconds(body, seconds):
    warm_end = time.perf_counter() + seconds * 0.3
    body()
    while time.perf_counter() < warm_end:
        body()
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < 3 or time.perf_counter() < end:
        t0 = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="256,512,1024,2048")
    p.add_argument("--seconds", type=float, default=1.5, help="timed budget per size")
    args = p.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS", str(os.cpu_count()))
    rng = np.random.default_rng(0)
    for n in (int(s) for s in args.sizes.split(",")):
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        sec = median_seconds(lambda: np.matmul(a, b, out=c), args.seconds)
        print(f"numpy-gemm n={n} dtype=f32 threads={threads} gflops={2.0 * n ** 3 / sec / 1e9:.4g}", flush=True)


if __name__ == "__main__":
    main()
