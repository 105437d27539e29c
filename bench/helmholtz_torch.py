"""Reference for bench/helmholtz.ts: lecture 2's training steps on bars in PyTorch (Debian
python3-torch, CPU), batches of 100 binary 5x5 images, Adam: the sigmoid belief network 25-10 by
reweighted wake-sleep with 5 particles (p on the weighted particles, q half on them and half on
dreams), and the VAE 25-64-10 (tanh) on the 5-particle importance-weighted bound. Prints
{'sbn': s, 'iwae': s} per step as one JSON line, once, or once per round with --serve.
"""
import argparse
import math

import torch
import torch.nn.functional as F
from rounds import per_call, serve  # bench/rounds.py

ap = argparse.ArgumentParser()
ap.add_argument("--steps", type=int, default=300)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--serve", action="store_true")
args = ap.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
K, B, D, H = 5, 100, 25, 10


def bars(n):
    on = (torch.rand(n, 10) < 0.1).float()
    rows = on[:, :5].repeat_interleave(5, 1)  # pixel r*5+c is on if row r ...
    cols = on[:, 5:].repeat(1, 5)  # ... or column c
    return torch.clamp(rows + cols, max=1)


data = bars(10000)


def bern_logp(y, logits):
    return (y * logits - F.softplus(logits)).sum(-1)


top = torch.nn.Parameter(torch.zeros(H))
gen = torch.nn.Linear(H, D)
rec = torch.nn.Linear(D, H)
sbn_opt = torch.optim.Adam([top, *gen.parameters(), *rec.parameters()], lr=0.03)


def sbn_step():
    x = data[torch.randint(0, data.shape[0], (B,))]
    xs = x.repeat(K, 1)
    with torch.no_grad():
        h = torch.bernoulli(torch.sigmoid(rec(xs)))
    log_p = (bern_logp(h, top.expand_as(h)) + bern_logp(xs, gen(h))).view(K, B)
    log_q = bern_logp(h, rec(xs)).view(K, B)
    w = torch.softmax((log_p - log_q).detach(), 0)
    with torch.no_grad():  # dreams
        hd = torch.bernoulli(torch.sigmoid(top.expand(B, H)))
        xd = torch.bernoulli(torch.sigmoid(gen(hd)))
    sleep = -bern_logp(hd, rec(xd)).mean()
    loss = -(w * log_p).sum(0).mean() + 0.5 * (-(w * log_q).sum(0).mean() + sleep)
    sbn_opt.zero_grad()
    loss.backward()
    sbn_opt.step()
    return loss.item()


enc = torch.nn.Sequential(torch.nn.Linear(D, 64), torch.nn.Tanh(), torch.nn.Linear(64, 2 * H))
dec = torch.nn.Sequential(torch.nn.Linear(H, 64), torch.nn.Tanh(), torch.nn.Linear(64, D))
vae_opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=0.01)
LOG2PI = math.log(2 * math.pi)


def iwae_step():
    x = data[torch.randint(0, data.shape[0], (B,))]
    loc, log_scale = enc(x).chunk(2, -1)
    eps = torch.randn(K, B, H)
    z = loc + log_scale.exp() * eps
    log_q = (-0.5 * eps**2 - log_scale - 0.5 * LOG2PI).sum(-1)
    log_prior = (-0.5 * z**2 - 0.5 * LOG2PI).sum(-1)
    log_lik = bern_logp(x.expand(K, B, D), dec(z))
    bound = torch.logsumexp(log_lik + log_prior - log_q, 0) - math.log(K)
    loss = -bound.mean()
    vae_opt.zero_grad()
    loss.backward()
    vae_opt.step()
    return loss.item()


sbn_timed = per_call(sbn_step, args.steps, warmup=20)
iwae_timed = per_call(iwae_step, args.steps, warmup=20)
serve(lambda: {"sbn": sbn_timed(), "iwae": iwae_timed()})
