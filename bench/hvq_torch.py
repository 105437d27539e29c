"""Reference for bench/hvq.ts: the hierarchical VQ-VAE lecture's training steps in PyTorch (Debian
python3-torch, CPU), written out here: the two-level VQ-VAE (8x8 windows of a 7x7 grid through a
64-128 cell encoder, a 784-256-64 top encoder to 4 codes of 16, the top's 16-wide message to every
cell, codebooks of 128 with EMA updates, a 848-512-784 decoder, Bernoulli loss plus 0.25 commitment)
and its one-level twin (190 codes, no top); the bottom prior (each cell's 12 causal neighbours as
codebook vectors with an outside flag, its position and the 4 top vectors, 317-256-256-128) on 32
images; the top prior (a causal pre-norm Transformer, width 64, 4 heads, 2 layers, learned
positions) on 128 rows of 4 codes; the VAE-GAN step (784-512-256-32 VAE, 784-256-256-1
discriminator, weight 50). Batches are drawn from 5,000 images and binarized each step; Adam.
Prints {model: seconds per step} as one JSON line, once, or once per round with --serve.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from rounds import per_call, reference_args, serve  # bench/rounds.py
from torch_nn import mlp  # bench/torch_nn.py

args = reference_args(steps=30)
D, GRID, WINDOW, CELLS = 16, 7, 8, 49
images = torch.rand(5000, 784)


def window_index():
    idx = []
    for gi in range(GRID):
        for gj in range(GRID):
            for wi in range(WINDOW):
                for wj in range(WINDOW):
                    r, c = gi * 4 - 2 + wi, gj * 4 - 2 + wj
                    idx.append(r * 28 + c if 0 <= r < 28 and 0 <= c < 28 else 784)
    return torch.tensor(idx)


WINDOWS = window_index()


class Quantizer:
    def __init__(self, k, decay=0.99, eps=1e-5):
        self.codes = torch.randn(k, D) * 0.1
        self.counts, self.sums, self.decay, self.eps = torch.ones(k), self.codes.clone(), decay, eps

    def __call__(self, z):
        idx = torch.cdist(z.detach(), self.codes).argmin(1)
        e = self.codes[idx]
        return z + (e - z).detach(), ((z - e) ** 2).sum(1).mean(), idx

    @torch.no_grad()
    def ema(self, z, idx):
        one_hot = F.one_hot(idx, self.codes.shape[0]).float()
        self.counts.mul_(self.decay).add_((1 - self.decay) * one_hot.sum(0))
        self.sums.mul_(self.decay).add_((1 - self.decay) * one_hot.t() @ z.detach())
        n = self.counts.sum()
        self.codes = self.sums / ((self.counts + self.eps) / (n + self.codes.shape[0] * self.eps) * n)[:, None]


class HierarchicalVq(nn.Module):
    def __init__(self, top_codes, bottom_k):
        super().__init__()
        self.top_codes = top_codes
        message = 16 if top_codes else 0
        self.cell = nn.Sequential(nn.Linear(WINDOW * WINDOW, 128), nn.ReLU())
        self.cell_out = nn.Linear(128 + message, D)
        self.decoder = mlp([(CELLS + top_codes) * D, 512, 784])
        self.bottom = Quantizer(bottom_k)
        if top_codes:
            self.top_encoder = mlp([784, 256, top_codes * D])
            self.to_cells = nn.Sequential(nn.Linear(top_codes * D, CELLS * message), nn.ReLU())
            self.top = Quantizer(128)

    def loss(self, x):
        b = x.shape[0]
        h = self.cell(torch.cat([x, torch.zeros(b, 1)], 1)[:, WINDOWS].view(-1, WINDOW * WINDOW))
        commit, parts, assigned = 0, [], []
        if self.top_codes:
            zt = self.top_encoder(x).view(-1, D)
            qt, ct, it = self.top(zt)
            h = torch.cat([h, self.to_cells(qt.view(b, -1)).view(b * CELLS, -1)], 1)
            commit, assigned = ct * self.top_codes, [(self.top, zt, it)]
        zb = self.cell_out(h)
        qb, cb, ib = self.bottom(zb)
        parts = [qb.view(b, -1)] + ([qt.view(b, -1)] if self.top_codes else [])
        logits = self.decoder(torch.cat(parts, 1))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1).mean()
        return rec + 0.25 * (commit + cb * CELLS), assigned + [(self.bottom, zb, ib)]


def vq_stepper(model):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        x = torch.bernoulli(images[torch.randint(0, 5000, (128,))])
        loss, assigned = model.loss(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        for q, z, idx in assigned:
            q.ema(z, idx)
        return loss.item()

    return step


def bottom_prior_stepper(k=128, top_codes=4, radius=2, batch=32):
    offsets = [(di, dj) for di in range(-radius, 0) for dj in range(-radius, radius + 1)] + [(0, dj) for dj in range(-radius, 0)]
    bottom_codes, top_codes_book = torch.randn(k + 1, D), torch.randn(128, D)
    bottom_codes[k] = 0  # the outside marker's vector
    neighbour = torch.full((CELLS, len(offsets)), CELLS, dtype=torch.long)
    for c in range(CELLS):
        i, j = divmod(c, GRID)
        for n, (di, dj) in enumerate(offsets):
            if i + di >= 0 and 0 <= j + dj < GRID:
                neighbour[c, n] = (i + di) * GRID + j + dj
    codes = torch.randint(0, k, (5000, CELLS))
    tops = torch.randint(0, 128, (5000, top_codes))
    net = mlp([len(offsets) * (D + 1) + CELLS + top_codes * D, 256, 256, k])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    eye = torch.eye(CELLS)

    def step():
        rows = torch.randint(0, 5000, (batch,))
        grid = torch.cat([codes[rows], torch.full((batch, 1), k)], 1)[:, neighbour]  # [batch, cells, neighbours]
        feats = torch.cat([bottom_codes[grid], (grid == k).float()[..., None]], 3).view(batch, CELLS, -1)
        ctx = top_codes_book[tops[rows]].view(batch, 1, -1).expand(batch, CELLS, -1)
        x = torch.cat([feats, eye.expand(batch, CELLS, CELLS), ctx], 2).view(batch * CELLS, -1)
        loss = F.cross_entropy(net(x), codes[rows].view(-1), reduction="sum") / batch
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


class Block(nn.Module):
    def __init__(self, width=64, heads=4, ff=128):
        super().__init__()
        self.heads = heads
        self.qkv, self.o = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.n1, self.n2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.ff = nn.Sequential(nn.Linear(width, ff), nn.ReLU(), nn.Linear(ff, width))

    def forward(self, x):
        b, t, w = x.shape
        q, k, v = (s.view(b, t, self.heads, -1).transpose(1, 2) for s in self.qkv(self.n1(x)).split(w, 2))
        scores = q @ k.transpose(-1, -2) / math.sqrt(w // self.heads) + torch.triu(torch.full((t, t), -1e9), 1)
        x = x + self.o((torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b, t, w))
        return x + self.ff(self.n2(x))


def top_prior_stepper(k=128, t=4, width=64, batch=128):
    emb, pos = nn.Parameter(torch.randn(k + 1, width) * 0.1), nn.Parameter(torch.randn(t, width) * 0.1)
    blocks, norm, readout = nn.ModuleList(Block() for _ in range(2)), nn.LayerNorm(width), nn.Linear(width, k + 1)
    params = [emb, pos, *blocks.parameters(), *norm.parameters(), *readout.parameters()]
    opt = torch.optim.Adam(params, lr=1e-3)
    codes = torch.randint(0, k, (5000, t))

    def step():
        rows = codes[torch.randint(0, 5000, (batch,))]
        tokens = torch.cat([torch.full((batch, 1), k), rows[:, :-1]], 1)
        h = F.one_hot(tokens, k + 1).float() @ emb + pos
        for blk in blocks:
            h = blk(h)
        logits = readout(norm(h))[..., :k]
        loss = F.cross_entropy(logits.reshape(-1, k), rows.reshape(-1), reduction="sum") / batch
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def vae_gan_stepper(weight=50.0, batch=128):
    enc, dec, disc = mlp([784, 512, 256, 64]), mlp([32, 256, 512, 784]), mlp([784, 256, 256, 1])
    opt, dopt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=1e-4), torch.optim.Adam(disc.parameters(), lr=1e-4)

    def step():
        real = images[torch.randint(0, 5000, (batch,))]
        x = torch.bernoulli(real)
        mu, raw = enc(x).chunk(2, 1)
        sigma = F.softplus(raw) + 1e-4
        z = mu + sigma * torch.randn_like(mu)
        rec = F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(1)
        kl = 0.5 * (mu ** 2 + sigma ** 2 - 1).sum(1) - sigma.log().sum(1)
        fake = torch.sigmoid(dec(torch.randn(batch, 32)))
        loss = (rec + kl).mean() + weight * F.softplus(-disc(fake)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        fake = torch.sigmoid(dec(torch.randn(batch, 32))).detach()
        dloss = F.softplus(-disc(real)).mean() + F.softplus(disc(fake)).mean()
        dopt.zero_grad()
        dloss.backward()
        dopt.step()
        return loss.item()

    return step


timed = {
    "two": per_call(vq_stepper(HierarchicalVq(4, 128)), args.steps, warmup=5),
    "one": per_call(vq_stepper(HierarchicalVq(0, 190)), args.steps, warmup=5),
    "bottom": per_call(bottom_prior_stepper(), args.steps, warmup=5),
    "top": per_call(top_prior_stepper(), args.steps, warmup=5),
    "gan": per_call(vae_gan_stepper(), args.steps, warmup=5),
}
serve(lambda: {name: run() for name, run in timed.items()})
