"""Reference for bench/lottery.ts: one training step of the masked LeNet-300-100 of lecture 15 in
PyTorch (Debian python3-torch, CPU): weights times a fixed mask of 7 % of the weights, ReLU,
softmax cross-entropy, Adam at 1.2e-3, minibatches of 60 MNIST digits. Prints {'lenet': seconds per
step} as one JSON line, once, or once per round with --serve (bench/rounds.py).
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F
from idx import read_idx  # bench/idx.py
from rounds import per_call, serve  # bench/rounds.py

ap = argparse.ArgumentParser()
ap.add_argument("--steps", type=int, default=200)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--images", required=True)
ap.add_argument("--labels", required=True)
ap.add_argument("--serve", action="store_true")
args = ap.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
x_all = torch.from_numpy(read_idx(args.images).reshape(-1, 784).astype(np.float32) / 255.0)
y_all = torch.from_numpy(read_idx(args.labels).astype(np.int64))
sizes = [784, 300, 100, 10]
weights = [torch.nn.Parameter(torch.randn(a, b) * (2 / (a + b)) ** 0.5) for a, b in zip(sizes, sizes[1:])]
biases = [torch.nn.Parameter(torch.zeros(b)) for b in sizes[1:]]
masks = [(torch.rand(a, b) < 0.07).float() for a, b in zip(sizes, sizes[1:])]
opt = torch.optim.Adam(weights + biases, lr=1.2e-3)


def step():
    idx = torch.randint(0, x_all.shape[0], (60,))
    h = x_all[idx]
    for i, (w, b, m) in enumerate(zip(weights, biases, masks)):
        h = h @ (w * m) + b
        if i < 2:
            h = F.relu(h)
    loss = F.cross_entropy(h, y_all[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


timed = per_call(step, args.steps, warmup=20)
serve(lambda: {"lenet": timed()})
