"""Reference for bench/nngp.ts: the depth-3 ReLU NNGP kernel of the first n MNIST images and its
Cholesky factorisation plus a triangular solve, in PyTorch on the CPU, in float32 (the precision
of tfjs) and float64. Prints {"kernel", "chol", "kernel64", "chol64"} in seconds, once, or once
per round with --serve (bench/rounds.py).
Usage: /usr/bin/python3 bench/nngp_torch.py --images PATH --n 5000 [--threads 2]
"""
import argparse
import math
import time

import numpy as np
import torch
from idx import read_idx  # bench/idx.py
from rounds import serve  # bench/rounds.py


def relu_kernel(x, depth, sw2, sb2):
    k = sb2 + sw2 * (x @ x.T) / x.shape[1]
    for _ in range(depth):
        v = torch.diag(k)
        norms = torch.sqrt(torch.outer(v, v))
        theta = torch.acos(torch.clamp(k / norms, -1, 1))
        k = sb2 + sw2 * norms / (2 * math.pi) * (torch.sin(theta) + (math.pi - theta) * torch.cos(theta))
    return k


def timed(x, n):
    t0 = time.perf_counter()
    k = relu_kernel(x, 3, 2.0, 0.01)
    t1 = time.perf_counter()
    k.diagonal().add_(1e-3 * k.diagonal().mean())
    c = torch.linalg.cholesky(k)
    torch.linalg.solve_triangular(c, torch.ones(n, 10, dtype=x.dtype), upper=False)
    return t1 - t0, time.perf_counter() - t1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", required=True)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    pixels = read_idx(args.images).reshape(-1, 784)[: args.n].astype(np.float64) / 255.0
    x32, x64 = torch.tensor(pixels, dtype=torch.float32), torch.tensor(pixels, dtype=torch.float64)

    def measure():
        k32, c32 = timed(x32, args.n)
        k64, c64 = timed(x64, args.n)
        return {"kernel": k32, "chol": c32, "kernel64": k64, "chol64": c64}

    serve(measure)


if __name__ == "__main__":
    main()
