"""rbplots/fig_efficiency.py — (c) effective GFLOP/s per mm^2 and per W of every platform that has an area or a
power figure (ours and published), one bar per platform and batch size (geomean over its tasks, the per-task
values as ticks on the bar), with what the area/power figure is (simulated, TDP, peak, die estimate ...), and the
ratio the paper claims marked (results/published/sysml19_claims.csv):

  perf/W:   metric perf_per_w_geomean (the paper's "2x power efficiency" read per task) — a marker at
            claim x perf/W of the versus platform (geomean over the tasks both have);
  perf/mm2: metric area_ratio ("1.6x in area") together with the speedup_geomean of the same pair — the
            perf/mm^2 ratio the two claims imply, speedup x area ratio, marked the same way."""
import math

from matplotlib.lines import Line2D

from . import style, taskplot
from .claims import applicable_rows
from .common import left_out
from .fig_speedup import majority
from .results import geomean, known, ok

PANELS = (("area_mm2", "area_source", "area_kind", "mm$^2$", "per mm$^2$ of silicon"),
          ("power_w", "power_source", "power_kind", "W", "per W"))
KIND_WORDS = {"tdp": "TDP", "peak": "peak power", "per_task": "per-task power", "die": "die",
              "die_estimate": "die, estimated"}
CLAIM_COLOUR = "#D62728"


def perf(r, field, source):
    """Effective GFLOP/s (input + recurrent FLOPs) per unit of `field`, or NaN where a figure is unknown."""
    if not ok(r) or not known(r.get(source, "")) or not r.get(field, math.nan) > 0:
        return math.nan
    flops = r.get("flops_full", math.nan)
    if not (math.isfinite(flops) and flops > 0):
        return math.nan
    return flops / (r["lat_median_ms"] * 1e-3) / 1e9 / r[field]


def describe(rows, field, source, kind):
    """What the platform's area/power figure is: `simulated`, `TDP 300 W`, `die, estimated 1200 mm2` ..."""
    srcs = majority([r[source] for r in rows])
    kinds = [r["_extras"].get(kind, "") for r in rows if r["_extras"].get(kind)]
    word = KIND_WORDS.get(majority(kinds), majority(kinds)) if kinds else srcs
    vals = {round(r[field], 6) for r in rows}
    unit = "mm2" if field == "area_mm2" else "W"
    return "%s %s %s" % (word, style.short_number(vals.pop()), unit) if len(vals) == 1 else word


def panel_rows(results, field, source, kind):
    out = []
    multi = len(results.batches) > 1
    for b in results.batches:
        for p in results.compared:
            rs = [results.get(t, p) for t in results.tasks if t[3] == b]
            rs = [r for r in rs if math.isfinite(perf(r, field, source))]
            if not rs:
                continue
            vals = [perf(r, field, source) for r in rs]
            text = "%s%s (%s)" % ("B%d  " % b if multi else "", p, describe(rs, field, source, kind))
            out.append((b, taskplot.Row(text, p, majority([r["latency_source"] for r in rs]), geomean(vals),
                                        len(vals), vals, None, b)))
    return out


def claim_targets(results, claims, rows, field, source):
    """{id(row): (target value, claim text)} for the rows a claim is about."""
    targets = {}
    if field == "power_w":
        todo = [(c, c["value"], "%.3gx perf/W of %s" % (c["value"], c["versus"])) for c in claims
                if c["metric"] == "perf_per_w_geomean"]
    else:
        todo = []
        for c in claims:
            if c["metric"] != "area_ratio":
                continue
            sp = [s for s in claims if s["metric"] == "speedup_geomean" and s["subject"] == c["subject"]
                  and s["versus"] == c["versus"] and s["batch"] == c["batch"]]
            if sp:
                todo.append((c, c["value"] * sp[0]["value"], "%.3gx speed x %.3gx area = %.3gx perf/mm2 of %s"
                             % (sp[0]["value"], c["value"], c["value"] * sp[0]["value"], c["versus"])))
    for c, factor, text in todo:
        for b, row in rows:
            if b != c["batch"] or row.platform not in applicable_rows(c, results):
                continue
            common = [t for t in results.tasks_of(row.platform) if t[3] == b]
            vs = [perf(results.get(t, c["versus"]), field, source) for t in common]
            g = geomean(vs)
            if math.isfinite(g):
                targets[id(row)] = (factor * g, text)
    return targets


def draw(results, look, claims):
    data = [(panel, panel_rows(results, panel[0], panel[1], panel[2])) for panel in PANELS]
    data = [(panel, rows) for panel, rows in data if rows]
    if not data:
        return None, "no platform has an area or power figure"
    n = max(len(rows) for _, rows in data)
    fig, axes = style.new_figure(5.2 * len(data), max(3.2, 0.3 * n + 1.6), 1, len(data))
    sources, claim_texts = set(), []
    summary = {"panels": {}, "claims": []}
    for ax, ((field, source, kind, unit, what), brows) in zip(axes[0], data):
        rows = [r for _, r in brows]
        ys, src = taskplot.hbar_rows(ax, rows, look)
        sources |= src
        targets = claim_targets(results, claims, brows, field, source)
        summary["panels"][field] = [{"platform": r.platform, "batch": r.group, "value": r.value, "n": r.n,
                                     "label": r.text} for r in rows]
        for r in rows:
            if id(r) in targets:
                summary["claims"].append({"panel": field, "platform": r.platform, "target": targets[id(r)][0],
                                          "claim": targets[id(r)][1]})
                ax.plot([targets[id(r)][0]], [ys[id(r)]], linestyle="none", marker="D", markersize=6,
                        markerfacecolor=CLAIM_COLOUR, markeredgecolor="black", zorder=4)
                if targets[id(r)][1] not in claim_texts:
                    claim_texts.append(targets[id(r)][1])
        xmax = taskplot.write_values(ax, rows, ys, "", {k: v[0] for k, v in targets.items()})
        xmin = min([p for r in rows for p in r.points] + [v[0] for v in targets.values()])
        ax.set_xlim(xmin / 1.5, xmax * 8)
        style.plain_log_axis(ax.xaxis)
        ax.set_xlabel("effective GFLOP/s %s (log scale)" % what, fontsize=8)
        ax.set_title("performance %s" % what, fontsize=9)
    fig.suptitle("Area and power efficiency: effective GFLOP/s (input + recurrent FLOPs) / latency / figure",
                 fontsize=10)
    plats = [p for p in results.compared if any(r.platform == p for _, rows in data for _, r in rows)]
    legends = [(style.platform_handles(look, plats, True, sources=results.source), "platform"),
               (style.source_handles(sources, True), "source of the latency")]
    extra = [taskplot.tick_handle("per-task values behind the geomean")]
    for t in claim_texts:
        extra.append(Line2D([], [], linestyle="none", marker="D", markersize=6, markerfacecolor=CLAIM_COLOUR,
                            markeredgecolor="black", label="paper's claim: " + t))
    legends.append((extra, "marks"))
    foot = ["bar: geomean over the platform's ok tasks of that batch size (count in brackets); the area / power "
            "figure each platform is taken at is named in brackets after it."]
    without = [p for p in results.compared if p not in plats]
    if without:
        foot.append("no area or power figure: %s" % ", ".join(without))
    foot += left_out(results)
    taskplot.finish(fig, legends, foot)
    return fig, summary
