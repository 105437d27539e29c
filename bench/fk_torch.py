"""PyTorch reference for bench/fk.ts: the same models, potentials and boundary-corrected Feynman-Kac
training iteration (walkers x Euler-Maruyama steps, backward, Adam). Prints seconds per iteration as JSON."""
import argparse, json, math, time
import torch

torch.set_num_threads(2)
p = argparse.ArgumentParser()
p.add_argument('--iterations', type=int, default=30)
p.add_argument('--walkers', type=int, default=512)
p.add_argument('--steps', type=int, default=10)
a = p.parse_args()


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
    def __init__(self, R=1.4):
        super().__init__()
        self.w, self.u = mlp(2), mlp(1)
        self.log_a, self.log_b = torch.nn.Parameter(torch.tensor(math.log(1.2))), torch.nn.Parameter(torch.zeros(()))
        self.protons, self.R = torch.tensor([[0, 0, R / 2], [0, 0, -R / 2]]), R

    def log_psi(self, r):
        a, b = self.log_a.exp(), self.log_b.exp()
        total = 0
        for i in range(2):
            x = r[:, 3 * i:3 * i + 3]
            ra = ((x - self.protons[0]) ** 2).sum(1, keepdim=True).add(1e-12).sqrt()
            rb = ((x - self.protons[1]) ** 2).sum(1, keepdim=True).add(1e-12).sqrt()
            total = total + torch.logsumexp(torch.cat([-a * ra, -a * rb], 1), 1) + self.w(torch.cat([ra + rb, (ra - rb) ** 2], 1)).squeeze(1)
        r12sq = ((r[:, 0:3] - r[:, 3:6]) ** 2).sum(1, keepdim=True)
        r12 = r12sq.add(1e-12).sqrt()
        return total + (r12 / (2 * (1 + b * r12)) + self.u(r12sq)).squeeze(1)

    def potential(self, r):
        v = torch.full((r.shape[0],), 1 / self.R)
        for i in range(2):
            for q in self.protons:
                v = v - ((r[:, 3 * i:3 * i + 3] - q) ** 2).sum(1).clamp_min(1e-8).rsqrt()
        return v + ((r[:, 0:3] - r[:, 3:6]) ** 2).sum(1).clamp_min(1e-8).rsqrt()


def drift(model, r):
    with torch.enable_grad():
        r = r if r.requires_grad else r.detach().requires_grad_(True)
        return torch.autograd.grad(model.log_psi(r).sum(), r, create_graph=True)[0]


def seconds_per_iteration(model, dim, dt=0.01):
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
    pop = iteration(pop)  # warm-up
    t0 = time.perf_counter()
    for _ in range(a.iterations):
        pop = iteration(pop)
    return (time.perf_counter() - t0) / a.iterations


torch.manual_seed(0)
print(json.dumps({'bosons': seconds_per_iteration(Bosons(), 4), 'h2': seconds_per_iteration(H2(), 6)}))
