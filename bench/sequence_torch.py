"""Reference for bench/sequence.ts: the sequence lecture's training steps in PyTorch (Debian
python3-torch, CPU), the same models written out here: a GRU cell (torch's GRUCell computes the same
gates as lib/nn/gru-cell.ts), tanh MLPs, diagonal Gaussians. The state-space designs (10 observed
dimensions, 2 latents, GRU width 32, hidden layers of 32, 10 steps, batches of 32): predictive coding
with a learned gate, the VRNN and the backward-GRU smoother; on the phonemes (6 dimensions, 4 latents,
20 steps): predictive coding with the practice error at weight 1, and the delta VAE (alpha 0.9);
on MNIST rows (28 pixels, 16 latents, width 128, hidden 128, 28 steps, batches of 64 binarized
afresh each step, Bernoulli emission) the three designs again.
One step: the negative ELBO per time step (plus the practice error), backward, Adam.
Prints {model: seconds per step} as one JSON line, once, or once per round with --serve.
"""
import math

import torch
from rounds import per_call, reference_args, serve  # bench/rounds.py
from torch_nn import mlp

args = reference_args(steps=20)
LOG_2PI = math.log(2 * math.pi)


def tanh_mlp(sizes):
    return mlp(sizes, torch.nn.Tanh)


def kl(qm, qs, pm, ps):
    """KL(N(qm, e^qs) || N(pm, e^ps)) summed over the last axis; qs, ps log standard deviations."""
    return 0.5 * (torch.exp(2 * (qs - ps)) + ((qm - pm) / ps.exp()) ** 2 - 1 - 2 * (qs - ps)).sum(-1)


def log_normal(x, m, s):
    return -(0.5 * ((x - m) / s.exp()) ** 2 + s + 0.5 * LOG_2PI).sum(-1)


class Emission(torch.nn.Module):
    """A Gaussian with a learned standard deviation per dimension, or (bernoulli) logits."""

    def __init__(self, inp, data, hidden, bernoulli=False):
        super().__init__()
        self.bernoulli = bernoulli
        self.net = tanh_mlp([inp, hidden, data])
        if not bernoulli:
            self.log_std = torch.nn.Parameter(torch.full((data,), math.log(0.5)))

    def log_prob(self, x, h):
        if self.bernoulli:
            return -torch.nn.functional.binary_cross_entropy_with_logits(self.net(h), x, reduction="none").sum(-1)
        return log_normal(x, self.net(h), self.log_std)


def draw(m, s):
    return m + s.exp() * torch.randn_like(m)


class PredictiveCoding(torch.nn.Module):
    def __init__(self, d, k, w, hidden, bernoulli=False):
        super().__init__()
        self.k, self.w = k, w
        self.circuit = torch.nn.GRUCell(k, w)
        self.predict = torch.nn.Linear(w, 2 * k)
        self.sense = tanh_mlp([d, hidden, k])
        self.correct = torch.nn.Linear(k, 2 * k)
        self.gate = torch.nn.Linear(k, 1)
        self.emission = Emission(k, d, hidden, bernoulli)

    def recognise(self, pm, ps, s):
        e = s - pm
        shift, widen = self.correct(e).chunk(2, -1)
        g = torch.sigmoid(self.gate(e * e))
        return pm + g * shift, ps + g * widen

    def loss(self, x):
        b, steps, _ = x.shape
        sensed = self.sense(x)
        h = x.new_zeros(b, self.w)
        zs, kls = [], []
        for t in range(steps):
            pm, ps = self.predict(h).chunk(2, -1)
            qm, qs = self.recognise(pm, ps, sensed[:, t])
            z = draw(qm, qs)
            kls.append(kl(qm, qs, pm, ps))
            zs.append(z)
            h = self.circuit(z, h)
        ll = self.emission.log_prob(x, torch.stack(zs, 1))
        return -(ll.sum(1) - torch.stack(kls, 1).sum(1)).mean() / steps

    def practice(self, count, steps):
        h = torch.zeros(count, self.w)
        priors, intended = [], []
        for _ in range(steps):
            pm, ps = self.predict(h).chunk(2, -1)
            z = draw(pm, ps).detach()
            priors.append((pm, ps))
            intended.append(z)
            h = self.circuit(z, h)
        z_hat = torch.stack(intended, 1)
        said = draw(self.emission.net(z_hat), self.emission.log_std.expand(count, steps, -1)).detach()
        sensed = self.sense(said)
        logq = [log_normal(z_hat[:, t], *self.recognise(pm, ps, sensed[:, t])) for t, (pm, ps) in enumerate(priors)]
        return -torch.stack(logq, 1).mean()


