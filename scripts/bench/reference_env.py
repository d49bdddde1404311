"""The conditions every NumPy/PyTorch reference runs under, and the line that records them.

A comparison is only honest when the reference runs the kernel its library would pick on this CPU. Site tuning
variables such as OPENBLAS_CORETYPE=Haswell (set on some development machines) pin OpenBLAS to an older kernel: torch's
train step took 225 ms with it against 143-150 without on an AVX-512 host. `honest()`, called before numpy or torch
is imported, re-runs the script without them when they are set, and asks OpenMP to sleep rather than spin between
regions (OMP_WAIT_POLICY=PASSIVE: a spinning reference steals the core the other side of an interleaved run needs).
`describe()` prints the BLAS core the reference really ran (threadpoolctl) and whether the CPU has AVX-512.
"""
import os
import platform
import sys

PINNING = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


# Set to an OpenBLAS core name (e.g. Haswell) to stand an AVX-512 host in for an AVX2 one on purpose, beside the JVM run
# with -XX:UseAVX=2 (EFUF_JAVA_OPTS): both sides then run their AVX2 kernels. describe() prints it as a choice.
STAND_IN = "EFUF_REFERENCE_CORETYPE"


def honest():
    """Re-executes this script without the OpenBLAS pinning variables, with OMP_WAIT_POLICY=PASSIVE; returns when clean.

    With EFUF_REFERENCE_CORETYPE set, OPENBLAS_CORETYPE is that core instead (and OPENBLAS_L2_SIZE unset)."""
    wanted = {"OPENBLAS_CORETYPE": os.environ[STAND_IN]} if os.environ.get(STAND_IN) else {}
    wrong = [v for v in PINNING if os.environ.get(v) != wanted.get(v)]
    if wrong or os.environ.get("OMP_WAIT_POLICY") != "PASSIVE":
        if "numpy" in sys.modules or "torch" in sys.modules:
            raise RuntimeError("reference_env.honest() must run before numpy or torch is imported: OpenBLAS reads its variables at load")
        env = {k: v for k, v in os.environ.items() if k not in PINNING}
        env.update(wanted)
        env["OMP_WAIT_POLICY"] = "PASSIVE"
        unset = [v for v in wrong if v in os.environ and v not in wanted]
        if unset:
            print(f"# reference: unset {' '.join(unset)} (they pin OpenBLAS to another CPU's kernel)", file=sys.stderr, flush=True)
        if wanted:
            print(f"# reference: OPENBLAS_CORETYPE={wanted['OPENBLAS_CORETYPE']} on purpose ({STAND_IN}: this host stands in for another kind)",
                  file=sys.stderr, flush=True)
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " avx512f" in line for line in f)
    except OSError:
        return False


def describe(prefix="reference"):
    """One line: python, numpy/torch versions, the BLAS libraries threadpoolctl sees with their core and threads, AVX-512."""
    parts = [prefix, f"python={platform.python_version()}", f"avx512={'yes' if cpu_has_avx512() else 'no'}"]
    if "numpy" in sys.modules:
        parts.append(f"numpy={sys.modules['numpy'].__version__}")
    if "torch" in sys.modules:
        parts.append(f"torch={sys.modules['torch'].__version__}")
    try:
        from threadpoolctl import threadpool_info
        libs = threadpool_info()
        for lib in libs:
            parts.append(f"{lib.get('internal_api')}={lib.get('version')}:{lib.get('architecture', '-')}:threads={lib.get('num_threads')}")
        # without an optimised BLAS NumPy falls back to the reference BLAS (netlib), about 10x slower: a ratio against it
        # says nothing about efuf4j
        if "numpy" in sys.modules and not any(lib.get("internal_api") in ("openblas", "mkl", "blis") for lib in libs):
            sys.exit(" ".join(parts) + "\nreference_env: NumPy runs on the reference BLAS (threadpoolctl sees no OpenBLAS, MKL or BLIS);"
                     " install libopenblas0-pthread (apt) and run again")
    except ImportError:
        parts.append("blas_core=unknown(install python3-threadpoolctl)")
    for v in PINNING:
        parts.append(f"{v}={os.environ.get(v, 'unset')}")
    if os.environ.get(STAND_IN):
        parts.append(f"{STAND_IN}={os.environ[STAND_IN]}(stand-in)")
    print("# " + " ".join(parts), flush=True)
