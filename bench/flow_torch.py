# PyTorch reference for bench/flow.ts: one Adam step of the same models on the same batch sizes.
# Prints {"realnvp2d": seconds, "imageflow": seconds, "madevae": seconds} (per step) as JSON, once,
# or once per round with --serve (bench/rounds.py).
import argparse, math
import torch
from torch_nn import mlp  # bench/torch_nn.py
from rounds import per_call, serve  # bench/rounds.py

p = argparse.ArgumentParser()
p.add_argument('--steps', type=int, default=50)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--serve', action='store_true')
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


class Coupling(torch.nn.Module):
    def __init__(self, mask, hidden):
        super().__init__()
        self.register_buffer('keep', torch.tensor(mask, dtype=torch.float32))
        self.net = mlp([len(mask), *hidden, 2 * len(mask)])

    def forward(self, x):
        raw, t = self.net(x * self.keep).chunk(2, dim=1)
        free = 1 - self.keep
        s = torch.tanh(raw) * free
        return x * torch.exp(s) + t * free, s.sum(1)


class Flow(torch.nn.Module):
    def __init__(self, couplings, logit_margin=None):
        super().__init__()
        self.couplings = torch.nn.ModuleList(couplings)
        self.margin = logit_margin

    def log_prob(self, x):
        total = torch.zeros(x.shape[0])
        if self.margin is not None:
            p = self.margin + (1 - 2 * self.margin) * x
            total = total + (math.log(1 - 2 * self.margin) - torch.log(p) - torch.log1p(-p)).sum(1)
            x = torch.log(p) - torch.log1p(-p)
        for c in self.couplings:
            x, ld = c(x)
            total = total + ld
        return total - 0.5 * (x * x).sum(1) - 0.5 * x.shape[1] * math.log(2 * math.pi)


def made_masks(dim, hidden):
    deg_in = torch.arange(1, dim + 1)
    deg_h = torch.arange(hidden) % (dim - 1) + 1
    m1 = (deg_h[None, :] >= deg_in[:, None]).float()        # [dim, hidden]
    m2 = (deg_in[None, :] > deg_h[:, None]).float()          # [hidden, dim]
    direct = (deg_in[None, :] > deg_in[:, None]).float()     # [dim, dim]
    return m1, m2, direct


class MadeVae(torch.nn.Module):
    """Lecture 3's strong-decoder VAE: MLP encoder, MADE decoder with z into its hidden layer."""
    def __init__(self, dim=196, latent=32, enc_hidden=256, dec_hidden=512):
        super().__init__()
        self.encoder = mlp([dim, enc_hidden, 2 * latent])
        self.w1 = torch.nn.Parameter(torch.randn(dim, dec_hidden) * 0.05)
        self.b1 = torch.nn.Parameter(torch.zeros(dec_hidden))
        self.wz = torch.nn.Parameter(torch.randn(latent, dec_hidden) * 0.05)
        self.w2 = torch.nn.Parameter(torch.randn(dec_hidden, dim) * 0.05)
        self.b2 = torch.nn.Parameter(torch.zeros(dim))
        self.wd = torch.nn.Parameter(torch.zeros(dim, dim))
        m1, m2, d = made_masks(dim, dec_hidden)
        self.register_buffer('m1', m1)
        self.register_buffer('m2', m2)
        self.register_buffer('md', d)

    def loss(self, x):
        mu, raw = self.encoder(x).chunk(2, dim=1)
        s = torch.nn.functional.softplus(raw) + 1e-4
        z = mu + s * torch.randn_like(mu)
        h = torch.relu(x @ (self.w1 * self.m1) + z @ self.wz + self.b1)
        logits = h @ (self.w2 * self.m2) + self.b2 + x @ (self.wd * self.md)
        rec = -torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction='none').sum(1)
        kl = 0.5 * (mu * mu + s * s - 1 - 2 * torch.log(s)).sum(1)
        return (kl - rec).mean()


def stepper(model, loss_fn, lr):
    """A function timing args.steps Adam steps of the model (after 3 warm-up steps on first use)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
    for _ in range(3):
        step()
    return per_call(step, args.steps)


x2 = torch.randn(256, 2)
flow2d = Flow([Coupling([0, 1] if l % 2 == 0 else [1, 0], [64, 64]) for l in range(8)])
board = [((i // 28) + (i % 28)) % 2 for i in range(784)]
images = ((torch.rand(64, 784) < 0.13).float() + torch.rand(64, 784)) / 2
image_flow = Flow([Coupling([1 - m for m in board] if i % 2 == 0 else board, [256]) for i in range(4)], logit_margin=0.05)
binary = (torch.rand(128, 196) < 0.2).float()
vae = MadeVae()
timers = {
    'realnvp2d': stepper(flow2d, lambda: -flow2d.log_prob(x2).mean(), 3e-3),
    'imageflow': stepper(image_flow, lambda: -image_flow.log_prob(images).mean(), 1e-3),
    'madevae': stepper(vae, lambda: vae.loss(binary), 2e-3),
}
serve(lambda: {key: timed() for key, timed in timers.items()})
