"""Reference: the lecture's VAE training step in PyTorch (Debian python3-torch, CPU), same
architecture, loss, optimizer and batch as lib/vae. Prints one JSON line per model.
Usage: /usr/bin/python3 bench/vae_step_torch.py --steps 200 --threads 2 --model 784-512,256-32
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn.functional as F
from idx import read_idx  # bench/idx.py
from torch_nn import mlp  # bench/torch_nn.py


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--model", action="append", required=True, help="data-hidden,hidden-latent, e.g. 784-512,256-32")
    ap.add_argument("--images", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x_all = torch.from_numpy(read_idx(args.images).reshape(-1, 784).astype(np.float32) / 255.0)
    for spec in args.model:
        data_dim, hidden, latent = spec.split("-")
        hidden = [int(h) for h in hidden.split(",")]
        data_dim, latent = int(data_dim), int(latent)
        enc = mlp([data_dim, *hidden, 2 * latent])
        dec = mlp([latent, *reversed(hidden), data_dim])
        opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)

        def step(i):
            idx = torch.randint(0, x_all.shape[0], (args.batch,))
            x = torch.bernoulli(x_all[idx])
            mu, raw = enc(x).chunk(2, dim=1)
            scale = F.softplus(raw) + 1e-4
            z = mu + scale * torch.randn_like(mu)
            rec = -F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(1)
            kl = 0.5 * (scale.pow(2) + mu.pow(2) - 1 - 2 * scale.log()).sum(1)
            loss = -(rec - kl).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()

        for i in range(10):
            step(i)  # warm-up
        start = time.perf_counter()
        for i in range(args.steps):
            step(i)
        seconds = time.perf_counter() - start
        print(json.dumps({"model": spec, "backend": f"pytorch {torch.__version__} ({args.threads} threads)",
                          "msPerStep": 1000 * seconds / args.steps, "stepsPerSecond": args.steps / seconds}))


if __name__ == "__main__":
    main()
