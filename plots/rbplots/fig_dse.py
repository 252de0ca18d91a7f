"""rbplots/fig_dse.py — the spatial accelerator's design space, from the CSVs of `rnnbench explore --backend
spatial` (one problem each; one panel per problem and architecture): latency against units used (PCUs) or
allocated area, the candidates as a density (hexagonal bins, log counts) instead of thousands of overplotted
markers, the Pareto front (fewest units for a latency) of the candidates whose weights are on chip, the
cycle-simulated candidates circled at their simulated latency, the search's choice starred.

Column names are read from the header, so both explore formats work (with or without `capacity`, `gp`): latency
from model_latency_ms (else latency_ms / latency), the cycle-simulated one from sim_latency_ms, units from pcus
(else units / units_used), area from area_alloc_mm2, weights on-chip | assumed-on-chip | dram-streamed (else
fits), chosen 0/1; the problem from task/workload or cell, hidden, timesteps, batch."""
import csv
import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style, taskplot

FRONT_COLOUR = "#D55E00"


def _pick(header, *names):
    low = {h.strip().lower(): h for h in header}
    for n in names:
        if n in low:
            return low[n]
    return None


def _num(r, k):
    try:
        return float(r[k]) if k and r.get(k, "").strip() else math.nan
    except (TypeError, ValueError):
        return math.nan


def read(paths):
    """Design points as dicts: panel, units, area, latency_ms (model), sim_ms, weights, chosen."""
    pts = []
    for path in paths:
        with open(path, newline="") as f:
            lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
        rows = list(csv.DictReader(lines))
        if not rows:
            print("note: %s has no design points; skipped" % path)
            continue
        hdr = rows[0].keys()
        sim = _pick(hdr, "sim_latency_ms")
        lat = _pick(hdr, "model_latency_ms", "latency_ms", "latency")
        units = _pick(hdr, "pcus", "units", "units_used")
        area = _pick(hdr, "area_alloc_mm2", "area_mm2", "area")
        if not lat or not (units or area):
            print("note: %s lacks latency or units/area columns; skipped" % path)
            continue
        weights, fits = _pick(hdr, "weights"), _pick(hdr, "fits", "feasible")
        chosen, task = _pick(hdr, "chosen"), _pick(hdr, "task", "workload")
        arch = _pick(hdr, "arch")
        for r in rows:
            if units and r.get(units) == units:  # a header line repeated inside concatenated CSVs
                continue
            if task:
                name = r[task]
            else:
                name = "%s %s/%s" % (r.get("cell", "?").upper(), r.get("hidden", "?"), r.get("timesteps", "?"))
                if r.get("input") and r.get("input") != r.get("hidden"):
                    name += " I%s" % r["input"]
                if r.get("batch", "1") != "1":
                    name += " B%s" % r.get("batch")
            if weights:
                w = r[weights].strip()
            elif fits:
                w = "on-chip" if r[fits].strip().lower() in ("1", "true", "yes", "ok") else "dram-streamed"
            else:
                w = "on-chip"
            pts.append({"panel": (name, r[arch] if arch else ""), "units": _num(r, units), "area": _num(r, area),
                        "latency_ms": _num(r, lat), "sim_ms": _num(r, sim), "weights": w,
                        "chosen": bool(chosen) and r[chosen].strip() in ("1", "true", "yes")})
    return [p for p in pts if taskplot.finite_pos(p["latency_ms"])]


def pareto(xs, ys):
    """The points no other point beats on both x and y (lower is better), sorted by x."""
    order = sorted(range(len(xs)), key=lambda i: (xs[i], ys[i]))
    front, best = [], math.inf
    for i in order:
        if ys[i] < best:
            front.append(i)
            best = ys[i]
    return front


