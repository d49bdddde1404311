#!/usr/bin/env python3
"""Torch 1.13 baseline for `efuf bench attention`: causal attention forward, F32, 2 threads.

torch 1.13 has no fused scaled_dot_product_attention, so this is the explicit
softmax(q k^T * scale + causal mask) v that eager code would run. GFLOP/s count only the visible
(query, key) pairs, 4 * D flops each, the same basis as the Java AttentionBench, so the numbers compare
directly (torch itself computes the full T x T scores). Prints lines like
  torch-attention b=16 h=4 t=64 d=64 threads=2 ms=1.23 gflops=45.6

Run:  /usr/bin/python3 scripts/bench/torch_attention.py  (unsets the OpenBLAS pinning variables itself: reference_env.py)
"""
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_env  # noqa: E402

reference_env.honest()  # re-runs without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (they pin OpenBLAS to an older kernel)
import torch  # noqa: E402  (after honest(): OpenMP and OpenBLAS read their variables at load)

THREADS = 2
SHAPES = [(16, 4, 64, 64), (1, 32, 600, 128)]  # batch, heads, sequence, head dim


def attention(q, k, v, bias, scale):
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale + bias
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def median_seconds(body, seconds=2.0):
    """Median per call after warm-up, repeating for about `seconds` (at least 3 calls), as BenchContext.time."""
    warm_end = time.perf_counter() + 0.3 * seconds
    while True:
        body()
        if time.perf_counter() >= warm_end:
            break
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < 3 or time.perf_counter() < end:
        t0 = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main():
    torch.set_num_threads(THREADS)
    reference_env.describe()
    torch.manual_seed(1)
    with torch.no_grad():
        for b, h, t, d in SHAPES:
            q, k, v = (torch.randn(b, h, t, d) for _ in range(3))
            bias = torch.full((t, t), float("-inf")).triu(1)
            scale = 1.0 / math.sqrt(d)
            s = median_seconds(lambda: attention(q, k, v, bias, scale))
            flops = 4.0 * b * h * d * t * (t + 1) / 2
            print(f"torch-attention b={b} h={h} t={t} d={d} threads={THREADS} ms={s * 1e3:.4g} gflops={flops / s / 1e9:.4g}", flush=True)


if __name__ == "__main__":
    main()
