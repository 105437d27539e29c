"""Reference for bench/attention.ts: the attention lecture's training steps in PyTorch (Debian
python3-torch, CPU), Adam, written out here layer by layer: on batches of 64 sentences of 12 words the
same encoder-decoder Transformer (width 32, 4 heads, feed-forward 64, 2 pre-norm layers each side,
sinusoidal positions, a final norm) and the same GRU encoder-decoder (width 58); the decoder-only
sorter (64 sequences of 11 digits; width 48, 3 heads, 3 layers, learned positions) and character
model (32 windows of 64 characters; width 64, 4 heads, 3 layers, learned positions).
Prints {model: seconds per step} as one JSON line, once, or once per round with --serve.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from rounds import per_call, reference_args, serve  # bench/rounds.py

args = reference_args(steps=50)
B, T, VS, VT, W, HEADS, FF, LAYERS = 64, 12, 27, 31, 32, 4, 64, 2


def positions(length, width):
    t = torch.arange(length).float()[:, None]
    j = torch.arange(width)
    angle = t / torch.pow(10000.0, (2 * (j // 2)).float() / width)
    return torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))


class Attention(nn.Module):
    def __init__(self, width=W, heads=HEADS):
        super().__init__()
        self.width, self.heads = width, heads
        self.q, self.k, self.v, self.o = (nn.Linear(width, width) for _ in range(4))

    def forward(self, x, ctx, mask=None):
        d = self.width // self.heads
        split = lambda t: t.view(t.shape[0], t.shape[1], self.heads, d).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(ctx)), split(self.v(ctx))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        if mask is not None:
            scores = scores + (1 - mask) * -1e9
        out = torch.softmax(scores, -1) @ v
        return self.o(out.transpose(1, 2).reshape(x.shape[0], x.shape[1], self.width))


class Block(nn.Module):
    def __init__(self, cross, width=W, heads=HEADS, ff=FF):
        super().__init__()
        self.self_att = Attention(width, heads)
        self.cross_att = Attention(width, heads) if cross else None
        self.ff = nn.Sequential(nn.Linear(width, ff), nn.ReLU(), nn.Linear(ff, width))
        self.norms = nn.ModuleList(nn.LayerNorm(width) for _ in range(3 if cross else 2))

    def forward(self, x, mask=None, ctx=None):
        h = self.norms[0](x)
        x = x + self.self_att(h, h, mask)
        if self.cross_att is not None:
            x = x + self.cross_att(self.norms[1](x), ctx)
        return x + self.ff(self.norms[-1](x))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb, self.tgt_emb = nn.Parameter(torch.randn(VS, W)), nn.Parameter(torch.randn(VT, W))
        self.enc = nn.ModuleList(Block(False) for _ in range(LAYERS))
        self.dec = nn.ModuleList(Block(True) for _ in range(LAYERS))
        self.enc_norm, self.dec_norm = nn.LayerNorm(W), nn.LayerNorm(W)
        self.readout = nn.Linear(W, VT)
        self.register_buffer("pos", positions(16, W))

    def forward(self, src, tgt_in):
        # one-hot products, as the tfjs model embeds
        h = F.one_hot(src, VS).float() @ self.src_emb + self.pos[: src.shape[1]]
        for b in self.enc:
            h = b(h)
        memory = self.enc_norm(h)
        causal = torch.tril(torch.ones(tgt_in.shape[1], tgt_in.shape[1]))
        y = F.one_hot(tgt_in, VT).float() @ self.tgt_emb + self.pos[: tgt_in.shape[1]]
        for b in self.dec:
            y = b(y, causal, memory)
        return self.readout(self.dec_norm(y))


class Gru(nn.Module):
    def __init__(self, width=58):
        super().__init__()
        self.src_emb, self.tgt_emb = nn.Parameter(torch.randn(VS, width)), nn.Parameter(torch.randn(VT, width))
        self.enc, self.dec = nn.GRU(width, width, batch_first=True), nn.GRU(width, width, batch_first=True)
        self.readout = nn.Linear(width, VT)

    def forward(self, src, tgt_in):
        _, h = self.enc(F.one_hot(src, VS).float() @ self.src_emb)
        out, _ = self.dec(F.one_hot(tgt_in, VT).float() @ self.tgt_emb, h)
        return self.readout(out)


class Causal(nn.Module):
    """A decoder-only Transformer: learned positions, pre-norm blocks, a final norm, a readout."""

    def __init__(self, vocab, width, heads, ff, layers, length):
        super().__init__()
        self.vocab = vocab
        self.emb, self.pos = nn.Parameter(torch.randn(vocab, width)), nn.Parameter(torch.randn(length, width))
        self.blocks = nn.ModuleList(Block(False, width, heads, ff) for _ in range(layers))
        self.norm, self.readout = nn.LayerNorm(width), nn.Linear(width, vocab)

    def forward(self, tokens):
        h = F.one_hot(tokens, self.vocab).float() @ self.emb + self.pos[: tokens.shape[1]]
        causal = torch.tril(torch.ones(tokens.shape[1], tokens.shape[1]))
        for b in self.blocks:
            h = b(h, causal)
        return self.readout(self.norm(h))


def stepper(model, inputs, targets, vocab, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)

    def step():
        loss = F.cross_entropy(model(*inputs).reshape(-1, vocab), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


src, tgt_in, tgt_out = torch.randint(0, VS, (B, T)), torch.randint(0, VT, (B, T)), torch.randint(0, VT, (B, T))
digits, text = torch.randint(0, 3, (64, 12)), torch.randint(0, 47, (32, 65))
timed = {
    "transformer": per_call(stepper(Transformer(), (src, tgt_in), tgt_out, VT, 3e-3), args.steps, warmup=5),
    "gru": per_call(stepper(Gru(), (src, tgt_in), tgt_out, VT, 3e-3), args.steps, warmup=5),
    "sorter": per_call(stepper(Causal(3, 48, 3, 192, 3, 11), (digits[:, :-1],), digits[:, 1:], 3, 5e-4), args.steps, warmup=5),
    "writer": per_call(stepper(Causal(47, 64, 4, 256, 3, 64), (text[:, :-1],), text[:, 1:], 47, 1e-3), args.steps, warmup=5),
}
serve(lambda: {name: run() for name, run in timed.items()})
