#!/usr/bin/python3
"""plots/rnnbench_plots.py — the paper's figures from one rnnbench results file (HDF5).

usage: /usr/bin/python3 plots/rnnbench_plots.py RESULTS.h5 [--out DIR] [--platform NAME] [--dse CSV ...]
           [--dse-x units|area] [--claims CSV ... | --no-claims] [--formats png,svg] [--only NAMES]
           [--check-layout] [--many-tasks N] [--summary JSON]

Figures (PNG and SVG; each is skipped with a note when its data is absent):
  latency            (a) latency per task of every platform in the file, published ones included, log axis
  speedup            (b) speedup of --platform (default spatial) over every other platform, per task and geomean
                         per batch size, the paper's claimed geomeans marked
  efficiency         (c) effective GFLOP/s per mm^2 and per W of every platform with area / power, the paper's
                         claimed ratios marked
  parity             (d) our model against the paper's own numbers (published platforms whose reproduced_by is
                         one of our backends), log-log, +-10 % band
  latency_vs_hidden  latency per time step vs hidden size, per cell type (batch 1)
  dse                the spatial design space (CSVs of `rnnbench explore --backend spatial`): latency vs units or
                         area, density, Pareto front, the search's choice and the cycle-simulated points

The figures are written to --out (default: the folder RESULTS-figures beside the results file), never over a
file git tracks. Up to 20 tasks a per-task figure draws grouped bars; above, a dot plot in columns. Every figure
is checked for overlapping labels and legends over data (--check-layout: exit 1 if any). Uses Debian's
python3-matplotlib, python3-h5py and python3-numpy. Exit status 0; 1 layout problems with --check-layout; 2 bad
input (unreadable or non-rnnbench file, unknown platform, missing CSV, output over a tracked file).
"""
import argparse
import json
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rbplots import claims as claims_mod  # noqa: E402
from rbplots import fig_dse, fig_efficiency, fig_hidden, fig_latency, fig_parity, fig_speedup  # noqa: E402
from rbplots import layout, style, taskplot  # noqa: E402
from rbplots.results import Results, ResultsError, load_rows  # noqa: E402

FIGURES = ("latency", "speedup", "efficiency", "parity", "latency_vs_hidden", "dse")


def default_out(results_path):
    stem = os.path.splitext(os.path.basename(results_path))[0]
    return os.path.join(os.path.dirname(os.path.abspath(results_path)), stem + "-figures")


