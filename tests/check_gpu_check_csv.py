#!/usr/bin/env python3
"""tests/check_gpu_check_csv.py — backends/cublas/tools/gpu_check_csv.py (scripts/gpu-check's CSV side) on made-up
gpu-bench and PyTorch-peer CSVs: merge keeps every row, summary flags rows over their bound and a PyTorch ratio
outside +-25 %, the importer-ready form keeps only ok rows within their bound and names one platform per
configuration, `rnnbench import` (given as --rnnbench PATH) accepts that form, and malformed input exits 2 with
FILE:LINE. Prints 'N passed, N failed'."""
import csv
import os
import subprocess
import sys
import tempfile

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "backends", "cublas", "tools",
                    "gpu_check_csv.py")
COLUMNS = ["task", "cell", "hidden", "input", "batch", "timesteps", "backend", "options", "status", "median_ms",
           "p99_ms", "min_ms", "reps", "max_rel_err", "error_bound", "within_bound", "energy_j", "power_w", "device",
           "note"]
passed = failed = 0
RNNBENCH = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--rnnbench" else None


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def write(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow(r)


def row(task, backend, options, status="ok", median="1.0", err="1e-6", bound="1e-4", within="1", **kw):
    cell, hidden, t = task.split("-")
    r = dict(task=task, cell=cell, hidden=hidden, input=hidden, batch="1", timesteps=t[1:], backend=backend,
             options=options, status=status, median_ms=median if status == "ok" else "", p99_ms="", min_ms="",
             reps="30" if status == "ok" else "", max_rel_err=err if status == "ok" else "", error_bound=bound,
             within_bound=within if status == "ok" else "", energy_j="", power_w="", device="NVIDIA H200",
             note="math fma; energy: x")
    r.update(kw)
    return r


def run(*args):
    p = subprocess.run([sys.executable, TOOL] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    with tempfile.TemporaryDirectory() as d:
        ours, peer = os.path.join(d, "gpu-bench.csv"), os.path.join(d, "torch.csv")
        write(ours, [
            row("gru-512-t1", "cudnn", "precision=fp16,input=full", median="0.100", bound="0.05", energy_j="0.01",
                power_w="120"),
            row("lstm-256-t150", "cudnn", "precision=fp16,input=full", median="2.0", bound="0.05"),
            row("lstm-256-t150", "cublas", "precision=fp32,graph=on", err="3e-4", within="0"),
            row("lstm-256-t150", "cudnn", "precision=fp32,input=skip", status="failed", note="cudnnRNNForward: x"),
        ])
        write(peer, [
            row("gru-512-t1", "pytorch", "precision=fp16,module=nn.GRU", median="0.090", bound="0.05"),
            row("lstm-256-t150", "pytorch", "precision=fp16,module=nn.LSTM", median="1.0", bound="0.05"),
        ])
        merged = os.path.join(d, "gpu-check.csv")
        rc, out, _ = run("merge", merged, ours, peer)
        check(rc == 0 and "6 rows from 2 files" in out, "merge: %d %s" % (rc, out))
        with open(merged, newline="") as f:
            rows = list(csv.DictReader(f))
        check(len(rows) == 6 and rows[0]["options"] == "precision=fp16,input=full", "merge keeps rows and quoting")

        table6 = os.path.join(d, "table6.csv")
        with open(table6, "w") as f:
            f.write("# a comment line\nplatform,cell,hidden,input,batch,timesteps,latency_ms,citation\n"
                    "v100-tf-fp16 (paper),gru,512,512,1,1,0.39,x\nbrainwave (paper),gru,512,512,1,1,0.013,x\n")
        rc, out, _ = run("summary", merged, "--table6", table6)
        check(rc == 0, "summary exit %d" % rc)
        check("rows over their error bound: 1" in out, "summary counts the row over its bound:\n" + out)
        line = [ln for ln in out.splitlines() if "0.1000 / 0.0900 ms" in ln]
        check(len(line) == 1 and "= 1.111" in line[0] and "OUTSIDE" not in line[0], "summary ratio within 25 %")
        check("2.0000 / 1.0000 ms = 2.000 OUTSIDE +-25 %" in out, "summary flags a ratio outside +-25 %:\n" + out)
        check("over the paper's V100 (TF + cuDNN fp16), 1 tasks: 3.90x" in out, "geomean over V100:\n" + out)
        check("| lstm-256-t150 | 2.0000 | 1.0000 | - | 1.0000 |" in out, "summary table:\n" + out)

        env = os.path.join(d, "environment.txt")
        with open(env, "w") as f:
            f.write("gpu_name=NVIDIA H200\ndate=2030-01-01T00:00:00Z\ndriver=580.1\ncuda_toolkit=13.0\ncudnn=9.19.0\n"
                    "torch=2.9 cuda 13.0\n")
        pub = os.path.join(d, "published.csv")
        rc, _, err = run("published", merged, "--env", env, "--out", pub)
        check(rc == 0 and "4 rows converted, 2 dropped" in err, "published: %d %s" % (rc, err))
        with open(pub, newline="") as f:
            prow = list(csv.DictReader(line for line in f if not line.startswith("#")))
        names = [r["platform"] for r in prow]
        check(names == ["h200-cudnn-fp16 (meas)"] * 2 + ["h200-pytorch-fp16 (meas)"] * 2,
              "platform names: %s" % names)
        check(prow[0]["latency_ms"] == "0.1" and prow[0]["latency_stat"] == "median" and prow[0]["power_w"] == "120"
              and prow[0]["power_kind"] == "per_task" and prow[0]["energy_j"] == "0.01", "published figures")
        check(all(";" not in r["citation"] + r["note"] for r in prow) and "cuDNN 9.19.0" in prow[0]["citation"],
              "citation names the versions and holds no ';'")

        if RNNBENCH:  # the converted file is accepted by `rnnbench import` as it is
            h5 = os.path.join(d, "imported.h5")
            p = subprocess.run([RNNBENCH, "import", pub, "--output", h5], capture_output=True, text=True)
            check(p.returncode == 0 and os.path.exists(h5), "rnnbench import: %d %s %s" % (p.returncode, p.stdout,
                                                                                          p.stderr))
            long_name = os.path.join(d, "long.csv")
            with open(pub) as f, open(long_name, "w") as g:
                g.write(f.read().replace("h200-cudnn-fp16 (meas)", "h200-cudnn-fp16-a-much-longer-name (meas)"))
            p = subprocess.run([RNNBENCH, "import", long_name, "--output", h5], capture_output=True, text=True)
            check(p.returncode == 2, "rnnbench import refuses a 40-character platform (the limit the tool keeps)")

        bad = os.path.join(d, "bad.csv")
        with open(bad, "w") as f:
            f.write(",".join(COLUMNS) + "\nonly,three,fields\n")
        rc, _, err = run("summary", bad)
        check(rc == 2 and (bad + ":2:") in err, "short row: %d %s" % (rc, err))
        with open(bad, "w") as f:
            f.write("task,median_ms\n")
        rc, _, err = run("merge", os.path.join(d, "m.csv"), bad)
        check(rc == 2 and (bad + ":1:") in err, "bad header: %d %s" % (rc, err))
        rc, _, _ = run("nonsense")
        check(rc == 2, "unknown command exits 2")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
