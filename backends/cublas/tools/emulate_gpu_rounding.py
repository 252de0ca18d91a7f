#!/usr/bin/env python3
"""backends/cublas/tools/emulate_gpu_rounding.py — what max_rel_err the GPU backends' precisions should give, from a
CPU emulation of their rounding on the same problems (weights, inputs and fp32 reference dumped by `gpu-bench --dump`).
It justifies the error bounds in backends/cublas/gpu_option_specs.c without a GPU; the GPU run (scripts/gpu-check)
measures the real figures.

Emulated, per precision (products and sums in fp32 on the CPU, in PyTorch's order, not cuBLAS's or cuDNN's):
  fp32  nothing rounded beyond fp32 storage and fp32 accumulation
  tf32  the GEMM operands (W, U, x, h) rounded to TF32 (10 explicit mantissa bits, round to nearest); states fp32
  fp16  W, U, both biases and x in fp16; h (and the LSTM c) rounded to fp16 after every step, as cuDNN's fp16 RNN
        stores them (c in fp16 is the pessimistic reading); gate arithmetic in fp32
Usage: emulate_gpu_rounding.py DUMP_DIR [--max-steps N]   (needs PyTorch, CPU is enough)
"""
import os
import sys

import torch


def read_meta(d):
    meta = {}
    with open(os.path.join(d, "meta.txt"), encoding="ascii") as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, _, v = line.strip().partition("=")
                meta[k] = v
    for k in ("hidden", "input", "batch", "timesteps", "gates"):
        meta[k] = int(meta[k])
    return meta


def load(d, name, shape):
    with open(os.path.join(d, name), "rb") as f:
        data = bytearray(f.read())
    return torch.frombuffer(data, dtype=torch.float32).view(*shape)


def to_tf32(t):
    """Round fp32 to 10 explicit mantissa bits (round to nearest, ties away; enough for an error estimate)."""
    bits = t.contiguous().view(torch.int32)
    rounded = (bits + 0x1000) & ~0x1FFF
    return rounded.view(torch.float32)


def run(meta, d, prec, steps):
    H, I, B, G = meta["hidden"], meta["input"], meta["batch"], meta["gates"]
    W = load(d, "W.f32", (G * H, I))
    U = load(d, "U.f32", (G * H, H))
    bw = load(d, "bw.f32", (G * H,))
    bu = load(d, "bu.f32", (G * H,))
    x = load(d, "x.f32", (meta["timesteps"], B, I))[:steps]
    ref = load(d, "ref.f32", (meta["timesteps"], B, H))[:steps]
    op = {"fp32": lambda t: t, "tf32": to_tf32, "fp16": lambda t: t.half().float()}[prec]
    state = (lambda t: t.half().float()) if prec == "fp16" else (lambda t: t)
    if prec == "fp16":
        bw, bu = bw.half().float(), bu.half().float()
    Wq, Uq = op(W), op(U)
    h = torch.zeros(B, H)
    c = torch.zeros(B, H)
    ys = []
    for t in range(steps):
        xp = op(x[t]) @ Wq.T + bw
        hp = op(h) @ Uq.T + bu
        if meta["cell"] == "lstm":
            i, f, g, o = [(xp + hp)[:, k * H:(k + 1) * H] for k in range(4)]
            c = state(torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g))
            h = state(torch.sigmoid(o) * torch.tanh(c))
        elif meta["cell"] == "gru":
            r = torch.sigmoid(xp[:, :H] + hp[:, :H])
            z = torch.sigmoid(xp[:, H:2 * H] + hp[:, H:2 * H])
            n = torch.tanh(xp[:, 2 * H:] + r * hp[:, 2 * H:])
            h = state((1 - z) * n + z * h)
        else:
            h = state(torch.tanh(xp + hp))
        ys.append(h)
    y = torch.stack(ys)
    return float((y - ref).abs().max() / ref.abs().max())


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    dump = argv[0]
    max_steps = int(argv[2]) if len(argv) == 3 and argv[1] == "--max-steps" else 0
    with open(os.path.join(dump, "tasks.txt"), encoding="ascii") as f:
        tasks = [t.strip() for t in f if t.strip()]
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    print("%-16s %6s %12s %12s %12s" % ("task", "steps", "fp32", "tf32", "fp16"))
    with torch.no_grad():
        for name in tasks:
            d = os.path.join(dump, name)
            meta = read_meta(d)
            if meta.get("reference") != "ref.f32":
                continue
            steps = meta["timesteps"] if max_steps <= 0 else min(max_steps, meta["timesteps"])
            errs = [run(meta, d, p, steps) for p in ("fp32", "tf32", "fp16")]
            print("%-16s %6d %12.3g %12.3g %12.3g" % (name, steps, *errs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
