#!/usr/bin/env python3
"""Step-for-step parity of `grokking train --arch openai-gpt` with PyTorch (issue 25).

Builds Hugging Face's `OpenAIGPTLMHeadModel` (the authors' model: post-LN, tied head, GELU
MLP, no dropout) from the initial weights and data that `grokking train --save-init FILE`
writes, trains it full batch with `torch.optim.AdamW` on the same pairs, and compares its
history with our run file (`grokking train ... --out run.json`).

    parity.py --init init.safetensors --run run.json --out torch.json   # train, then compare
    parity.py --compare torch.json --run run.json                       # compare only

See README.md beside this file for the mapping of our parameters onto Hugging Face's and
for the measured differences.
"""

import argparse
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.numpy import load_file
from transformers import OpenAIGPTConfig, OpenAIGPTLMHeadModel

# Our LayerNorm's epsilon (src/model/layers.rs), also the authors' `layer_norm_epsilon`.
LAYER_NORM_EPSILON = 1e-5
REPORT_STEPS = [0, 100, 1000, 3000]


def load_init(path):
    """The tensors and metadata of a `--save-init` file."""
    tensors = load_file(path)
    with safe_open(path, "np") as f:
        meta = f.metadata()
    if meta.get("format") != "grokking-init" or meta.get("version") != "1":
        sys.exit(f"{path}: not a grokking-init file of version 1 ({meta.get('format')}, {meta.get('version')})")
    config = json.loads(meta["config"])
    return tensors, config, meta


def hf_state_dict(tensors, n_layers):
    """Our parameter paths → Hugging Face's OpenAI-GPT names (the README's table)."""
    t = lambda name: torch.from_numpy(tensors[name].copy())  # noqa: E731
    state = {
        "transformer.tokens_embed.weight": t("tokens.weight"),
        "transformer.positions_embed.weight": t("positions.weight"),
    }
    for i in range(n_layers):
        ours, hf = f"blocks.{i}", f"transformer.h.{i}"
        attn = f"{ours}.attention"
        # c_attn is one Conv1D [d, 3d]: query, key, value side by side (split in that order).
        state[f"{hf}.attn.c_attn.weight"] = torch.cat(
            [t(f"{attn}.{p}.weight") for p in ("query", "key", "value")], dim=1
        )
        state[f"{hf}.attn.c_attn.bias"] = torch.cat([t(f"{attn}.{p}.bias") for p in ("query", "key", "value")])
        pairs = [
            ("attn.c_proj", f"{attn}.output", "weight", "bias"),
            ("mlp.c_fc", f"{ours}.mlp.up", "weight", "bias"),
            ("mlp.c_proj", f"{ours}.mlp.down", "weight", "bias"),
            ("ln_1", f"{ours}.ln_attention", "gamma", "beta"),
            ("ln_2", f"{ours}.ln_mlp", "gamma", "beta"),
        ]
        for hf_name, our_name, weight, bias in pairs:
            state[f"{hf}.{hf_name}.weight"] = t(f"{our_name}.{weight}")
            state[f"{hf}.{hf_name}.bias"] = t(f"{our_name}.{bias}")
    return state


def build_model(tensors, config, meta, gelu, nudge=False):
    model_config = config["model"]
    if model_config["arch"] != "openai-gpt":
        sys.exit(f"the parity check is for --arch openai-gpt, not {model_config['arch']}")
    d = model_config["d_model"]
    if model_config["d_mlp"] != 4 * d:
        sys.exit(f"Hugging Face's OpenAI-GPT has an MLP of 4·d_model = {4 * d}, not {model_config['d_mlp']}")
    n_layers = model_config["n_layers"]
    hf_config = OpenAIGPTConfig(
        vocab_size=int(meta["vocab_size"]),
        n_positions=int(meta["seq_len"]),
        n_embd=d,
        n_layer=n_layers,
        n_head=model_config["n_heads"],
        afn="gelu",  # Hugging Face maps it to gelu_new, the tanh approximation
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        layer_norm_epsilon=LAYER_NORM_EPSILON,
        initializer_range=0.02,
        tie_word_embeddings=True,
    )
    model = OpenAIGPTLMHeadModel(hf_config)
    state = hf_state_dict(tensors, n_layers)
    names = {name for name, _ in model.named_parameters()}
    missing = names - set(state) - {"lm_head.weight"}
    if missing:
        sys.exit(f"no initial value for {sorted(missing)}")
    with torch.no_grad():
        params = dict(model.named_parameters())
        for name, value in state.items():
            if params[name].shape != value.shape:
                sys.exit(f"{name}: ours {tuple(value.shape)}, Hugging Face's {tuple(params[name].shape)}")
            params[name].copy_(value)
    if nudge:
        # One ulp up on every parameter: a difference of the size of float rounding, to
        # measure how fast two runs that agree to rounding part (the README's noise floor).
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(torch.nextafter(p, torch.full_like(p, math.inf)))
    if model.lm_head.weight.data_ptr() != model.transformer.tokens_embed.weight.data_ptr():
        sys.exit("the head is not tied to the token embedding")
    if gelu == "exact":
        for block in model.transformer.h:
            block.mlp.act = torch.nn.GELU()  # erf form, for the diagnosis in the README
    return model


