"""Reference: the lecture's VAE training step in PyTorch (Debian python3-torch, CPU), same
architecture, loss, optimizer and batch as lib/vae. Prints {model: seconds per step} as one JSON
line, once, or once per round with --serve (bench/rounds.py).
Usage: /usr/bin/python3 bench/vae_step_torch.py --steps 200 --threads 2 --model 784-512,256-32
"""
import argparse

import numpy as np
import torch
import torch.nn.functional as F
from idx import read_idx  # bench/idx.py
from torch_nn import mlp  # bench/torch_nn.py
from rounds import per_call, serve  # bench/rounds.py


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--model", action="append", required=True, help="data-hidden,hidden-latent, e.g. 784-512,256-32")
    ap.add_argument("--images", required=True)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x_all = torch.from_numpy(read_idx(args.images).reshape(-1, 784).astype(np.float32) / 255.0)
    timers = {}
    for spec in args.model:
        timers[spec] = stepper(spec, x_all, args)
    serve(lambda: {spec: timed() for spec, timed in timers.items()})


def stepper(spec, x_all, args):
    """A function timing args.steps training steps of the model (after 10 warm-up steps)."""
    data_dim, hidden, latent = spec.split("-")
    hidden = [int(h) for h in hidden.split(",")]
    data_dim, latent = int(data_dim), int(latent)
    enc = mlp([data_dim, *hidden, 2 * latent])
    dec = mlp([latent, *reversed(hidden), data_dim])
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)

    def step():
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

    return per_call(step, args.steps, warmup=10)


if __name__ == "__main__":
    main()
