"""Reference for bench/nngp.ts: the depth-3 ReLU NNGP kernel of n MNIST-like inputs and its
Cholesky solve with numpy/scipy (float64 and float32), timed. Prints one JSON line per size.
Usage: /usr/bin/python3 bench/nngp_numpy.py --images PATH --sizes 2000,5000
"""
import argparse
import json
import time

import numpy as np
from scipy import linalg
from idx import read_idx  # bench/idx.py


def relu_kernel(x, depth, sw2, sb2):
    d = x.shape[1]
    k = sb2 + sw2 * (x @ x.T) / d
    for _ in range(depth):
        v = np.diag(k)
        norms = np.sqrt(np.outer(v, v))
        theta = np.arccos(np.clip(k / norms, -1, 1))
        k = sb2 + sw2 * norms / (2 * np.pi) * (np.sin(theta) + (np.pi - theta) * np.cos(theta))
    return k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", required=True)
    ap.add_argument("--sizes", default="2000,5000")
    args = ap.parse_args()
    x_all = read_idx(args.images).reshape(-1, 784).astype(np.float64) / 255.0
    for n in [int(s) for s in args.sizes.split(",")]:
        for dtype in (np.float64, np.float32):
            x = x_all[:n].astype(dtype)
            t0 = time.perf_counter()
            k = relu_kernel(x, 3, 2.0, 0.01).astype(dtype)
            t1 = time.perf_counter()
            k[np.diag_indices(n)] += dtype(1e-3) * np.mean(np.diag(k))
            c = linalg.cholesky(k, lower=True)
            y = np.ones((n, 10), dtype=dtype)
            linalg.solve_triangular(c, y, lower=True)
            t2 = time.perf_counter()
            print(json.dumps({"n": n, "impl": f"numpy/scipy {np.dtype(dtype).name}", "kernelSeconds": t1 - t0, "choleskySeconds": t2 - t1}))


if __name__ == "__main__":
    main()
