#!/usr/bin/env python3
"""backends/cublas/tools/torch_peer.py — PyTorch's nn.LSTM / nn.GRU / nn.RNN (cuDNN underneath on a GPU) as an
independent peer of the cublas and cudnn backends, on the SAME weights, inputs and fp32 reference output that
`gpu-bench --dump DIR` wrote (one folder per task: meta.txt, W/U/bw/bu/x/ref as raw little-endian float32).

Each (task, precision) gives one CSV row in gpu-bench's columns (see gpu_check_csv.py): median and p99 of CUDA-event
times around module(x) (x already on the device; Python dispatch and PyTorch's own overhead included, as a user of
nn.LSTM sees it), max_rel_err = max|y - ref| / max|ref| against the C fp32 reference, and the energy per inference
from NVML's total-energy counter over a >= 1 s window when NVML answers.

Precision: fp32 with TF32 disabled in cuDNN and cuBLAS (strict fp32, like the backends' fp32), fp16 = module and
input in half (cuDNN's fp16 RNN, the paper's V100 configuration).

Without torch, or without a CUDA device, every row is written with status `unavailable` and the reason, so the
caller always gets a complete CSV. `--device cpu` runs fp32 on the CPU instead: the same weight mapping and CSV path
without a GPU (a dry run of this script; fp16 rows are then `unavailable`).

Usage: torch_peer.py --dump DIR --csv OUT [--device cuda|cpu] [--precisions fp32,fp16] [--reps N]
                     [--energy-s S] [--deadline S] [--tasks N]
"""
import argparse
import ctypes
import csv
import os
import statistics
import sys
import time

COLUMNS = ["task", "cell", "hidden", "input", "batch", "timesteps", "backend", "options", "status", "median_ms",
           "p99_ms", "min_ms", "reps", "max_rel_err", "error_bound", "within_bound", "energy_j", "power_w", "device",
           "note"]


