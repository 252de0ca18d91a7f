#!/usr/bin/env python3
"""backends/cublas/tools/gpu_check_csv.py — the CSV side of scripts/gpu-check, plain Python (no third-party module).

  merge OUT.csv IN.csv ...            one CSV from gpu-bench's and torch_peer.py's files (same columns, checked)
  summary GPU_CHECK.csv [--table6 F]  the checks of issue 15 as text: rows over their error bound, our cudnn fp16
                                      input=full against PyTorch fp16 (within +-25 %?), median latencies per task,
                                      and the geomean of cudnn fp16 over the paper's V100 column when F (the
                                      repository's results/published/sysml19_table6.csv) is given
  published GPU_CHECK.csv --env ENV [--out F]
                                      the measured rows in the form `rnnbench import` reads (results/published/
                                      README.md: platform, cell, hidden, input, batch, timesteps, latency_ms, ...,
                                      citation), one platform per backend configuration, e.g.
                                      "h200-cudnn-fp16 (meas)"; only rows with status ok whose output was
                                      within the error bound; ENV is gpu-check's environment.txt (GPU, CUDA and cuDNN
                                      versions, date), quoted in every row's citation. Platform names are at most 31
                                      characters: 'h200-cudnn-fp16-skip (meas)', 'h200-pytorch-fp16 (meas)'.
Exit status: 0, or 2 with "FILE:LINE: why" on a malformed input.
"""
import csv
import math
import sys

COLUMNS = ["task", "cell", "hidden", "input", "batch", "timesteps", "backend", "options", "status", "median_ms",
           "p99_ms", "min_ms", "reps", "max_rel_err", "error_bound", "within_bound", "energy_j", "power_w", "device",
           "note"]

PUBLISHED_COLUMNS = ["platform", "cell", "hidden", "input", "batch", "timesteps", "latency_ms", "latency_stat",
                     "power_w", "power_kind", "energy_j", "precision", "device", "citation", "note"]


class BadInput(Exception):
    pass


def read_rows(path):
    with open(path, newline="", encoding="ascii", errors="replace") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise BadInput("%s:1: empty file (expected the header %s)" % (path, ",".join(COLUMNS)))
        if header != COLUMNS:
            raise BadInput("%s:1: header is not gpu-check's columns (%s)" % (path, ",".join(COLUMNS)))
        rows = []
        for lineno, fields in enumerate(reader, start=2):
            if len(fields) != len(COLUMNS):
                raise BadInput("%s:%d: %d fields, expected %d" % (path, lineno, len(fields), len(COLUMNS)))
            rows.append(dict(zip(COLUMNS, fields), _at="%s:%d" % (path, lineno)))
    return rows


def num(row, key):
    v = row.get(key, "")
    try:
        return float(v) if v != "" else float("nan")
    except ValueError:
        raise BadInput("%s: %s: '%s' is not a number" % (row["_at"], key, v))


def options_of(row):
    return dict(kv.split("=", 1) for kv in row["options"].split(",") if "=" in kv)


def merge(out, inputs):
    rows = []
    for path in inputs:
        rows.extend(read_rows(path))
    with open(out, "w", newline="", encoding="ascii") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    print("%s: %d rows from %d files" % (out, len(rows), len(inputs)))


