"""Reference for bench/oivae.ts: the oi-VAE lecture's training steps in PyTorch (Debian python3-torch,
CPU), Adam and then the group lasso's proximal step on every W^(g), written out here: the bars model
(64 pixels in 8 row groups, 8 latents, encoder 64-64-16, W^(g) 8×8, generators 8-16-8, Gaussian pixels
with a learned σ each, batches of 64) and the MNIST model (784 binary pixels in 4 quadrant groups,
16 latents, encoder 784-256-32, W^(g) 16×16, generators 16-128-196, batches of 100).
Prints {model: seconds per step} as one JSON line, once, or once per round with --serve.
"""
import math

import torch
import torch.nn.functional as F
from rounds import per_call, reference_args, serve  # bench/rounds.py
from torch_nn import mlp

args = reference_args(steps=50)


class OiVae(torch.nn.Module):
    def __init__(self, pixels, groups, latents, enc_hidden, width, gen_hidden, bernoulli):
        super().__init__()
        self.groups, self.latents, self.bernoulli = groups, latents, bernoulli
        self.encoder = mlp([pixels, enc_hidden, 2 * latents])
        self.ws = torch.nn.ParameterList(torch.nn.Parameter(torch.randn(latents, width) / math.sqrt(latents)) for _ in groups)
        self.generators = torch.nn.ModuleList(mlp([width, gen_hidden, len(g)]) for g in groups)
        self.log_scales = torch.nn.ParameterList(torch.nn.Parameter(torch.zeros(len(g))) for g in groups)

    def loss(self, x):
        mean, log_var = self.encoder(x).chunk(2, dim=1)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        kl = 0.5 * (mean ** 2 + log_var.exp() - 1 - log_var).sum(1)
        loglik = 0
        for g, group in enumerate(self.groups):
            out, xg = self.generators[g](z @ self.ws[g]), x[:, group]
            if self.bernoulli:
                loglik = loglik - F.binary_cross_entropy_with_logits(out, xg, reduction="none").sum(1)
            else:
                s = self.log_scales[g]
                loglik = loglik - (0.5 * ((xg - out) / s.exp()) ** 2 + s + 0.5 * math.log(2 * math.pi)).sum(1)
        return -(loglik - kl).mean()

    @torch.no_grad()
    def prox(self, threshold):
        for w in self.ws:
            norms = w.norm(dim=1, keepdim=True)
            w.mul_(torch.clamp(1 - threshold / norms.clamp_min(1e-30), min=0))


def stepper(model, x):
    params = [p for n, p in model.named_parameters() if not (model.bernoulli and n.startswith("log_scales"))]
    opt = torch.optim.Adam(params, lr=1e-3)

    def step():
        loss = model.loss(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        model.prox(1e-3 * 0.5)
        return loss.item()

    return step


rows = [list(range(r * 8, r * 8 + 8)) for r in range(8)]
quadrants = [[(r0 + i // 14) * 28 + c0 + i % 14 for i in range(196)] for r0, c0 in [(0, 0), (0, 14), (14, 0), (14, 14)]]
bars = 0.05 * torch.randn(64, 64)
digits = (torch.rand(100, 784) < 0.2).float()
timed = {
    "bars": per_call(stepper(OiVae(64, rows, 8, 64, 8, 16, False), bars), args.steps, warmup=5),
    "mnist": per_call(stepper(OiVae(784, quadrants, 16, 256, 16, 128, True), digits), args.steps, warmup=5),
}
serve(lambda: {name: run() for name, run in timed.items()})