class Vrnn(torch.nn.Module):
    def __init__(self, d, k, w, hidden, bernoulli=False):
        super().__init__()
        self.w = w
        self.rnn = torch.nn.GRUCell(d + k, w)
        self.prior = torch.nn.Linear(w, 2 * k)
        self.recognition = tanh_mlp([w + d, hidden, 2 * k])
        self.emission = Emission(k + w, d, hidden, bernoulli)

    def loss(self, x):
        b, steps, _ = x.shape
        h = x.new_zeros(b, self.w)
        inputs, kls = [], []
        for t in range(steps):
            pm, ps = self.prior(h).chunk(2, -1)
            qm, qs = self.recognition(torch.cat([h, x[:, t]], 1)).chunk(2, -1)
            z = draw(qm, qs)
            kls.append(kl(qm, qs, pm, ps))
            inputs.append(torch.cat([z, h], 1))
            h = self.rnn(torch.cat([x[:, t], z], 1), h)
        ll = self.emission.log_prob(x, torch.stack(inputs, 1))
        return -(ll.sum(1) - torch.stack(kls, 1).sum(1)).mean() / steps


class Smoother(torch.nn.Module):
    def __init__(self, d, k, w, hidden, bernoulli=False):
        super().__init__()
        self.k, self.w = k, w
        self.backward_rnn = torch.nn.GRUCell(d, w)
        self.transition = tanh_mlp([k, hidden, 2 * k])
        self.combiner = tanh_mlp([k + w, hidden, 2 * k])
        self.emission = Emission(k, d, hidden, bernoulli)

    def loss(self, x):
        b, steps, _ = x.shape
        h = x.new_zeros(b, self.w)
        future = []
        for t in reversed(range(steps)):
            h = self.backward_rnn(x[:, t], h)
            future.append(h)
        future.reverse()
        z = x.new_zeros(b, self.k)
        zs, kls = [], []
        for t in range(steps):
            pm, ps = self.transition(z).chunk(2, -1)
            qm, qs = self.combiner(torch.cat([z, future[t]], 1)).chunk(2, -1)
            z = draw(qm, qs)
            kls.append(kl(qm, qs, pm, ps))
            zs.append(z)
        ll = self.emission.log_prob(x, torch.stack(zs, 1))
        return -(ll.sum(1) - torch.stack(kls, 1).sum(1)).mean() / steps


class DeltaVae(torch.nn.Module):
    def __init__(self, d, k, w, hidden, alpha):
        super().__init__()
        self.d, self.w, self.alpha = d, w, alpha
        self.encoder = tanh_mlp([d, hidden, 2 * k])
        self.decoder = torch.nn.GRUCell(d + k, w)
        self.emission = Emission(w, d, hidden)

    def loss(self, x):
        b, steps, _ = x.shape
        m, s = self.encoder(x).chunk(2, -1)
        z = draw(m, s)
        a = torch.full((1, steps, 1), self.alpha)
        a[:, 0] = 0
        shift = lambda v: torch.cat([torch.zeros_like(v[:, :1]), v[:, :-1]], 1)
        var = torch.exp(2 * s)
        prior_var = 1 - a * a
        mean_term = (m - a * shift(m)) ** 2 + a * a * shift(var)
        kls = 0.5 * ((var + mean_term) / prior_var - 1 - 2 * s + torch.log(prior_var)).sum(-1)
        previous = torch.cat([x.new_zeros(b, 1, self.d), x[:, :-1]], 1)
        h = x.new_zeros(b, self.w)
        states = []
        for t in range(steps):
            h = self.decoder(torch.cat([previous[:, t], z[:, t]], 1), h)
            states.append(h)
        ll = self.emission.log_prob(x, torch.stack(states, 1))
        return -(ll.sum(1) - kls.sum(1)).mean() / steps


def stepper(model, x, practice=0.0, binarize=False):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    def step():
        loss = model.loss(torch.bernoulli(x) if binarize else x)
        if practice:
            loss = loss + practice * model.practice(x.shape[0], x.shape[1])
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


state_space = torch.randn(32, 10, 10)
phonemes = torch.randn(32, 20, 6)
digits = torch.rand(64, 28, 28)
timed = {
    "predictive-coding": per_call(stepper(PredictiveCoding(10, 2, 32, 32), state_space), args.steps, warmup=5),
    "vrnn": per_call(stepper(Vrnn(10, 2, 32, 32), state_space), args.steps, warmup=5),
    "smoother": per_call(stepper(Smoother(10, 2, 32, 32), state_space), args.steps, warmup=5),
    "practice": per_call(stepper(PredictiveCoding(6, 4, 32, 32), phonemes, practice=1.0), args.steps, warmup=5),
    "delta": per_call(stepper(DeltaVae(6, 4, 32, 32, 0.9), phonemes), args.steps, warmup=5),
    "predictive-coding-mnist": per_call(stepper(PredictiveCoding(28, 16, 128, 128, True), digits, binarize=True), args.steps, warmup=5),
    "vrnn-mnist": per_call(stepper(Vrnn(28, 16, 128, 128, True), digits, binarize=True), args.steps, warmup=5),
    "smoother-mnist": per_call(stepper(Smoother(28, 16, 128, 128, True), digits, binarize=True), args.steps, warmup=5),
}
serve(lambda: {name: run() for name, run in timed.items()})