def read_table6_v100(path):
    """V100 latencies (ms) by (cell, hidden, timesteps) from the repository's copy of SysML'19 Table 6."""
    v100 = {}
    with open(path, newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for row in csv.DictReader(lines):
        if row.get("platform", "").startswith("v100"):
            v100[(row["cell"], int(row["hidden"]), int(row["timesteps"]))] = float(row["latency_ms"])
    return v100


def summary(path, table6=None):
    rows = read_rows(path)
    by_status = {}
    for r in rows:
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    print("rows: %d (%s)" % (len(rows), ", ".join("%s %d" % kv for kv in sorted(by_status.items()))))
    over = [r for r in rows if r["status"] == "ok" and r["within_bound"] == "0"]
    print("rows over their error bound: %d" % len(over))
    for r in over:
        print("  %s %s %s: max_rel_err %s > %s" % (r["task"], r["backend"], r["options"], r["max_rel_err"],
                                                    r["error_bound"]))
    tasks = []
    for r in rows:
        if r["task"] not in tasks:
            tasks.append(r["task"])
    def config_of(r):  # the peer's module (nn.LSTM / nn.GRU) follows the task: one column for both
        return (r["backend"], ",".join(kv for kv in r["options"].split(",") if not kv.startswith("module=")))

    configs = []
    for r in rows:
        if config_of(r) not in configs:
            configs.append(config_of(r))
    print("\nmedian latency, ms (status other than ok: '-')")
    print("| task | " + " | ".join("%s %s" % c for c in configs) + " |")
    print("|---" * (len(configs) + 1) + "|")
    cell = {(r["task"],) + config_of(r): r for r in rows}
    for t in tasks:
        vals = []
        for c in configs:
            r = cell.get((t,) + c)
            vals.append("%.4f" % num(r, "median_ms") if r and r["status"] == "ok" else "-")
        print("| %s | %s |" % (t, " | ".join(vals)))

    def pick(backend, prec, inp=None):
        out = {}
        for r in rows:
            o = options_of(r)
            if r["backend"] == backend and o.get("precision") == prec and r["status"] == "ok" and \
                    (inp is None or o.get("input", "full") == inp) and o.get("algo", "standard") == "standard":
                out[r["task"]] = r
        return out

    ours, peer = pick("cudnn", "fp16", "full"), pick("pytorch", "fp16")
    print("\ncudnn fp16 input=full vs PyTorch fp16 (same shapes, weights and inputs): ratio ours/PyTorch")
    ratios = []
    for t in tasks:
        if t in ours and t in peer:
            q = num(ours[t], "median_ms") / num(peer[t], "median_ms")
            ratios.append(q)
            print("  %-16s %.4f / %.4f ms = %.3f %s" % (t, num(ours[t], "median_ms"), num(peer[t], "median_ms"), q,
                                                       "" if 0.75 <= q <= 1.25 else "OUTSIDE +-25 %"))
        else:
            print("  %-16s missing (%s)" % (t, "ours" if t not in ours else "PyTorch"))
    if ratios:
        print("  geomean %.3f over %d tasks" % (math.exp(sum(map(math.log, ratios)) / len(ratios)), len(ratios)))
    if table6:
        v100 = read_table6_v100(table6)
        logs = []
        for t, r in ours.items():
            key = (r["cell"], int(r["hidden"]), int(r["timesteps"]))
            if key in v100:
                logs.append(math.log(v100[key] / num(r, "median_ms")))
        if logs:
            print("\ngeomean speedup of our cudnn fp16 input=full over the paper's V100 (TF + cuDNN fp16), %d tasks: "
                  "%.2fx" % (len(logs), math.exp(sum(logs) / len(logs))))
        else:
            print("\nno task matches the V100 column of %s" % table6)


def read_env(path):
    env = {}
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                env[k.strip()] = v.strip()
    return env


ALGO_SHORT = {"persist-static": "pers", "persist-dynamic": "pdyn", "persist-static-small-h": "psmh"}
PLATFORM_MAX = 31  # rnnbench import: at most 31 characters


def gpu_short(gpu):
    """'NVIDIA H200' -> 'h200': the first word that looks like a model (letters then digits), else 'gpu'."""
    for word in gpu.replace("-", " ").split():
        if any(c.isdigit() for c in word) and word[0].isalpha() and word.upper() != word.lower():
            return "".join(c for c in word.lower() if c.isalnum())[:8]
    return "gpu"


def platform_name(r, gpu):
    """One platform per configuration, e.g. 'h200-cudnn-fp16-skip (meas)': letters, digits, '-', ' ', '(', ')'."""
    o = options_of(r)
    words = [gpu_short(gpu), r["backend"], o.get("precision", "fp32")]
    if o.get("input") == "skip":
        words.append("skip")
    if o.get("graph") == "on":
        words.append("graph")
    if o.get("algo", "standard") != "standard":
        words.append(ALGO_SHORT.get(o["algo"], o["algo"]))
    name = "-".join(words) + " (meas)"
    name = "".join(ch if ch.isalnum() or ch in " ._()+-" else "-" for ch in name)
    if len(name) > PLATFORM_MAX:
        raise BadInput("%s: platform name '%s' is longer than %d characters" % (r["_at"], name, PLATFORM_MAX))
    return name


def published(path, env_path, out):
    rows = read_rows(path)
    env = read_env(env_path)
    gpu = env.get("gpu_name", "GPU")
    cite = ("measured by rnnbench scripts/gpu-check on %s, %s, driver %s, CUDA toolkit %s, cuDNN %s, PyTorch %s" %
            (gpu, env.get("date", "?"), env.get("driver", "?"), env.get("cuda_toolkit", "?"),
             env.get("cudnn", "?"), env.get("torch", "?"))).replace(";", ",")
    kept = dropped = 0
    f = open(out, "w", newline="", encoding="ascii") if out else sys.stdout
    w = csv.DictWriter(f, fieldnames=PUBLISHED_COLUMNS)
    f.write("# GPU results measured by scripts/gpu-check (%s), converted by gpu_check_csv.py published.\n" % gpu)
    f.write("# latency_ms = median of CUDA-event times of one whole-sequence inference; power_w = NVML board power\n"
            "# averaged over the energy window; energy_j = NVML energy per inference. Format: results/published/"
            "README.md.\n")
    w.writeheader()
    for r in rows:
        if r["status"] != "ok" or r["within_bound"] != "1":
            dropped += 1
            print("dropped %s %s %s: status %s, within_bound '%s'" % (r["task"], r["backend"], r["options"],
                                                                       r["status"], r["within_bound"]),
                  file=sys.stderr)
            continue
        energy, power = num(r, "energy_j"), num(r, "power_w")
        w.writerow({
            "platform": platform_name(r, gpu), "cell": r["cell"], "hidden": r["hidden"], "input": r["input"],
            "batch": r["batch"], "timesteps": r["timesteps"], "latency_ms": "%.6g" % num(r, "median_ms"),
            "latency_stat": "median", "power_w": "%.4g" % power if power == power else "",
            "power_kind": "per_task" if power == power else "", "energy_j": "%.6g" % energy if energy == energy else "",
            "precision": options_of(r).get("precision", "fp32"), "device": r["device"], "citation": cite,
            "note": ("options %s, p99 %s ms, max_rel_err %s, %s reps" % (r["options"], r["p99_ms"], r["max_rel_err"],
                                                                        r["reps"])).replace(";", ","),
        })
        kept += 1
    if out:
        f.close()
    print("%d rows converted, %d dropped" % (kept, dropped), file=sys.stderr)


def main(argv):
    try:
        if len(argv) >= 3 and argv[0] == "merge":
            merge(argv[1], argv[2:])
        elif len(argv) in (2, 4) and argv[0] == "summary":
            summary(argv[1], argv[3] if len(argv) == 4 and argv[2] == "--table6" else None)
        elif len(argv) in (4, 6) and argv[0] == "published" and argv[2] == "--env":
            published(argv[1], argv[3], argv[5] if len(argv) == 6 and argv[4] == "--out" else None)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except BadInput as e:
        print(e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
