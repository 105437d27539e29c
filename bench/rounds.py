"""Interleaved timing for the bench references. serve(measure) answers each line "round" on
stdin with one JSON line of measure()'s result ({key: seconds}), so that bench/rounds.ts can
alternate our rounds and PyTorch's in one run: slow phases of a shared VM then hit both sides.
Without --serve the script measures once and prints one line, as before.
"""
import json
import sys
import time


def serve(measure, argv=None):
    argv = sys.argv if argv is None else argv
    if "--serve" not in argv:
        print(json.dumps(measure()), flush=True)
        return
    print(json.dumps({"ready": True}), flush=True)
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
