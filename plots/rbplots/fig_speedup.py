"""rbplots/fig_speedup.py — (b) the speedup of one platform (default spatial) over every other platform in the
file, per task, and the geometric mean per batch size as the paper states it (over the tasks both have), with
the paper's own claim (results/published/sysml19_claims.csv, metric speedup_geomean) marked where it applies.

speedup over X on a task = latency(X) / latency(chosen). A measured X carries the 95 % CI of its median as an
error bar (divided by the chosen platform's CI ends when that one is measured too). Batch sizes are never
mixed: one geomean per (platform, batch) with the number of tasks in brackets."""
import math

from . import claims as claims_mod
from . import style, taskplot
from .common import latency_value, left_out
from .results import geomean


def speedup_value(results, chosen, t, s):
    c, x = latency_value(results.get(t, chosen)), latency_value(results.get(t, s))
    if c is None or x is None:
        return None
    fp = taskplot.finite_pos
    c_ci, x_ci = fp(c.lo) and fp(c.hi), fp(x.lo) and fp(x.hi)
    lo = hi = math.nan
    if c_ci or x_ci:  # the ends of both intervals, the widest combination
        lo = (x.lo if x_ci else x.v) / (c.hi if c_ci else c.v)
        hi = (x.hi if x_ci else x.v) / (c.lo if c_ci else c.v)
    return taskplot.Value(x.v / c.v, lo, hi, x.source)


def majority(values):
    vs = [v for v in values if v]
    return max(set(vs), key=vs.count) if vs else "unavailable"


def geomean_rows(results, chosen, others, value_of):
    """One summary row per (batch, platform) with at least one task both have."""
    rows = []
    multi = len(results.batches) > 1
    for b in results.batches:
        for s in others:
            vals = [value_of(t, s) for t in results.tasks if t[3] == b]
            vals = [v for v in vals if v and taskplot.finite_pos(v.v)]
            if not vals:
                continue
            text = ("B%d  " % b if multi else "") + s
            rows.append(taskplot.Row(text, s, majority([v.source for v in vals]), geomean(v.v for v in vals),
                                     len(vals), [v.v for v in vals], None, b))
    return rows


def draw(results, look, chosen, claims):
    if chosen is None:
        return None, "no platform with ok rows"
    others = [c for c in results.compared if c != chosen]

    def value_of(t, s):
        return speedup_value(results, chosen, t, s)

    tasks = [t for t in results.tasks if any(value_of(t, s) for s in others)]
    if not others or not tasks:
        return None, "needs ok rows of %s and of another platform on the same task" % chosen
    widest = max(sum(1 for s in others if value_of(t, s)) for t in tasks)
    rows = geomean_rows(results, chosen, others, value_of)
    fig, axes, side, cols = taskplot.task_figure(tasks, widest, side_in=3.6)
    series = [s for s in others if any(value_of(t, s) for t in tasks)]
    sources = taskplot.draw_tasks(axes, tasks, series, look, value_of, cols)
    csrc = majority([results.get(t, chosen)["latency_source"] for t in results.tasks_of(chosen)])
    label = "speedup of %s over the platform (x, log scale)" % chosen
    if cols is None:
        axes[0].set_ylabel(label)
        axes[0].axhline(1.0, color="black", linewidth=0.8, linestyle=":")
        style.plain_log_axis(axes[0].yaxis)
        axes[0].set_title("per task", fontsize=9)
    else:
        for ax in axes:
            ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
            ax.set_xlabel("speedup of %s (x, log)" % chosen, fontsize=8)

    # the geomean panel, with the paper's claims
    ys, src2 = taskplot.hbar_rows(side, rows, look)
    sources |= src2
    claimed, marks = {}, []
    for b in results.batches:
        for c in claims_mod.applicable(claims, "speedup_geomean", results, chosen, b):
            for r in rows:
                if r.platform == c["versus"] and r.group == b:
                    claimed[id(r)] = c["value"]
                    marks.append(c)
    for r in rows:
        if id(r) in claimed:
            side.plot([claimed[id(r)]], [ys[id(r)]], linestyle="none", marker="D", markersize=6,
                      markerfacecolor="#D62728", markeredgecolor="black", zorder=4)
    xmax = taskplot.write_values(side, rows, ys, "x", claimed)
    side.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
    xmin = min([r.value for r in rows] + [p for r in rows for p in r.points] + list(claimed.values()) + [1.0])
    side.set_xlim(xmin / 1.5, xmax * 8)
    style.plain_log_axis(side.xaxis)
    side.set_title("geometric mean (tasks)", fontsize=9)
    side.set_xlabel("speedup (x, log)", fontsize=8)

    fig.suptitle("Speedup of %s (%s) over each platform: latency(platform) / latency(%s)" % (chosen, csrc, chosen),
                 fontsize=10)
    bars = cols is None
    legends = [(style.platform_handles(look, series, bars, sources=results.source), "over platform"),
               (style.source_handles(sources, bars), "source of the platform's latency")]
    extra = [taskplot.tick_handle("per-task speedups behind the geomean")]
    if marks:
        extra.insert(0, _claim_handle("the paper's claim (%s)" % ", ".join(
            "%.3gx vs %s" % (c["value"], c["versus"]) for c in marks)))
    legends.append((extra, "geomean panel"))
    foot = ["geomean: over the tasks of that batch size on which both %s and the platform are ok (count in "
            "brackets); batch sizes are never mixed. Published platforms: figures as their source gives them."
            % chosen] + left_out(results)
    taskplot.finish(fig, legends, foot)
    return fig, {"layout": "bars" if bars else "dots", "platform": chosen, "tasks": len(tasks),
                 "geomeans": [{"over": r.platform, "batch": r.group, "value": r.value, "n": r.n} for r in rows],
                 "claims": [{"versus": c["versus"], "value": c["value"], "batch": c["batch"]} for c in marks]}


def _claim_handle(text):
    from matplotlib.lines import Line2D
    return Line2D([], [], linestyle="none", marker="D", markersize=6, markerfacecolor="#D62728",
                  markeredgecolor="black", label=text)
