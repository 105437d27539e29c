"""Reference for bench/helmholtz.ts: lecture 2's training steps on bars in PyTorch (Debian
python3-torch, CPU), batches of 100 binary 5x5 images, Adam: the sigmoid belief network 25-10 by
reweighted wake-sleep with 5 particles (p on the weighted particles, q half on them and half on
dreams), and the VAE 25-64-10 (tanh) on the 5-particle importance-weighted bound; and the same two
methods at the size of the MNIST comparison: the SBN 784-200-200-200 and the VAE 784-200-200-50 on
binary 784-pixel batches. Prints {'sbn': s, 'iwae': s, 'sbn_mnist': s, 'iwae_mnist': s} per step as
one JSON line, once, or once per round with --serve.
"""
import math

import torch
import torch.nn.functional as F
from rounds import per_call, reference_args, serve  # bench/rounds.py

args = reference_args(steps=300, mnist_steps=30)
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
    # q's logits draw the particles and score them, computed once per row of x (lib/helmholtz's drawRecognition)
    logits = rec(x).repeat(K, 1)
    h = torch.bernoulli(torch.sigmoid(logits.detach()))
    log_p = (bern_logp(h, top.expand_as(h)) + bern_logp(xs, gen(h))).view(K, B)
    log_q = bern_logp(h, logits).view(K, B)
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


# the MNIST sizes: binary pixels on with probability 0.13, about MNIST's share of ink
pixels = (torch.rand(10000, 784) < 0.13).float()
SIZES = [784, 200, 200, 200]
deep_top = torch.nn.Parameter(torch.zeros(SIZES[-1]))
deep_gen = torch.nn.ModuleList(torch.nn.Linear(SIZES[l + 1], SIZES[l]) for l in range(3))
deep_rec = torch.nn.ModuleList(torch.nn.Linear(SIZES[l], SIZES[l + 1]) for l in range(3))
deep_opt = torch.optim.Adam([deep_top, *deep_gen.parameters(), *deep_rec.parameters()], lr=1e-3)


def deep_log_joint(x, hs):
    logp = bern_logp(hs[-1], deep_top.expand_as(hs[-1]))
    below = [x, *hs[:-1]]
    return logp + sum(bern_logp(below[l], deep_gen[l](hs[l])) for l in range(3))


def deep_log_rec(x, hs):
    above = [x, *hs[:-1]]
    return sum(bern_logp(hs[l], deep_rec[l](above[l])) for l in range(3))


def deep_draw_rec(x):
    """K particles h ~ q(h | x) per row and log q(h | x), each layer scored by the logits that drew
    it; the first layer's logits are the same for every copy of a row, so they are computed once."""
    hs, h, log_q = [], None, 0
    for l, layer in enumerate(deep_rec):
        logits = layer(x).repeat(K, 1) if l == 0 else layer(h)
        h = torch.bernoulli(torch.sigmoid(logits.detach()))
        log_q = log_q + bern_logp(h, logits)
        hs.append(h)
    return hs, log_q


def deep_dream(n):
    h = torch.bernoulli(torch.sigmoid(deep_top.expand(n, SIZES[-1])))
    hs = [h]
    for l in (2, 1):
        h = torch.bernoulli(torch.sigmoid(deep_gen[l](h)))
        hs.insert(0, h)
    return torch.bernoulli(torch.sigmoid(deep_gen[0](h))), hs


def sbn_mnist_step():
    x = pixels[torch.randint(0, pixels.shape[0], (B,))]
    xs = x.repeat(K, 1)
    hs, log_q = deep_draw_rec(x)
    with torch.no_grad():
        xd, hd = deep_dream(B)
    log_p = deep_log_joint(xs, hs).view(K, B)
    log_q = log_q.view(K, B)
    w = torch.softmax((log_p - log_q).detach(), 0)
    sleep = -deep_log_rec(xd, hd).mean()
    loss = -(w * log_p).sum(0).mean() + 0.5 * (-(w * log_q).sum(0).mean() + sleep)
    deep_opt.zero_grad()
    loss.backward()
    deep_opt.step()
    return loss.item()


L = 50
menc = torch.nn.Sequential(torch.nn.Linear(784, 200), torch.nn.Tanh(), torch.nn.Linear(200, 200), torch.nn.Tanh(), torch.nn.Linear(200, 2 * L))
mdec = torch.nn.Sequential(torch.nn.Linear(L, 200), torch.nn.Tanh(), torch.nn.Linear(200, 200), torch.nn.Tanh(), torch.nn.Linear(200, 784))
mvae_opt = torch.optim.Adam([*menc.parameters(), *mdec.parameters()], lr=1e-3)


def iwae_mnist_step():
    x = pixels[torch.randint(0, pixels.shape[0], (B,))]
    loc, raw = menc(x).chunk(2, -1)
    scale = F.softplus(raw) + 1e-4
    eps = torch.randn(K, B, L)
    z = loc + scale * eps
    log_q = (-0.5 * eps**2 - scale.log() - 0.5 * LOG2PI).sum(-1)
    log_prior = (-0.5 * z**2 - 0.5 * LOG2PI).sum(-1)
    log_lik = bern_logp(x.expand(K, B, 784), mdec(z))
    loss = -(torch.logsumexp(log_lik + log_prior - log_q, 0) - math.log(K)).mean()
    mvae_opt.zero_grad()
    loss.backward()
    mvae_opt.step()
    return loss.item()


sbn_timed = per_call(sbn_step, args.steps, warmup=20)
iwae_timed = per_call(iwae_step, args.steps, warmup=20)
sbn_mnist_timed = per_call(sbn_mnist_step, args.mnist_steps, warmup=5)
iwae_mnist_timed = per_call(iwae_mnist_step, args.mnist_steps, warmup=5)
serve(lambda: {"sbn": sbn_timed(), "iwae": iwae_timed(), "sbn_mnist": sbn_mnist_timed(), "iwae_mnist": iwae_mnist_timed()})
