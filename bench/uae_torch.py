"""Reference for bench/uae.ts: the uncertainty autoencoder's training step of lecture 6 in PyTorch
(Debian python3-torch, CPU), written out here: W = sqrt(784) V / ||V||_F with V [m, 784], y = x W^T +
0.1 eps, decoder m-500-500-784 (ReLU, sigmoid output), mean over the batch of the squared error
summed over pixels, Adam at 1e-3, batches of 100; m = 10 and m = 100.
Prints {model: seconds per step} as one JSON line, once, or once per round with --serve.
"""
import math

import torch
from rounds import per_call, reference_args, serve  # bench/rounds.py

args = reference_args(steps=50)


class Uae(torch.nn.Module):
    def __init__(self, m, n=784, hidden=500, sigma=0.1):
        super().__init__()
        self.n, self.sigma = n, sigma
        self.v = torch.nn.Parameter(torch.randn(m, n) / math.sqrt(m))
        self.decoder = torch.nn.Sequential(
            torch.nn.Linear(m, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
            torch.nn.Linear(hidden, n), torch.nn.Sigmoid())

    def loss(self, x):
        w = math.sqrt(self.n) * self.v / self.v.norm()
        y = x @ w.t() + self.sigma * torch.randn(x.shape[0], w.shape[0])
        return ((x - self.decoder(y)) ** 2).sum(1).mean()


def stepper(model, x):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        loss = model.loss(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


x = torch.rand(100, 784)
timed = {
    "m10": per_call(stepper(Uae(10), x), args.steps, warmup=5),
    "m100": per_call(stepper(Uae(100), x), args.steps, warmup=5),
}
serve(lambda: {name: run() for name, run in timed.items()})
