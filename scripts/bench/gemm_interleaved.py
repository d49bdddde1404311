#!/usr/bin/python3
"""Square F32 GEMM, efuf4j against NumPy/OpenBLAS, in alternating short bursts.

Two ways of taking the output, each the same on both sides (--output):
    fresh     a new output array every call: NumPy's `a @ b` against the backend's matmul. This includes each
              runtime's allocator: NumPy gets back the block it freed a moment ago, still in cache, while the JVM
              hands out zeroed memory from the young generation, which moves on through memory from call to call.
    existing  the product written into one output array kept across calls: NumPy's `matmul(a, b, out=c)`, which
              calls OpenBLAS sgemm on `c` directly, against efuf4j's GEMM on a kept array: sgemm against sgemm.

B is row-major [k, n] (--layout rows, NumPy's `a @ b` on C-ordered arrays), or the transpose of a row-major [n, k]
weight (--layout weight: `x @ w.T`, a linear layer, the layout decoding multiplies by). Products MxKxN with M <= 4
exercise the matrix-vector paths.

On a shared machine the load from neighbours changes from one second to the next, so two benchmark runs made
minutes apart compare the neighbours as much as the kernels. Here each round runs a NumPy burst and an efuf4j
burst (org.efuf4j.tensor.cpu.GemmBursts, a long-lived JVM) back to back for every size; the report gives the
median over rounds of each side and the median of the per-round ratios.

NumPy also runs once more in its own process, with no JVM beside it (numpy_alone_gflops): a reference slowed by the
interleaving would flatter the ratio.

    /usr/bin/python3 scripts/bench/gemm_interleaved.py [--threads 2]
(the script unsets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE itself and prints the OpenBLAS core; see reference_env.py).
Needs the tensor module packaged (mvn -pl tensor -am package). Prints a header, then per size:
    gemm-interleaved n=1024 layout=rows threads=2 output=fresh rounds=9 numpy_gflops=110.2 efuf4j_gflops=101.7 ratio=0.92 ... numpy_alone_gflops=112.0
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_env  # noqa: E402

if __name__ == "__main__":
    reference_env.honest()
import numpy as np  # noqa: E402


def burst(call, seconds):
    """Median seconds per call of `call` over at least three calls and `seconds` of wall time."""
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < 3 or time.perf_counter() < end:
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def start_bursts_jvm(classpath, main_class, *args):
    """A long-lived JVM serving org.efuf4j.tensor.bench.Bursts requests, with the flags bin/efuf runs with (plus EFUF_JAVA_OPTS)."""
    java = os.path.join(os.environ.get("EFUF_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    return subprocess.Popen([java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                             "-XX:+UseParallelGC", "-XX:+AlwaysPreTouch", *os.environ.get("EFUF_JAVA_OPTS", "").split(),
                             "-cp", classpath, main_class, *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def request_burst(jvm, words, seconds):
    """Median seconds per call of the workload `words` over a burst of `seconds` in the Bursts JVM."""
    jvm.stdin.write(" ".join(str(w) for w in words) + f" {seconds}\n")
    jvm.stdin.flush()
    line = jvm.stdout.readline().strip()
    if not line.startswith("seconds="):
        raise SystemExit(f"the Bursts JVM answered {line!r}")
    return float(line.split("=", 1)[1])


def stop_bursts_jvm(jvm):
    jvm.stdin.write("\n")
    jvm.stdin.flush()
    jvm.wait(timeout=30)


def numpy_burst(a, b, out, seconds):
    if out is None:
        return burst(lambda: a @ b, seconds)
    return burst(lambda: np.matmul(a, b, out=out), seconds)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="256,512,1024,2048", help="square sizes n, or products MxKxN")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--seconds", type=float, default=0.6, help="length of each burst")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--output", choices=["fresh", "existing", "both"], default="both",
                   help="a new output array per call, one kept across calls, or both (see above)")
    p.add_argument("--layout", choices=["rows", "weight"], default="rows",
                   help="B row-major [k, n], or the transpose of a row-major [n, k] weight (a linear layer, as decoding uses)")
    p.add_argument("--alone", action="store_true", help="(internal) time NumPy only, in this process, and print JSON")
    args = p.parse_args()
    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads)  # OpenBLAS's pool size, whatever OPENBLAS_NUM_THREADS said at load
    if not args.alone:
        reference_env.describe()
    sizes = [tuple(int(d) for d in s.split("x")) if "x" in s else (int(s),) * 3 for s in args.sizes.split(",")]
    outputs = ["fresh", "existing"] if args.output == "both" else [args.output]
    rng = np.random.default_rng(1)
    def b_operand(k, n):
        if args.layout == "weight":
            return rng.uniform(-1, 1, (n, k)).astype(np.float32).T
        return rng.uniform(-1, 1, (k, n)).astype(np.float32)

    mats = {s: (rng.uniform(-1, 1, (s[0], s[1])).astype(np.float32), b_operand(s[1], s[2])) for s in sizes}
    kept = {s: np.zeros((s[0], s[2]), np.float32) for s in sizes}
    cases = [(n, o) for n in sizes for o in outputs]

    def numpy_case(case, seconds):
        n, output = case
        return 2.0 * n[0] * n[1] * n[2] / numpy_burst(*mats[n], kept[n] if output == "existing" else None, seconds) / 1e9

    if args.alone:
        alone = {}
        for case in cases:
            numpy_case(case, 0.3)
            alone[f"{case[0]}/{case[1]}"] = statistics.median(numpy_case(case, args.seconds) for _ in range(args.rounds))
        print(json.dumps(alone))
        return

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    jars = glob.glob(os.path.join(root, "tensor", "target", "efuf4j-tensor-*.jar"))
    jars = [j for j in jars if not j.endswith(("-sources.jar", "-tests.jar"))]
    if not jars:
        raise SystemExit("package the tensor module first (mvn -pl tensor -am package -DskipTests): no tensor/target/efuf4j-tensor-*.jar")
    jvm = start_bursts_jvm(jars[0], "org.efuf4j.tensor.cpu.GemmBursts", str(args.threads))

    def java_burst(shape, output, seconds):
        return 2.0 * shape[0] * shape[1] * shape[2] / request_burst(jvm, [*shape, output, args.layout], seconds) / 1e9

    for case in cases:  # warm both sides
        numpy_case(case, 0.3)
        java_burst(*case, 0.3)
    results = {case: ([], []) for case in cases}
    for r in range(args.rounds):
        for case in cases:
            first_numpy = r % 2 == 0  # alternate who goes first, so neither side always gets the fresher cache or clock
            if first_numpy:
                results[case][0].append(numpy_case(case, args.seconds))
                results[case][1].append(java_burst(*case, args.seconds))
            else:
                results[case][1].append(java_burst(*case, args.seconds))
                results[case][0].append(numpy_case(case, args.seconds))
    stop_bursts_jvm(jvm)
    # the reference alone, in a process of its own with no JVM running beside it
    alone_run = subprocess.run([sys.executable, os.path.abspath(__file__), "--alone", "--sizes", args.sizes, "--output", args.output,
                                "--layout", args.layout, "--threads", str(args.threads), "--rounds", "3", "--seconds", str(args.seconds)],
                               capture_output=True, text=True, check=True)
    alone = json.loads(alone_run.stdout.strip().splitlines()[-1])
    for (n, output) in cases:
        npy, ours = results[(n, output)]
        ratios = [o / q for o, q in zip(ours, npy)]
        size = f"n={n[0]}" if n[0] == n[1] == n[2] else f"m={n[0]} k={n[1]} n={n[2]}"
        print(f"gemm-interleaved {size} layout={args.layout} threads={args.threads} output={output} rounds={args.rounds} numpy_gflops={statistics.median(npy):.1f} "
              f"efuf4j_gflops={statistics.median(ours):.1f} ratio={statistics.median(ratios):.3f} "
              f"ratio_min={min(ratios):.3f} ratio_max={max(ratios):.3f} numpy_alone_gflops={alone[f'{n}/{output}']:.1f}", flush=True)


if __name__ == "__main__":
    main()