def read_meta(task_dir):
    meta = {}
    with open(os.path.join(task_dir, "meta.txt"), encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, val = line.partition("=")
                meta[key.strip()] = val.strip()
    for k in ("hidden", "input", "batch", "timesteps", "gates"):
        meta[k] = int(meta[k])
    return meta


def task_dirs(dump):
    """Task folders in suite order (tasks.txt), or sorted when it is missing."""
    listing = os.path.join(dump, "tasks.txt")
    if os.path.exists(listing):
        with open(listing, encoding="ascii") as f:
            names = [n.strip() for n in f if n.strip()]
    else:
        names = sorted(n for n in os.listdir(dump) if os.path.isdir(os.path.join(dump, n)))
    return [os.path.join(dump, n) for n in names]


def read_bounds(dump):
    """Error bounds per precision as the C backends declare them (written by gpu-bench into bounds.txt)."""
    bounds = {}
    path = os.path.join(dump, "bounds.txt")
    if os.path.exists(path):
        with open(path, encoding="ascii") as f:
            for line in f:
                key, _, val = line.strip().partition("=")
                if key and val:
                    bounds[key] = float(val)
    return bounds


def percentile(sorted_xs, q):
    """Linear interpolation between closest ranks ("type 7"), as harness/stats.c."""
    if not sorted_xs:
        return float("nan")
    pos = (len(sorted_xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


class Nvml:
    """nvmlDeviceGetTotalEnergyConsumption through ctypes (libnvidia-ml.so.1), as backends/cublas/gpu_nvml.c."""

    def __init__(self):
        self.why = ""
        self.handle = None
        try:
            self.lib = ctypes.CDLL("libnvidia-ml.so.1")
        except OSError as e:
            self.why = "NVML unavailable: %s" % e
            return
        if self.lib.nvmlInit_v2() != 0:
            self.why = "NVML nvmlInit_v2 failed"
            return
        count = ctypes.c_uint(0)
        self.lib.nvmlDeviceGetCount_v2(ctypes.byref(count))
        handle = ctypes.c_void_p()
        # one visible GPU on the device machine; with several, index 0 may not be CUDA's device 0
        rc = self.lib.nvmlDeviceGetHandleByIndex_v2(ctypes.c_uint(0), ctypes.byref(handle))
        if rc != 0:
            self.why = "NVML device handle failed (%d)" % rc
            return
        self.handle = handle
        if count.value != 1:
            self.why = "NVML sees %d GPUs; energy read from index 0" % count.value

    def millijoules(self):
        if self.handle is None:
            return None
        mj = ctypes.c_ulonglong(0)
        rc = self.lib.nvmlDeviceGetTotalEnergyConsumption(self.handle, ctypes.byref(mj))
        return mj.value if rc == 0 else None


def load_f32(torch, path, count):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if len(data) != 4 * count:
        raise ValueError("%s: %d bytes, expected %d" % (path, len(data), 4 * count))
    t = torch.frombuffer(data, dtype=torch.float32)
    return t if sys.byteorder == "little" else t.byteswap()


def make_module(torch, meta, device, dtype):
    """nn.LSTM / nn.GRU / nn.RNN with rnnbench's W, U, bw, bu. rnnbench's gate order (LSTM i,f,g,o; GRU r,z,n with
    linear-before-reset n) and row-major [G*H][I] layout are PyTorch's weight_ih_l0 / weight_hh_l0 as they are."""
    nn = torch.nn
    H, I, G = meta["hidden"], meta["input"], meta["gates"]
    cell = meta["cell"]
    if cell == "lstm":
        mod = nn.LSTM(I, H)
    elif cell == "gru":
        mod = nn.GRU(I, H)
    else:
        mod = nn.RNN(I, H, nonlinearity="tanh")
    if G != {"lstm": 4, "gru": 3}.get(cell, 1):
        raise ValueError("gates %d do not fit cell %s" % (G, cell))
    # move first (RNNBase re-flattens its weights into one cuDNN buffer on .to()), then copy in place
    mod = mod.to(device=device, dtype=dtype).eval()
    d = meta["dir"]
    with torch.no_grad():
        mod.weight_ih_l0.copy_(load_f32(torch, os.path.join(d, "W.f32"), G * H * I).view(G * H, I))
        mod.weight_hh_l0.copy_(load_f32(torch, os.path.join(d, "U.f32"), G * H * H).view(G * H, H))
        mod.bias_ih_l0.copy_(load_f32(torch, os.path.join(d, "bw.f32"), G * H))
        mod.bias_hh_l0.copy_(load_f32(torch, os.path.join(d, "bu.f32"), G * H))
    return mod


def row_base(meta, backend, options):
    return {"task": meta["name"], "cell": meta["cell"], "hidden": meta["hidden"], "input": meta["input"],
            "batch": meta["batch"], "timesteps": meta["timesteps"], "backend": backend, "options": options}


def run_one(torch, meta, prec, args, nvml, bounds, device_name):
    """One (task, precision) on args.device: returns the CSV row."""
    module_name = {"lstm": "nn.LSTM", "gru": "nn.GRU"}.get(meta["cell"], "nn.RNN")
    on_gpu = args.device == "cuda"
    backend = "pytorch" if on_gpu else "pytorch-cpu"
    row = row_base(meta, backend, "precision=%s,module=%s" % (prec, module_name))
    bound = bounds.get(prec, float("nan"))
    row["error_bound"] = bound
    if prec == "fp16" and not on_gpu:
        row.update(status="unavailable", note="fp16 runs on CUDA only")
        return row
    dtype = torch.float16 if prec == "fp16" else torch.float32
    T, B, I, H = meta["timesteps"], meta["batch"], meta["input"], meta["hidden"]
    mod = make_module(torch, meta, args.device, dtype)
    x = load_f32(torch, os.path.join(meta["dir"], "x.f32"), T * B * I).view(T, B, I).to(args.device, dtype)
    with torch.inference_mode():
        y, _ = mod(x)  # warm-up (cuDNN plan, kernels loaded)
        if on_gpu:
            torch.cuda.synchronize()
        times = []
        for _ in range(args.reps):
            if on_gpu:
                t0, t1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                t0.record()
                y, _ = mod(x)
                t1.record()
                t1.synchronize()
                times.append(t0.elapsed_time(t1))
            else:
                s = time.perf_counter()
                y, _ = mod(x)
                times.append((time.perf_counter() - s) * 1e3)
        times.sort()
        row.update(status="ok", median_ms=statistics.median(times), p99_ms=percentile(times, 0.99),
                   min_ms=times[0], reps=len(times), device=device_name)
        ref_path = os.path.join(meta["dir"], "ref.f32")
        notes = []
        if os.path.exists(ref_path):
            ref = load_f32(torch, ref_path, T * B * H).view(T, B, H)
            yf = y.detach().float().cpu()
            denom = float(ref.abs().max())
            err = float((yf - ref).abs().max()) / denom if denom > 0 else float("nan")
            row["max_rel_err"] = err
            row["within_bound"] = int(err <= bound) if bound == bound else ""
        else:
            notes.append("no reference in the dump")
        if on_gpu and nvml is not None and nvml.handle is not None and args.energy_s > 0:
            e0, s0, reps = nvml.millijoules(), time.monotonic(), 0
            while time.monotonic() - s0 < args.energy_s or reps < 3:
                mod(x)
                torch.cuda.synchronize()
                reps += 1
            e1, s1 = nvml.millijoules(), time.monotonic()
            if e0 is not None and e1 is not None and e1 > e0:
                row["energy_j"] = (e1 - e0) * 1e-3 / reps
                row["power_w"] = (e1 - e0) * 1e-3 / (s1 - s0)
            else:
                notes.append("NVML energy counter did not advance")
        elif on_gpu:
            notes.append((nvml.why if nvml is not None else "") or "energy off")
        if nvml is not None and nvml.why and nvml.handle is not None:
            notes.append(nvml.why)
        row["note"] = "; ".join([args.versions] + notes)
    return row


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", required=True, help="folder written by gpu-bench --dump")
    ap.add_argument("--csv", required=True, help="output CSV (gpu-bench's columns)")
    ap.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    ap.add_argument("--precisions", default="fp32,fp16")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--energy-s", type=float, default=1.0)
    ap.add_argument("--deadline", type=float, default=0.0, help="seconds; no new task starts after it (0: none)")
    ap.add_argument("--tasks", type=int, default=0, help="only the first N tasks of the dump (0: all)")
    args = ap.parse_args(argv)
    start = time.monotonic()
    precisions = [p for p in args.precisions.split(",") if p]
    tasks = []
    for d in task_dirs(args.dump):
        meta = read_meta(d)
        meta["dir"] = d
        meta.setdefault("name", os.path.basename(d))
        tasks.append(meta)
    if args.tasks > 0:
        tasks = tasks[:args.tasks]
    bounds = read_bounds(args.dump)

    why_none = ""
    torch = None
    try:
        import torch  # noqa: F811 (module-level name kept free for the no-torch case)
    except Exception as e:  # ImportError, or a broken install
        why_none = "PyTorch not installed (import torch: %s)" % e
    device_name = ""
    if torch is not None:
        args.versions = "torch %s, CUDA %s, cuDNN %s" % (torch.__version__, torch.version.cuda,
                                                          torch.backends.cudnn.version())
        if args.device == "cuda":
            if not torch.cuda.is_available():
                why_none = "no CUDA device (torch.cuda.is_available() is False; %s)" % args.versions
            else:
                device_name = torch.cuda.get_device_name(0)
                torch.backends.cudnn.enabled = True
                torch.backends.cudnn.allow_tf32 = False  # strict fp32, like the backends' precision=fp32
                torch.backends.cuda.matmul.allow_tf32 = False
        else:
            device_name = "CPU (torch %s, %d threads)" % (torch.__version__, torch.get_num_threads())
    nvml = Nvml() if (torch is not None and not why_none and args.device == "cuda") else None

    with open(args.csv, "w", newline="", encoding="ascii", errors="replace") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="raise")
        w.writeheader()
        for meta in tasks:
            for prec in precisions:
                module_name = {"lstm": "nn.LSTM", "gru": "nn.GRU"}.get(meta["cell"], "nn.RNN")
                backend = "pytorch" if args.device == "cuda" else "pytorch-cpu"
                base = row_base(meta, backend, "precision=%s,module=%s" % (prec, module_name))
                if why_none:
                    row = dict(base, status="unavailable", note=why_none)
                elif args.deadline and time.monotonic() - start > args.deadline:
                    row = dict(base, status="skipped", note="time budget of %.0f s spent" % args.deadline)
                else:
                    try:
                        row = run_one(torch, meta, prec, args, nvml, bounds, device_name)
                    except Exception as e:  # a failure of one row must not lose the others
                        row = dict(base, status="failed", note="%s: %s" % (type(e).__name__, e))
                w.writerow(row)
                f.flush()
                print("%-16s %-12s %-40s %-11s %s" % (row["task"], row["backend"], row["options"], row["status"],
                                                      row.get("median_ms", row.get("note", ""))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
