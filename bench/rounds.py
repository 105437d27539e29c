"""Interleaved timing for the bench references. serve(measure) answers each line "round" on
stdin with one JSON line of measure()'s result ({key: seconds}), so that bench/rounds.ts can
alternate our rounds and PyTorch's in one run: slow phases of a shared VM then hit both sides.
Its first line says the reference is ready and how it runs: torch's threads, oneDNN, and the BLAS
library with the kernel it chose for this processor (threadpoolctl, where installed).
Without --serve the script measures once and prints one line.
"""
import json
import sys
import time


def reference_args(steps, **counts):
    """The options every reference takes (--steps, --threads, --serve) plus integer `counts` given
    with their defaults (e.g. mnist_steps=30 for --mnist-steps); sets torch's threads and seed."""
    import argparse
    import torch
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=steps)
    for name, default in counts.items():
        ap.add_argument("--" + name.replace("_", "-"), type=int, default=default)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    return args


def setup():
    """How this reference runs: torch's version and threads, oneDNN, and each BLAS library loaded."""
    import torch
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(),
           "onednn": bool(torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled)}
    try:
        from threadpoolctl import threadpool_info
        out["blas"] = [{k: info.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                       for info in threadpool_info() if info.get("user_api") == "blas"]
    except ImportError:
        out["blas"] = "threadpoolctl is not installed (apt-get install python3-threadpoolctl)"
    return out


def serve(measure, argv=None):
    argv = sys.argv if argv is None else argv
    if "--serve" not in argv:
        print(json.dumps(measure()), flush=True)
        return
    print(json.dumps({"ready": True, "setup": setup()}), flush=True)
    for line in sys.stdin:
        if line.strip() == "round":
            print(json.dumps(measure()), flush=True)


def per_call(step, calls, warmup=0):
    """A function that runs step() `calls` times and returns the seconds per call, after `warmup`
    untimed calls made once, here."""
    for _ in range(warmup):
        step()
    def timed():
        t0 = time.perf_counter()
        for _ in range(calls):
            step()
        return (time.perf_counter() - t0) / calls
    return timed
