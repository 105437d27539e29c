"""PyTorch reference for bench/fk.ts: the same models, potentials and training iterations. Two bosons: the
boundary-corrected Feynman-Kac iteration (walkers x Euler-Maruyama steps, backward, Adam). H2: the
local-energy iteration (Adam on the covariance gradient, then 5 MALA steps with autograd Laplacians).
Prints {'bosons', 'h2'}: seconds per iteration, as one JSON line, once, or once per round with --serve (bench/rounds.py)."""
import argparse, math
import torch
from rounds import per_call, serve  # bench/rounds.py

p = argparse.ArgumentParser()
p.add_argument('--iterations', type=int, default=30)
p.add_argument('--walkers', type=int, default=512)
p.add_argument('--steps', type=int, default=10)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--serve', action='store_true')
a = p.parse_args()
torch.set_num_threads(a.threads)


def mlp(inputs, hidden=(32, 32)):
    layers, n = [], inputs
    for h in hidden:
        layers += [torch.nn.Linear(n, h), torch.nn.Tanh()]
        n = h
    return torch.nn.Sequential(*layers, torch.nn.Linear(n, 1))


class Bosons(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.u, self.log_alpha, self.slope = mlp(1), torch.nn.Parameter(torch.zeros(())), torch.nn.Parameter(torch.zeros(()))

    def log_psi(self, r):
        rho = ((r[:, 0:2] - r[:, 2:4]) ** 2).sum(1, keepdim=True)
        return -0.5 * self.log_alpha.exp() * (r ** 2).sum(1) + (self.u(rho) + self.slope * rho).squeeze(1)

    @staticmethod
    def potential(r):
        rho = ((r[:, 0:2] - r[:, 2:4]) ** 2).sum(1)
        return 0.5 * (r ** 2).sum(1) + 6 / (math.pi * 0.25) * torch.exp(-rho / 0.25)


class H2(torch.nn.Module):
    """lib/fk's h2Ansatz: cusp-fixed molecular orbital, decay term, e-e Jastrow, and a network of the five
    squared distances summed over proton swaps and electron exchanges."""
    SYMMETRIES = [[0, 1, 2, 3, 4], [1, 0, 3, 2, 4], [2, 3, 0, 1, 4], [3, 2, 1, 0, 4]]

    def __init__(self, R=1.4):
        super().__init__()
        self.u = mlp(5)
        self.log_b, self.decay = torch.nn.Parameter(torch.zeros(())), torch.nn.Parameter(torch.zeros(()))
        self.protons, self.R = torch.tensor([[0, 0, R / 2], [0, 0, -R / 2]]), R
        a = 1.0
        for _ in range(200):
            a = 1 + math.exp(-a * R)
        self.a = a

    def log_psi(self, r):
        b = self.log_b.exp()
        sq = [((r[:, 3 * i:3 * i + 3] - q) ** 2).sum(1, keepdim=True) for i in range(2) for q in self.protons]
        sq.append(((r[:, 0:3] - r[:, 3:6]) ** 2).sum(1, keepdim=True))
        d = [s.sqrt() for s in sq]
        orbital = torch.logsumexp(torch.cat([-self.a * d[0], -self.a * d[1]], 1), 1) + torch.logsumexp(torch.cat([-self.a * d[2], -self.a * d[3]], 1), 1)
        decay = -self.decay * sum((1 + s).sqrt() for s in sq[:4]).squeeze(1)
        jastrow = (d[4] / (2 * (1 + b * d[4]))).squeeze(1)
        phi = torch.log1p(torch.cat(sq, 1))
        correlation = sum(self.u(phi[:, g]).squeeze(1) for g in self.SYMMETRIES)
        return orbital + decay + jastrow + correlation

    def potential(self, r):
        v = torch.full((r.shape[0],), 1 / self.R)
        for i in range(2):
            for q in self.protons:
                v = v - ((r[:, 3 * i:3 * i + 3] - q) ** 2).sum(1).clamp_min(1e-8).rsqrt()
        return v + ((r[:, 0:3] - r[:, 3:6]) ** 2).sum(1).clamp_min(1e-8).rsqrt()


def walkers(model, r):
    """log psi, its gradient and its Laplacian at r (autograd: one backward for the gradient, one per coordinate)."""
    with torch.enable_grad():
        r = r.detach().requires_grad_(True)
        lp = model.log_psi(r)
        g = torch.autograd.grad(lp.sum(), r, create_graph=True)[0]
        lap = sum(torch.autograd.grad(g[:, j].sum(), r, retain_graph=True)[0][:, j] for j in range(r.shape[1]))
    return r.detach(), lp.detach(), g.detach(), lap.detach()


def local_energy_timer(model, tau=0.2, mala_steps=5):
    """A function timing a.iterations of lib/fk's trainLocalEnergy iteration (Adam on 2 Cov(E_L, log psi), then refresh
    the walkers and take 5 MALA steps), continuing from the walkers of the previous call."""
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    state = walkers(model, torch.randn(a.walkers, 6))
    def iteration(state):
        r, lp, g, lap = state
        e_l = model.potential(r) - 0.5 * (lap + (g ** 2).sum(1))
        logpsi = model.log_psi(r)
        loss = e_l.mean() + 2 * ((e_l - e_l.mean()) * (logpsi - logpsi.detach())).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        state = walkers(model, r)
        for _ in range(mala_steps):
            r, lp, g, lap = state
            prop = r + tau * g + math.sqrt(tau) * torch.randn_like(r)
            pr, plp, pg, plap = walkers(model, prop)
            log_q = lambda to, frm, v: -((to - frm - tau * v) ** 2).sum(1) / (2 * tau)
            log_ratio = 2 * (plp - lp) + log_q(r, pr, pg) - log_q(pr, r, g)
            acc = torch.log(torch.rand(r.shape[0])) < log_ratio
            state = tuple(torch.where(acc.unsqueeze(1) if x.dim() == 2 else acc, y, x) for x, y in zip(state, (pr, plp, pg, plap)))
        return state
    return timer(iteration, iteration(state))  # one warm-up iteration


def drift(model, r):
    with torch.enable_grad():
        r = r if r.requires_grad else r.detach().requires_grad_(True)
        return torch.autograd.grad(model.log_psi(r).sum(), r, create_graph=True)[0]


def timer(iteration, state):
    """A function running a.iterations more iterations from the last state and returning seconds per iteration."""
    def step():
        nonlocal state
        state = iteration(state)
    return per_call(step, a.iterations)


def drift_timer(model, dim, dt=0.01):
    """A function timing a.iterations of the boundary-corrected Feynman-Kac iteration."""
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    pop = torch.randn(a.walkers, dim)
    T = dt * a.steps
    def iteration(pop):
        r0 = pop.detach().requires_grad_(True)
        r, cost = r0, torch.zeros(a.walkers)
        for _ in range(a.steps):
            v = drift(model, r)
            dw = torch.randn_like(r) * math.sqrt(dt)
            cost = cost + (v * dw).sum(1) + (0.5 * (v ** 2).sum(1) + model.potential(r)) * dt
            r = r + v * dt + dw
        per_path = (cost + model.log_psi(r0) - model.log_psi(r)) / T
        lp0 = model.log_psi(pop)
        loss = per_path.mean() + 2 * ((per_path - per_path.mean()).detach() * (lp0 - lp0.detach())).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        return r.detach()
    return timer(iteration, iteration(pop))  # one warm-up iteration


torch.manual_seed(0)
timers = {'bosons': drift_timer(Bosons(), 4), 'h2': local_energy_timer(H2())}
serve(lambda: {k: t() for k, t in timers.items()})