def draw(paths, x_kind):
    if not paths:
        return None, ("no --dse CSV; make one with `rnnbench explore --backend spatial --cell gru --hidden 1024 "
                      "--timesteps 1500 > results/dse.csv`")
    pts = read(paths)
    xkey = "units" if x_kind == "units" else "area"
    pts = [p for p in pts if math.isfinite(p[xkey])]
    if not pts:
        return None, "no usable design points in %s" % ", ".join(paths)
    panels = list(dict.fromkeys(p["panel"] for p in pts))
    ncols = min(4, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    pw, ph = (6.0, 4.4) if len(panels) == 1 else (3.9, 3.3)
    fig, axes = style.new_figure(pw * ncols, ph * nrows + 0.6, nrows, ncols)
    flat = [ax for row in axes for ax in row]
    n_all = n_sim = 0
    streamed_any = assumed_any = False
    summary = []
    for ax, panel in zip(flat, panels):
        pp = [p for p in pts if p["panel"] == panel]
        xs = np.array([p[xkey] for p in pp])
        ys = np.array([p["latency_ms"] for p in pp])
        n_all += len(pp)
        gx = max(10, min(45, int(math.sqrt(len(pp)) * 1.2)))
        ax.hexbin(xs, ys, gridsize=(gx, max(6, gx * 2 // 3)), yscale="log", bins="log", mincnt=1, cmap="Blues",
                  linewidths=0.2, edgecolors="face")
        fit = [i for i, p in enumerate(pp) if p["weights"] in ("on-chip", "assumed-on-chip")]
        streamed_any |= any(p["weights"] == "dram-streamed" for p in pp)
        assumed_any |= any(p["weights"] == "assumed-on-chip" for p in pp)
        if fit:
            front = [fit[i] for i in pareto([xs[i] for i in fit], [ys[i] for i in fit])]
            ax.step(xs[front], ys[front], where="post", color=FRONT_COLOUR, linewidth=1.4, zorder=3)
            ax.plot(xs[front], ys[front], linestyle="none", marker="o", markersize=2.5, color=FRONT_COLOUR,
                    zorder=3)
        sim = [p for p in pp if taskplot.finite_pos(p["sim_ms"])]
        n_sim += len(sim)
        if sim:
            ax.plot([p[xkey] for p in sim], [p["sim_ms"] for p in sim], linestyle="none", marker="o",
                    markersize=8, markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.2, zorder=4)
        best = [p for p in pp if p["chosen"]]
        summary.append({"task": panel[0], "arch": panel[1], "points": len(pp), "simulated": len(sim),
                        "front": [[float(xs[i]), float(ys[i])] for i in front] if fit else [],
                        "chosen": [[p[xkey], p["latency_ms"]] for p in best]})
        for p in best:
            y = p["sim_ms"] if taskplot.finite_pos(p["sim_ms"]) else p["latency_ms"]
            ax.plot([p[xkey]], [y], linestyle="none", marker="*", markersize=15, markerfacecolor="#F0E442",
                    markeredgecolor="black", zorder=5)
        ax.set_yscale("log")
        style.plain_log_axis(ax.yaxis)
        ax.set_title("%s (%d points)%s" % (panel[0], len(pp), "\n" + panel[1] if panel[1] else ""), fontsize=8.5)
        ax.set_xlabel("PCUs used" if xkey == "units" else "allocated area (mm$^2$)", fontsize=8)
        ax.set_ylabel("latency (ms, log scale)", fontsize=8)
        ax.grid(which="major", alpha=0.3)
        ax.tick_params(labelsize=7.5)
    for ax in flat[len(panels):]:
        ax.set_visible(False)
    fig.suptitle("Spatial design space: %d candidate mappings, %d cycle-simulated (latency: analytic model, "
                 "circles: simulated)" % (n_all, n_sim), fontsize=10)
    handles = [Patch(facecolor="#6BAED6", label="candidates (density, darker = more)"),
               Line2D([], [], color=FRONT_COLOUR, marker="o", markersize=2.5,
                      label="Pareto front (weights on chip%s)" % (" or assumed" if assumed_any else "")),
               Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor="none",
                      markeredgecolor="black", label="cycle-simulated"),
               Line2D([], [], linestyle="none", marker="*", markersize=13, markerfacecolor="#F0E442",
                      markeredgecolor="black", label="the search's choice")]
    foot = []
    if streamed_any:
        foot.append("candidates whose weights are streamed from DRAM are in the density but not on the front.")
    if assumed_any:
        foot.append("assumed-on-chip: weights larger than the free PMUs, assumed resident (capacity=onchip).")
    taskplot.finish(fig, [(handles, "design space")], foot)
    return fig, {"x": xkey, "panels": summary}