def answer_logits(model, tokens):
    """Logits of the answer: the model's output at the last position (`=`)."""
    return model(input_ids=tokens).logits[:, -1, :]


@torch.no_grad()
def evaluate(model, tokens, labels):
    logits = answer_logits(model, tokens)
    loss = F.cross_entropy(logits, labels).item()
    acc = (logits.argmax(dim=-1) == labels).float().mean().item()
    return loss, acc


def weight_norm(model):
    # parameters() yields the tied table once, as our model holds it once.
    return math.sqrt(sum(float((p.detach().double() ** 2).sum()) for p in model.parameters()))


def eval_steps(steps, run, every):
    if run is not None:
        return sorted({p["step"] for p in run["history"]})
    return sorted(set(range(0, steps + 1, every)) | {steps})


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)  # nothing is random here; for form's sake
    tensors, config, meta = load_init(args.init)
    if config["training"]["batch_size"] is not None:
        sys.exit("the parity check trains full batch (the paper's setting); this run uses mini-batches")
    model = build_model(tensors, config, meta, args.gelu, args.nudge)
    opt_config, grokking = config["optimizer"], config["grokking"]
    optimizer = torch.optim.AdamW(
        model.parameters(),  # every parameter decays, as in ours and the authors' loop
        lr=opt_config["lr"],
        betas=(opt_config["beta1"], opt_config["beta2"]),
        eps=opt_config["epsilon"],
        weight_decay=grokking["weight_decay"],
        foreach=False,
    )
    split = lambda name: (  # noqa: E731
        torch.from_numpy(tensors[f"data.{name}.tokens"].astype(np.int64)),
        torch.from_numpy(tensors[f"data.{name}.labels"].astype(np.int64)),
    )
    (train_x, train_y), (test_x, test_y) = split("train"), split("test")
    run = json.load(open(args.run)) if args.run else None
    steps = args.steps if args.steps is not None else config["training"]["steps"]
    wanted = [s for s in eval_steps(steps, run, args.eval_every) if s <= steps]
    history, per_step = [], []
    started = time.time()
    model.train()  # no dropout: train and eval modes compute the same
    for step in range(steps + 1):
        if step in wanted:
            train_loss, train_acc = evaluate(model, train_x, train_y)
            test_loss, test_acc = evaluate(model, test_x, test_y)
            history.append(
                dict(step=step, train_loss=train_loss, test_loss=test_loss, train_acc=train_acc,
                     test_acc=test_acc, weight_norm=weight_norm(model))
            )
        if step == steps:
            break
        optimizer.zero_grad(set_to_none=True)
        logits = answer_logits(model, train_x)
        loss = F.cross_entropy(logits, train_y)  # mean over the training set: the answer only
        per_step.append(
            dict(step=step, train_loss=loss.item(), train_acc=(logits.argmax(-1) == train_y).float().mean().item())
        )
        loss.backward()
        optimizer.step()
        if args.progress and (step + 1) % args.progress == 0:
            print(f"step {step + 1}: train loss {loss.item():.6f}", file=sys.stderr)
    result = dict(
        format="grokking-parity-torch",
        init=args.init,
        gelu=args.gelu,
        nudge=args.nudge,
        torch=torch.__version__,
        wall_seconds=time.time() - started,
        config=config,
        history=history,
        per_step=per_step,
    )
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f)
        print(f"wrote {args.out} ({steps} steps, {result['wall_seconds']:.1f} s)")
    return result


def dips(points):
    """(first step with train acc ≥ 0.99, [(step, acc) of later points below 0.9])."""
    memorized, below = None, []
    for p in points:
        if memorized is None:
            if p["train_acc"] >= 0.99:
                memorized = p["step"]
        elif p["train_acc"] < 0.9:
            below.append((p["step"], round(p["train_acc"], 3)))
    return memorized, below


