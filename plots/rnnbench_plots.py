#!/usr/bin/python3
"""plots/rnnbench_plots.py — draws the paper-style figures from an rnnbench results file (HDF5).

usage: /usr/bin/python3 plots/rnnbench_plots.py RESULTS.h5 [--out DIR] [--baseline BACKEND] [--dse CSV]

Figures (PNG at a fixed size and SVG; each is skipped with a note when its data is absent):
  speedup.{png,svg}            speedup over the baseline per task, log axis, with the geometric mean
  efficiency.{png,svg}         effective GFLOP/s per mm^2 and per W of every backend, per task + geomean
  latency_vs_hidden.{png,svg}  latency per time step vs hidden size, one line per backend, per cell type
  dse.{png,svg}                spatial design space: latency vs units used (CSV of `rnnbench explore`)

Uses Debian's python3-matplotlib, python3-h5py and python3-numpy. The rules match `rnnbench report`: the latest
row per (workload shape, backend, options) counts; speedup = baseline latency / backend latency; the geomean is
over the tasks on which the baseline and every compared backend (one with any ok row) that is not a published
platform are ok. Exit status 0, or 2 for an unreadable or non-rnnbench file.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

# Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008), black last.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
FIG_SIZE_IN = (9.0, 5.0)
DPI = 100  # PNGs are therefore exactly 900 x 500 pixels
SCHEMA = "rnnbench-results"


class ResultsError(Exception):
    pass


def _text(v):
    if isinstance(v, bytes):
        return v.split(b"\0", 1)[0].decode("utf-8", "replace")
    return str(v)


def load_rows(path):
    """All rows of /results as a list of dicts (strings decoded), or ResultsError."""
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - environment problem
        raise ResultsError("h5py is missing (run with /usr/bin/python3): %s" % e)
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as e:
        raise ResultsError("not a readable HDF5 file (%s)" % e)
    with f:
        schema = _text(f.attrs.get("schema", b""))
        if schema != SCHEMA:
            raise ResultsError("not an rnnbench results file (root attribute schema=%r)" % schema)
        if "results" not in f:
            raise ResultsError("no /results table")
        table = f["results"][...]
    names = table.dtype.names or ()
    rows = []
    for i, rec in enumerate(table):
        row = {n: (_text(rec[n]) if table.dtype[n].kind in "SUO" else rec[n].item()) for n in names}
        row["_pos"] = i
        rows.append(row)
    return rows


def latest_rows(rows):
    """Keeps the latest row per (shape, backend, options): highest run_id, then timestamp, then file order."""
    best = {}
    for r in rows:
        key = (r["cell"], r["hidden"], r["input"], r["batch"], r["timesteps"], r["backend"], r["options"])
        ts = r["timestamp"] if math.isfinite(r["timestamp"]) else -math.inf
        rank = (r["run_id"], ts, r["_pos"])
        if key not in best or rank > best[key][0]:
            best[key] = (rank, r)
    return sorted((v[1] for v in best.values()), key=lambda r: r["_pos"])


def label_of(r):
    return r["backend"] + ("[%s]" % r["options"] if r["options"] else "")


def shape_of(r):
    return (r["cell"], r["hidden"], r["input"], r["batch"], r["timesteps"])


def task_label(shape):
    cell, h, i, b, t = shape
    s = "%s %d/%d" % (cell.upper(), h, t)
    if i != h:
        s += " I%d" % i
    if b != 1:
        s += " B%d" % b
    return s


def known(src):
    return bool(src) and src != "unavailable"


def ok(r):
    return r is not None and r["status"] == "ok" and math.isfinite(r["lat_median_ms"]) and r["lat_median_ms"] > 0


class Grid:
    """Workloads x backend columns, as in `rnnbench report`."""

    def __init__(self, rows, baseline=None):
        self.rows = latest_rows(rows)
        self.tasks = []
        for r in self.rows:
            if shape_of(r) not in self.tasks:
                self.tasks.append(shape_of(r))
        self.cols = sorted({label_of(r) for r in self.rows})
        self.cell = {(shape_of(r), label_of(r)): r for r in self.rows}
        self.n_ok = {c: sum(ok(self.get(t, c)) for t in self.tasks) for c in self.cols}
        self.compared = [c for c in self.cols if self.n_ok[c] > 0]
        self.baseline = self._pick_baseline(baseline)
        # published platforms (rows imported with source "published") cover only the tasks their source gives:
        # like `rnnbench report`, they do not shrink the common set (the baseline always counts)
        self.published = {c: all(r["latency_source"] == "published" for r in self.rows if label_of(r) == c)
                          for c in self.cols}
        self.common = [t for t in self.tasks
                       if all(ok(self.get(t, c)) for c in self.compared if not self.published[c] or c == self.baseline)]

    def get(self, task, col):
        return self.cell.get((task, col))

    def _pick_baseline(self, name):
        if not self.cols:
            return None
        if name is None:
            name = "cpu-blas"
            if name not in self.cols and not any(c.split("[")[0] == name for c in self.cols):
                return self.cols[0]
        if name in self.cols:
            return name
        cands = [c for c in self.cols if c.split("[")[0] == name]
        if not cands:
            raise ResultsError("baseline %r is not among the backends (%s)" % (name, ", ".join(self.cols)))
        return max(cands, key=lambda c: self.n_ok[c])

    def speedup(self, task, col):
        b, r = self.get(task, self.baseline), self.get(task, col)
        return b["lat_median_ms"] / r["lat_median_ms"] if ok(b) and ok(r) else math.nan

    def figure_ratio(self, task, col, field, source):
        """figure(baseline) / figure(col), where both are known."""
        b, r = self.get(task, self.baseline), self.get(task, col)
        if not (ok(b) and ok(r) and known(b[source]) and known(r[source])):
            return math.nan
        if not (b[field] > 0 and r[field] > 0):
            return math.nan
        return b[field] / r[field]


def geomean(values):
    v = [x for x in values if math.isfinite(x) and x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else math.nan


# The same backend keeps its colour in every figure and every results file.
FIXED_COLOURS = {"cpu-blas": "#E69F00", "brainwave": "#0072B2", "spatial": "#009E73", "cublas": "#D55E00",
                 "cudnn": "#CC79A7"}
SPARE_COLOURS = ["#56B4E9", "#F0E442", "#000000"]


def colour_map(cols):
    out, spare, used = {}, 0, set()
    for c in cols:  # the plain backend gets its fixed colour; option variants and unknown backends the spares
        base = c.split("[")[0]
        if base in FIXED_COLOURS and FIXED_COLOURS[base] not in used:
            out[c] = FIXED_COLOURS[base]
        else:
            out[c] = SPARE_COLOURS[spare % len(SPARE_COLOURS)]
            spare += 1
        used.add(out[c])
    return out


def short_number(v):
    return "%.0f" % v if v >= 100 else "%.3g" % v


def new_figure(ncols=1):
    fig, axes = plt.subplots(1, ncols, figsize=FIG_SIZE_IN, dpi=DPI, squeeze=False)
    return fig, list(axes[0])


def save(fig, out, name, written):
    fig.tight_layout()
    for ext in ("png", "svg"):
        path = os.path.join(out, "%s.%s" % (name, ext))
        meta = {"Software": "rnnbench plots"} if ext == "png" else {"Date": None}
        fig.savefig(path, dpi=DPI, metadata=meta)  # no bbox_inches="tight": the pixel size stays fixed
        written.append(path)
    plt.close(fig)


def plain_log_axis(axis):
    """Log axis with plain-number tick labels (1, 10, 0.5 ...) instead of 10^k / 4x10^0."""
    fmt = FuncFormatter(lambda v, _: "%g" % v)
    axis.set_major_formatter(fmt)
    lo, hi = axis.get_view_interval()
    if lo > 0 and hi / lo < 30:  # less than ~1.5 decades: label the 2 and 5 minors too
        axis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))
        axis.set_minor_formatter(fmt)
    else:
        axis.set_minor_formatter(NullFormatter())


def grouped_bars(ax, groups, series, values, colours, log=True, unity_line=True):
    """values[s][g]; NaN bars are left out. The last group may be the geomean (drawn hatched)."""
    n = max(len(series), 1)
    width = 0.8 / n
    x = np.arange(len(groups))
    for si, s in enumerate(series):
        v = np.array(values[s], dtype=float)
        m = np.isfinite(v) & (v > 0)
        ax.bar(x[m] + (si - (n - 1) / 2) * width, v[m], width, label=s, color=colours[s], edgecolor="black",
               linewidth=0.4)
    ax.set_xticks(x)
    ax.set_xticklabels(groups, rotation=45, ha="right", fontsize=8)
    if log:
        ax.set_yscale("log")
    if unity_line:
        ax.axhline(1.0, color="black", linewidth=0.8, linestyle=":")
    ax.grid(axis="y", which="both", alpha=0.3)
    for si, s in enumerate(series):  # value labels on the last (geomean) group
        v = values[s][-1]
        if math.isfinite(v) and v > 0:
            ax.annotate(short_number(v), (x[-1] + (si - (n - 1) / 2) * width, v), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 2), textcoords="offset points")
    if log:
        plain_log_axis(ax.yaxis)


def fig_speedup(grid, out, written, colours):
    others = [c for c in grid.compared if c != grid.baseline]
    if not others or grid.baseline not in grid.compared:
        print("note: speedup figure skipped (needs ok results of the baseline and another backend)")
        return
    tasks = [t for t in grid.tasks if any(math.isfinite(grid.speedup(t, c)) for c in others)]
    groups = [task_label(t) for t in tasks] + ["geomean (%d)" % len(grid.common)]
    values = {c: [grid.speedup(t, c) for t in tasks] + [geomean(grid.speedup(t, c) for t in grid.common)]
              for c in others}
    fig, (ax,) = new_figure()
    grouped_bars(ax, groups, others, values, colours)
    if len(groups) > 1:
        ax.axvline(len(groups) - 1.5, color="grey", linewidth=0.8)
    ax.set_ylabel("speedup over %s (x, log scale)" % grid.baseline)
    ax.set_title("Speedup over %s per task; geomean over the %d task(s) all backends completed"
                 % (grid.baseline, len(grid.common)), fontsize=10)
    ax.legend(fontsize=8, title="backend", title_fontsize=8)
    save(fig, out, "speedup", written)


def efficiency(r, field, source):
    """Effective GFLOP/s (full convention) per mm^2 or per W of a row, or NaN where the figure is unknown."""
    if not ok(r) or not known(r[source]) or not r[field] > 0:
        return math.nan
    flops = r["flops_full"]
    if not (math.isfinite(flops) and flops > 0):
        return math.nan
    return flops / (r["lat_median_ms"] * 1e-3) / 1e9 / r[field]


def fig_efficiency(grid, out, written, colours):
    panels = [("area_mm2", "area_source", "GFLOP/s per mm$^2$"), ("power_w", "power_source", "GFLOP/s per W")]
    data = []
    for field, source, unit in panels:
        present = [c for c in grid.compared
                   if any(math.isfinite(efficiency(grid.get(t, c), field, source)) for t in grid.tasks)]
        vals = {c: [efficiency(grid.get(t, c), field, source) for t in grid.tasks]
                + [geomean(efficiency(grid.get(t, c), field, source) for t in grid.common)] for c in present}
        srcs = sorted({grid.get(t, c)[source] for t in grid.tasks for c in present
                       if grid.get(t, c) is not None and known(grid.get(t, c)[source])})
        data.append((unit, present, vals, srcs, source))
    if not any(p for _, p, _, _, _ in data):
        print("note: efficiency figure skipped (no backend reports area or power)")
        return
    fig, axes = new_figure(2)
    groups = [task_label(t) for t in grid.tasks] + ["geomean (%d)" % len(grid.common)]
    for ax, (unit, present, vals, srcs, source) in zip(axes, data):
        if not present:
            ax.text(0.5, 0.5, "no backend reports %s" % source.split("_")[0], ha="center",
                    transform=ax.transAxes)
            ax.set_axis_off()
            continue
        grouped_bars(ax, groups, present, vals, colours, unity_line=False)
        ax.set_ylabel("effective %s (log scale)" % unit, fontsize=8)
        ax.set_title("Performance per %s (sources: %s)" % ("area" if "mm" in unit else "watt", ", ".join(srcs)),
                     fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle("Area and power efficiency: effective GFLOP/s (input + recurrent FLOPs) per mm$^2$ and per W",
                 fontsize=10)
    save(fig, out, "efficiency", written)


def fig_latency_vs_hidden(grid, out, written, colours):
    oks = [r for r in grid.rows if ok(r)]
    if not oks:
        print("note: latency-vs-hidden figure skipped (no ok results)")
        return
    batch = 1 if any(r["batch"] == 1 for r in oks) else min(r["batch"] for r in oks)
    cells = [c for c in ("lstm", "gru", "vanilla") if any(r["cell"] == c and r["batch"] == batch for r in oks)]
    fig, axes = new_figure(len(cells))
    for ax, cell in zip(axes, cells):
        for ci, col in enumerate(grid.cols):
            pts = sorted((r["hidden"], r["lat_median_ms"] * 1e3 / max(r["timesteps"], 1)) for r in oks
                         if r["cell"] == cell and r["batch"] == batch and label_of(r) == col)
            if not pts:
                continue
            xs, ys = zip(*pts)
            ax.plot(xs, ys, marker=MARKERS[ci % len(MARKERS)], color=colours[col], label=col, linewidth=1.2)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
        ax.xaxis.set_minor_formatter(NullFormatter())
        plain_log_axis(ax.yaxis)
        ax.set_xlabel("hidden size H")
        ax.set_ylabel("latency per time step (\u00b5s, log scale)")
        ax.set_title("%s, batch %d" % (cell.upper(), batch), fontsize=10)
        ax.grid(which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Median latency per time step vs hidden size", fontsize=10)
    save(fig, out, "latency_vs_hidden", written)


def _pick(header, *names):
    low = {h.strip().lower(): h for h in header}
    for n in names:
        if n in low:
            return low[n]
    return None


def _num(r, k):
    try:
        return float(r[k]) if k else math.nan
    except (TypeError, ValueError):
        return math.nan


def read_dse(paths):
    """Design points from one or more `rnnbench explore --backend spatial` CSVs, as dicts with task, units,
    latency_ms, fits, chosen, simulated. Column names accepted: sim_latency_ms (else model_latency_ms, latency_ms,
    latency), pcus (else units), weights=on-chip|dram-streamed (else fits), chosen; task from task/workload or
    from cell/hidden/timesteps/batch."""
    pts, units_name = [], "PCUs"
    for path in paths:
        with open(path, newline="") as f:
            lines = [l for l in f if l.strip() and not l.startswith("#")]
        rows = [r for r in csv.DictReader(lines) if r]
        if not rows:
            continue
        hdr = rows[0].keys()
        sim = _pick(hdr, "sim_latency_ms")
        lat = _pick(hdr, "model_latency_ms", "latency_ms", "latency")
        units = _pick(hdr, "pcus", "units", "units_used")
        if not (sim or lat) or not units:
            print("note: %s lacks latency/units columns; skipped" % path)
            continue
        units_name = "PCUs" if units.lower() == "pcus" else units
        weights, fits = _pick(hdr, "weights"), _pick(hdr, "fits", "feasible")
        chosen, task = _pick(hdr, "chosen"), _pick(hdr, "task", "workload")
        for r in rows:
            if r.get(units) == units:  # a repeated header line of a concatenated CSV
                continue
            s_lat, m_lat = _num(r, sim), _num(r, lat)
            name = r[task] if task else "%s H%s T%s B%s" % (r.get("cell", "?").upper(), r.get("hidden", "?"),
                                                          r.get("timesteps", "?"), r.get("batch", "?"))
            if weights:
                ok_fit = r[weights].strip() == "on-chip"
            elif fits:
                ok_fit = r[fits].strip().lower() in ("1", "true", "yes", "ok")
            else:
                ok_fit = True
            pts.append({"task": name, "units": _num(r, units), "latency_ms": s_lat if math.isfinite(s_lat) else m_lat,
                        "simulated": math.isfinite(s_lat), "fits": ok_fit,
                        "chosen": bool(chosen) and r[chosen].strip() in ("1", "true", "yes")})
    return [p for p in pts if math.isfinite(p["units"]) and math.isfinite(p["latency_ms"])], units_name


def fig_dse(paths, out, written):
    if not paths:
        print("note: design-space figure skipped (no --dse CSV; make one with "
              "`rnnbench explore --backend spatial ... > dse.csv`)")
        return
    pts, units_name = read_dse(paths)
    if not pts:
        print("note: design-space figure skipped (no usable design points in %s)" % ", ".join(paths))
        return
    fig, (ax,) = new_figure()
    tasks = list(dict.fromkeys(p["task"] for p in pts))
    for ti, name in enumerate(tasks):
        colour = OKABE_ITO[ti % len(OKABE_ITO)]
        tp = [p for p in pts if p["task"] == name]
        good = [p for p in tp if p["fits"]]
        bad = [p for p in tp if not p["fits"]]
        ax.scatter([p["units"] for p in good], [p["latency_ms"] for p in good], s=14, color=colour,
                   label=name + " (weights on chip)")
        if bad:
            ax.scatter([p["units"] for p in bad], [p["latency_ms"] for p in bad], marker="x", s=14,
                       color=colour, alpha=0.6, label=name + " (weights streamed / does not fit)")
        best = [p for p in tp if p["chosen"]] or [min(good or tp, key=lambda p: (p["latency_ms"], p["units"]))]
        ax.scatter([best[0]["units"]], [best[0]["latency_ms"]], marker="*", s=180, color=colour,
                   edgecolor="black", zorder=5, label=name + " (chosen)")
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.set_xlabel("units used (%s)" % units_name)
    nsim = sum(p["simulated"] for p in pts)
    ax.set_ylabel("latency (ms, log scale; %s)" % ("cycle-simulated where available, else model"
                                                    if nsim else "analytic model"))
    ax.set_title("Spatial accelerator design space: latency vs units (%d points, %d simulated)"
                 % (len(pts), nsim), fontsize=10)
    ax.grid(which="both", alpha=0.3)
    ax.legend(fontsize=7)
    save(fig, out, "dse", written)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Draw rnnbench figures (PNG + SVG) from a results file.")
    ap.add_argument("results", help="rnnbench results file (HDF5)")
    ap.add_argument("--out", default="results/figures", help="output folder (default results/figures)")
    ap.add_argument("--baseline", default=None, help="baseline backend (default cpu-blas, else first)")
    ap.add_argument("--dse", action="append", default=[], metavar="CSV",
                    help="CSV from `rnnbench explore --backend spatial` for dse.png (repeatable)")
    a = ap.parse_args(argv)
    try:
        grid = Grid(load_rows(a.results), a.baseline)
    except ResultsError as e:
        print("%s: %s" % (a.results, e), file=sys.stderr)
        return 2
    for d in a.dse:
        if not os.path.isfile(d):
            print("%s: no such file" % d, file=sys.stderr)
            return 2
    os.makedirs(a.out, exist_ok=True)
    plt.rcParams.update({"font.size": 9, "svg.hashsalt": "rnnbench"})
    colours = colour_map(grid.cols)
    written = []
    if grid.cols:
        fig_speedup(grid, a.out, written, colours)
        fig_efficiency(grid, a.out, written, colours)
        fig_latency_vs_hidden(grid, a.out, written, colours)
    else:
        print("note: %s has no rows; only the design-space figure can be drawn" % a.results)
    fig_dse(a.dse, a.out, written)
    for p in written:
        print("wrote", p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
