"""Per-step speed of our native CPU training against PyTorch on the same model, one thread each.

`grokking bench --backend cpu --single --json` times a single run of each case (full-batch AdamW, the
step only: no evaluation); this script builds the same model in PyTorch, times the same
step, and alternates the two three times on one machine, so that both see the same load.
Issue 29's bar: ours ≥ 1.0× PyTorch per step.

The PyTorch model is the same function as ours, written as PyTorch users would: separate
Q/K/V/O `nn.Linear`s with biases, softmax attention over every position, a 4·d MLP with
the tanh GELU, LayerNorms (ε 1e-5). Like ours, the last layer computes its last position
only (the only one the loss reads): the comparison is of the two backends, not of two
algorithms. Values are random: a step's time does not depend on them.

Usage: python speed.py --grokking target/release/grokking [--rounds 3] [--steps 50] [--out F]
"""

import argparse
import json
import math
import subprocess
import time

import torch
from torch import nn
import torch.nn.functional as F

# The bench's single-run cases (cli/src/commands/bench.rs: each preset at its middle size).
CASES = {
    # a b = → a + b mod 47: pre-LN, untied head over the 47 residues.
    "three-regimes": dict(p=47, arch="pre-ln", d_model=64, heads=4, d_mlp=256, train_size=1100),
    # a + b % p = → the answer, the authors' post-LN OpenAI GPT with a tied head.
    "paper": dict(p=113, arch="openai-gpt", d_model=128, heads=4, d_mlp=512, train_size=5500),
}
LR, BETAS, EPS, WEIGHT_DECAY = 1e-3, (0.9, 0.98), 1e-8, 1.0


class Block(nn.Module):
    def __init__(self, d, heads, d_mlp, post_ln):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.up, self.down = nn.Linear(d, d_mlp), nn.Linear(d_mlp, d)
        self.ln_attention, self.ln_mlp = nn.LayerNorm(d), nn.LayerNorm(d)
        self.heads, self.post_ln = heads, post_ln

    def attend(self, queries, x):
        b, n_q, d = queries.shape
        seq, h = x.shape[1], self.heads
        q = self.q(queries).view(b, n_q, h, d // h).transpose(1, 2)
        k = self.k(x).view(b, seq, h, d // h).transpose(1, 2)
        v = self.v(x).view(b, seq, h, d // h).transpose(1, 2)
        weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // h), dim=-1)
        return self.o((weights @ v).transpose(1, 2).reshape(b, n_q, d))

    def forward(self, x):
        # The last position only, attending over every position.
        if self.post_ln:
            x = self.ln_attention(x[:, -1:] + self.attend(x[:, -1:], x))
            return self.ln_mlp(x + self.down(F.gelu(self.up(x), approximate="tanh")))
        normed = self.ln_attention(x)
        x = x[:, -1:] + self.attend(normed[:, -1:], normed)
        return x + self.down(F.gelu(self.up(self.ln_mlp(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, vocab, seq, n_classes, d, heads, d_mlp, arch):
        super().__init__()
        self.tokens, self.positions = nn.Embedding(vocab, d), nn.Embedding(seq, d)
        self.block = Block(d, heads, d_mlp, post_ln=arch == "openai-gpt")
        self.tied = arch == "openai-gpt"
        if not self.tied:
            self.ln_final, self.unembed = nn.LayerNorm(d), nn.Linear(d, n_classes, bias=False)

    def forward(self, tokens):
        x = self.tokens(tokens) + self.positions.weight[: tokens.shape[1]]
        x = self.block(x)[:, 0]
        if self.tied:
            return x @ self.tokens.weight.T
        return self.unembed(self.ln_final(x))


def torch_ms_per_step(case, steps, warmup=5):
    p = case["p"]
    vocab, seq, n_classes = (p + 1, 3, p) if case["arch"] == "pre-ln" else (p + 4, 6, p + 4)
    model = Gpt(vocab, seq, n_classes, case["d_model"], case["heads"], case["d_mlp"], case["arch"])
    tokens = torch.randint(0, p, (case["train_size"], seq))
    labels = torch.randint(0, p, (case["train_size"],))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, betas=BETAS, eps=EPS,
                                  weight_decay=WEIGHT_DECAY)

    def step():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(tokens), labels).backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) * 1e3 / steps


def ours_ms_per_step(grokking, case, steps):
    # One thread: flex runs single-threaded without rayon; the pool is pinned anyway.
    out = subprocess.run(
        [grokking, "bench", "--backend", "cpu", "--single", "--json", "--steps", str(steps),
         "--cases", case],
        check=True, capture_output=True, text=True,
        env={"RAYON_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    ).stdout
    single = [m for m in json.loads(out) if m["case"] == case and m["runs"] == 1]
    return single[0]["ms_per_step"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grokking", required=True, help="the CLI binary (release build)")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--out", help="write the measurements here as JSON")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rows = []
    for name in args.cases.split(","):
        for round_ in range(args.rounds):
            ours = ours_ms_per_step(args.grokking, name, args.steps)
            theirs = torch_ms_per_step(CASES[name], args.steps)
            rows.append(dict(case=name, round=round_, ours_ms=ours, torch_ms=theirs,
                             speedup=theirs / ours))
            print(f"{name} round {round_}: ours {ours:.2f} ms/step, PyTorch {theirs:.2f} ms/step,"
                  f" ours is {theirs / ours:.2f}× PyTorch's speed", flush=True)
    for name in args.cases.split(","):
        mine = [r for r in rows if r["case"] == name]
        ours = sorted(r["ours_ms"] for r in mine)[len(mine) // 2]
        theirs = sorted(r["torch_ms"] for r in mine)[len(mine) // 2]
        print(f"{name} median: ours {ours:.2f}, PyTorch {theirs:.2f} ms/step → {theirs / ours:.2f}×")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(dict(torch=torch.__version__, threads=torch.get_num_threads(), rows=rows), f,
                      indent=1)


if __name__ == "__main__":
    main()