def episodes(below, gap):
    """Points below 0.9 grouped into dips: consecutive points at most `gap` steps apart."""
    groups = []
    for step, acc in below:
        if groups and step - groups[-1][-1][0] <= gap:
            groups[-1].append((step, acc))
        else:
            groups.append([(step, acc)])
    return [(g[0][0], g[-1][0], min(a for _, a in g)) for g in groups]


def compare(ours, theirs, report_steps, names=("ours", "torch")):
    ours_at = {p["step"]: p for p in ours["history"]}
    theirs_at = {p["step"]: p for p in theirs["history"]}
    common = sorted(set(ours_at) & set(theirs_at))
    if not common:
        sys.exit("the two histories share no evaluated step")
    print(f"step  metric      {names[0]:>13} {names[1]:>13}   |diff|     rel diff")
    for step in [s for s in report_steps if s in ours_at and s in theirs_at]:
        for key in ("train_loss", "test_loss", "train_acc", "test_acc", "weight_norm"):
            a, b = ours_at[step][key], theirs_at[step][key]
            rel = abs(a - b) / max(abs(b), 1e-30)
            print(f"{step:>5} {key:<11} {a:>13.8f} {b:>13.8f} {abs(a - b):>11.3e} {rel:>11.3e}")
    print()
    print("largest differences up to each step (over every common evaluation):")
    print(" up to  train_loss rel   test_loss rel   train_acc abs   test_acc abs")
    for limit in report_steps:
        steps = [s for s in common if s <= limit]
        if not steps or steps[-1] < min(limit, common[-1]):
            continue
        rel = lambda k: max(  # noqa: E731
            abs(ours_at[s][k] - theirs_at[s][k]) / max(abs(theirs_at[s][k]), 1e-30) for s in steps
        )
        absd = lambda k: max(abs(ours_at[s][k] - theirs_at[s][k]) for s in steps)  # noqa: E731
        print(f"{limit:>6} {rel('train_loss'):>14.3e} {rel('test_loss'):>15.3e} "
              f"{absd('train_acc'):>15.4f} {absd('test_acc'):>14.4f}")
    # The first step at which the trajectories part visibly.
    parted = next(
        (s for s in common if abs(ours_at[s]["train_loss"] - theirs_at[s]["train_loss"])
         / max(abs(theirs_at[s]["train_loss"]), 1e-30) > 1e-2), None)
    print(f"first evaluation where train loss differs by > 1 %: {parted if parted is not None else 'none'}")
    print()
    gap = 2 * max(b - a for a, b in zip(common, common[1:])) if len(common) > 1 else 1
    for name, points in ((names[0], [ours_at[s] for s in common]), (names[1], [theirs_at[s] for s in common])):
        memorized, below = dips(points)
        spans = episodes(below, gap)
        text = ", ".join(f"{a}–{b} (min {m:.2f})" if a != b else f"{a} ({m:.2f})" for a, b, m in spans)
        print(f"{name:>8}: memorized (train acc ≥ 0.99) at {memorized}; dips below 0.9 after it: "
              f"{len(spans)}{': ' + text if text else ''}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--init", help="the file of `grokking train --save-init FILE`")
    parser.add_argument("--run", help="our run file (`grokking train ... --out FILE`) to compare with")
    parser.add_argument("--out", help="where to write PyTorch's history (JSON)")
    parser.add_argument("--compare", metavar="TORCH_JSON", help="compare a history written before; no training")
    parser.add_argument("--steps", type=int, help="train this many steps [default: the run's]")
    parser.add_argument("--eval-every", type=int, default=10, help="without --run: evaluate every K steps")
    parser.add_argument("--gelu", choices=["tanh", "exact"], default="tanh",
                        help="the MLP's GELU: Hugging Face's (tanh) or the erf form (diagnosis)")
    parser.add_argument("--nudge", action="store_true",
                        help="start every parameter one ulp higher (the noise-floor run)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--progress", type=int, default=0, help="print the loss every K steps")
    parser.add_argument("--report-steps", default=",".join(map(str, REPORT_STEPS)))
    parser.add_argument("--names", default="ours,torch", help="the two columns' names (--run's first)")
    args = parser.parse_args()
    report_steps = [int(s) for s in args.report_steps.split(",")]
    if args.compare:
        theirs = json.load(open(args.compare))
    elif args.init:
        theirs = train(args)
    else:
        parser.error("give --init (train) or --compare (a history written before)")
    if args.run:
        compare(json.load(open(args.run)), theirs, report_steps, tuple(args.names.split(",", 1)))


if __name__ == "__main__":
    main()
