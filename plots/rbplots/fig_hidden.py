"""rbplots/fig_hidden.py — latency per time step against hidden size, one panel per cell type, batch 1 (else the
smallest batch in the file): every task a marker (fill = source), a line through each platform's median per
hidden size (dashed for published platforms)."""
import statistics

from matplotlib.ticker import FuncFormatter, NullFormatter

from . import style, taskplot
from .common import left_out
from .results import ok


def draw(results, look):
    oks = [r for r in results.rows if ok(r)]
    if not oks:
        return None, "no ok rows"
    batch = 1 if 1 in results.batches else results.batches[0]
    cells = [c for c in ("lstm", "gru", "vanilla") if any(r["cell"] == c and r["batch"] == batch for r in oks)]
    fig, axes = style.new_figure(4.3 * len(cells), 4.6, 1, len(cells))
    sources, shown = set(), []
    for ax, cell in zip(axes[0], cells):
        for lab in results.compared:
            rs = [r for r in oks if r["cell"] == cell and r["batch"] == batch and
                  (r["backend"] + ("[%s]" % r["options"] if r["options"] else "")) == lab]
            if not rs:
                continue
            if lab not in shown:
                shown.append(lab)
            per_h = {}
            for r in rs:
                per_h.setdefault(r["hidden"], []).append(r["lat_median_ms"] * 1e3 / max(r["timesteps"], 1))
                src = r["latency_source"]
                sources.add(src)
                ax.plot([r["hidden"]], [r["lat_median_ms"] * 1e3 / max(r["timesteps"], 1)], zorder=3,
                        **look.marker_kw(lab, src, size=5.5))
            hs = sorted(per_h)
            ax.plot(hs, [statistics.median(per_h[h]) for h in hs], color=look.colour[lab], linewidth=1.0,
                    linestyle="--" if results.is_published(lab) else "-", zorder=2)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
        ax.xaxis.set_minor_formatter(NullFormatter())
        style.plain_log_axis(ax.yaxis)
        ax.set_xlabel("hidden size H (log scale)", fontsize=8)
        ax.set_ylabel("latency per time step (\u00b5s, log scale)", fontsize=8)
        ax.set_title("%s, batch %d" % (cell.upper(), batch), fontsize=9)
        ax.grid(which="major", alpha=0.3)
    fig.suptitle("Median latency per time step vs hidden size (line: median over the tasks of a hidden size)",
                 fontsize=10)
    legends = [(style.platform_handles(look, shown, False, sources=results.source),
                "platform (dashed: published)"),
               (style.source_handles(sources, False), "source")]
    taskplot.finish(fig, legends, left_out(results))
    return fig, {"cells": cells, "batch": batch, "platforms": shown}