def tracked(folder, names):
    """The names (files in folder) that git tracks; empty when folder is not in a git work tree."""
    probe = folder
    while not os.path.isdir(probe):
        probe = os.path.dirname(probe) or "."
    try:
        p = subprocess.run(["git", "-C", probe, "ls-files", "-z", "--", os.path.abspath(folder)],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    if p.returncode != 0:
        return []
    files = {os.path.realpath(os.path.join(probe, f)) for f in p.stdout.split("\0") if f}
    return [n for n in names if os.path.realpath(os.path.join(folder, n)) in files]


def save(fig, name, out, formats, written, problems):
    for msg in layout.check(fig):
        problems.append("%s: %s" % (name, msg))
    for ext in formats:
        path = os.path.join(out, "%s.%s" % (name, ext))
        meta = {"Software": "rnnbench plots"} if ext == "png" else {"Date": None}
        fig.savefig(path, dpi=style.DPI, metadata=meta)  # no bbox_inches="tight": the layout is measured
        written.append(path)
    plt.close(fig)


def _plain(v):
    """The summary as strict JSON: NaN/inf as null, numpy numbers as Python numbers."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def main(argv=None):
    ap = argparse.ArgumentParser(description="Draw rnnbench's figures (PNG + SVG) from a results file.")
    ap.add_argument("results", help="rnnbench results file (HDF5)")
    ap.add_argument("--out", default=None, help="output folder (default: RESULTS-figures beside the file)")
    ap.add_argument("--platform", default=None,
                    help="platform whose speedup over the others is drawn (default spatial, else the first of "
                         "our backends with ok rows)")
    ap.add_argument("--dse", action="append", default=[], metavar="CSV",
                    help="CSV of `rnnbench explore --backend spatial` (repeatable: one panel per problem)")
    ap.add_argument("--dse-x", choices=("units", "area"), default="units",
                    help="design-space x axis: units used (PCUs) or allocated area (mm^2)")
    ap.add_argument("--claims", action="append", default=None, metavar="CSV",
                    help="claims file (default results/published/sysml19_claims.csv of this repository)")
    ap.add_argument("--no-claims", action="store_true", help="mark no claims")
    ap.add_argument("--formats", default="png,svg", help="comma-separated: png, svg, pdf (default png,svg)")
    ap.add_argument("--check-layout", action="store_true",
                    help="exit 1 when a figure has overlapping labels or a legend over data")
    ap.add_argument("--many-tasks", type=int, default=taskplot.MANY_TASKS, metavar="N",
                    help="above N tasks the per-task figures are dot plots in columns, not bars (default %(default)s)")
    ap.add_argument("--only", default=None, metavar="NAMES",
                    help="comma-separated figures to draw (default all: %s)" % ",".join(FIGURES))
    ap.add_argument("--summary", metavar="JSON", help="also write what each figure shows (values, layout) as JSON")
    a = ap.parse_args(argv)

    formats = [f.strip() for f in a.formats.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("png", "svg", "pdf")]
    if bad or not formats:
        print("--formats %s: expected png, svg or pdf" % a.formats, file=sys.stderr)
        return 2
    only = [n.strip() for n in a.only.split(",") if n.strip()] if a.only is not None else list(FIGURES)
    if not only or any(n not in FIGURES for n in only):
        print("--only %s: expected figure names among %s" % (a.only, ", ".join(FIGURES)), file=sys.stderr)
        return 2
    try:
        results = Results(load_rows(a.results))
        chosen = results.pick(a.platform)
    except ResultsError as e:
        print("%s: %s" % (a.results, e), file=sys.stderr)
        return 2
    for d in a.dse:
        if not os.path.isfile(d):
            print("%s: no such file" % d, file=sys.stderr)
            return 2
    claim_files = [] if a.no_claims else (a.claims or [claims_mod.DEFAULT_CLAIMS])
    try:
        claims = claims_mod.read_claims([c for c in claim_files if a.claims or os.path.isfile(c)])
    except claims_mod.ClaimsError as e:
        print(e, file=sys.stderr)
        return 2
    out = a.out or default_out(a.results)
    clash = tracked(out, ["%s.%s" % (n, e) for n in FIGURES for e in formats])
    if clash:
        print("%s: would overwrite %s, tracked by git; give another --out (the README's figure is made by "
              "scripts/readme-figure)" % (out, ", ".join(clash)), file=sys.stderr)
        return 2
    os.makedirs(out, exist_ok=True)
    plt.rcParams.update({"font.size": 9, "svg.hashsalt": "rnnbench", "hatch.linewidth": 0.6})

    taskplot.MANY_TASKS = max(a.many_tasks, 1)
    look = style.Look(results)
    written, problems, summary = [], [], {"results": os.path.abspath(a.results), "figures": {}}
    drawers = [("latency", lambda: fig_latency.draw(results, look)),
               ("speedup", lambda: fig_speedup.draw(results, look, chosen, claims)),
               ("efficiency", lambda: fig_efficiency.draw(results, look, claims)),
               ("parity", lambda: fig_parity.draw(results, look)),
               ("latency_vs_hidden", lambda: fig_hidden.draw(results, look)),
               ("dse", lambda: fig_dse.draw(a.dse, a.dse_x))]
    if not results.rows:
        print("note: %s has no rows; only the design-space figure can be drawn" % a.results)
    for name, draw in drawers:
        if name not in only or (name != "dse" and not results.rows):
            continue
        fig, info = draw()
        if fig is None:
            print("note: %s figure skipped (%s)" % (name, info))
            summary["figures"][name] = {"skipped": info}
            continue
        n_before = len(problems)
        save(fig, name, out, formats, written, problems)
        info["size_px"] = [int(round(v * style.DPI)) for v in fig.get_size_inches()]
        info["layout_problems"] = problems[n_before:]
        summary["figures"][name] = info
    for p in written:
        print("wrote", p)
    for p in problems:
        print("layout: %s" % p, file=sys.stderr)
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump(_plain(summary), f, indent=1, allow_nan=False)
            f.write("\n")
    return 1 if problems and a.check_layout else 0


if __name__ == "__main__":
    sys.exit(main())
