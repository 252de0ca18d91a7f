"""rbplots/fig_parity.py — (d) our model against the paper's own numbers: for every published platform that one
of our backends reproduces (its `reproduced_by`: the paper's Plasticine -> spatial, Brainwave's published rows ->
brainwave), our figure against the published one on the tasks both have, log-log, with the y = x line and a
+-10 % band, and below it the ratio ours / published (the band is too thin to see on a log-log axis that spans
decades), the tasks outside the band named. A second column does the same for power where the published rows
give a per-task power."""

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style, taskplot
from .common import latency_value
from .results import known, ok, task_label

BAND = 0.10
MAX_LABELLED = 12  # points outside the band named next to them; more would crowd the panel


def pairs(results):
    """(published platform, our platform) pairs with at least one common ok task."""
    out = []
    for pub in results.compared:
        if not results.is_published(pub):
            continue
        for ours in results.reproducers(pub):
            if any(ok(results.get(t, ours)) for t in results.tasks_of(pub)):
                out.append((pub, ours))
    return out


def points(results, pub, ours, metric):
    pts = []
    for t in results.tasks_of(pub):
        p, o = results.get(t, pub), results.get(t, ours)
        if not ok(o):
            continue
        if metric == "latency":
            x, y = p["lat_median_ms"], o["lat_median_ms"]
            v = latency_value(o)
            ci = (v.lo, v.hi) if v and taskplot.finite_pos(v.lo) else None
            src = o["latency_source"]
        else:
            if p["_extras"].get("power_kind", "per_task") != "per_task" or not known(o["power_source"]):
                continue
            x, y, ci, src = p["power_w"], o["power_w"], None, o["power_source"]
        if taskplot.finite_pos(x) and taskplot.finite_pos(y):
            pts.append((t, x, y, ci, src))
    return pts


def draw(results, look):
    prs = pairs(results)
    panels = []
    for metric, unit in (("latency", "ms"), ("power", "W")):
        data = [(pub, ours, points(results, pub, ours, metric)) for pub, ours in prs]
        data = [d for d in data if d[2]]
        if data:
            panels.append((metric, unit, data))
    if not panels:
        return None, "no published platform that one of our backends reproduces has a task in common with it"
    fig, axes = style.new_figure(4.6 * len(panels), 6.4, 2, len(panels), gridspec_kw={"height_ratios": [3, 1.3]})
    handles, sources, summary, to_label = [], set(), [], []
    for col, (metric, unit, data) in enumerate(panels):
        ax, rax = axes[0][col], axes[1][col]
        allv = [v for _, _, pts in data for p in pts for v in (p[1], p[2])]
        lo, hi = min(allv) / 2.0, max(allv) * 2.0
        xs = np.geomspace(lo, hi, 50)
        ax.fill_between(xs, xs * (1 - BAND), xs * (1 + BAND), color="#BBBBBB", alpha=0.7, linewidth=0,
                        label="_band")
        ax.plot(xs, xs, color="black", linewidth=0.8, label="_ref")
        rax.axhspan(1 - BAND, 1 + BAND, color="#BBBBBB", alpha=0.7, linewidth=0, label="_band")
        rax.axhline(1.0, color="black", linewidth=0.8, label="_ref")
        ratios = []
        outliers = []
        for pub, ours, pts in data:
            within = sum(abs(y / x - 1) <= BAND + 1e-12 for _, x, y, _, _ in pts)
            summary.append({"published": pub, "ours": ours, "metric": metric, "n": len(pts), "within": within,
                            "ratios": [y / x for _, x, y, _, _ in pts]})
            by_src = {}
            for p in pts:
                by_src.setdefault(p[4], []).append(p)
            for src, ps in by_src.items():
                sources.add(src)
                kw = look.marker_kw(ours, src, size=7)
                ax.plot([p[1] for p in ps], [p[2] for p in ps], zorder=3, **kw)
                rax.plot([p[1] for p in ps], [p[2] / p[1] for p in ps], zorder=3, **kw)
            for t, x, y, ci, _ in pts:
                ratios.append(y / x)
                if ci:
                    ax.errorbar([x], [y], yerr=[[y - ci[0]], [ci[1] - y]], fmt="none", ecolor="black",
                                elinewidth=0.8, capsize=2)
                    rax.errorbar([x], [y / x], yerr=[[(y - ci[0]) / x], [(ci[1] - y) / x]], fmt="none",
                                 ecolor="black", elinewidth=0.8, capsize=2)
                if abs(y / x - 1) > BAND + 1e-12:
                    outliers.append((x, y / x, task_label(t)))
            label = "%s vs %s (%s): %d of %d within +-%d %%" % (ours, pub, metric, within, len(pts), BAND * 100)
            handles.append(Line2D([], [], label=label, **look.marker_kw(ours, majority_src(pts))))
        to_label.append((rax, outliers[:MAX_LABELLED]))
        for a in (ax, rax):
            a.set_xscale("log")
            a.set_xlim(lo, hi)
            a.grid(which="major", alpha=0.3)
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        rlo, rhi = min(ratios + [1 - 2 * BAND]), max(ratios + [1 + 2 * BAND])
        rax.set_yscale("log")
        rax.set_ylim(rlo / 1.15, rhi * 1.15)
        ax.set_ylabel("ours (%s, log scale)" % unit, fontsize=8)
        ax.set_title("%s: ours against the published figure" % metric, fontsize=9)
        rax.set_xlabel("published %s (%s, log scale)" % (metric, unit), fontsize=8)
        rax.set_ylabel("ours / published", fontsize=8)
    fig.suptitle("Our models against the published numbers they reproduce (y = x, grey band: +-10 %)", fontsize=10)
    legends = [(handles + [Patch(facecolor="#BBBBBB", alpha=0.7, label="within +-10 %")], "pairs"),
               (style.source_handles(sources, False), "source of ours")]
    taskplot.finish(fig, legends, ["pairs: a published platform and the backend named by its reproduced_by "
                                   "(results/published/); only tasks both have. Tasks outside the band are named."])
    for col in range(len(panels)):
        for a in (axes[0][col], axes[1][col]):
            style.plain_log_axis(a.xaxis)
        style.plain_log_axis(axes[0][col].yaxis)
        style.plain_log_axis(axes[1][col].yaxis)
    for rax, items in to_label:
        taskplot.place_labels(rax, items)
    return fig, {"pairs": summary}


def majority_src(pts):
    srcs = [p[4] for p in pts]
    return max(set(srcs), key=srcs.count)
