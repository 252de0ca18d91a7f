"""rbplots/taskplot.py — values per task for several platforms, readable at 11 tasks and at 125.

Up to MANY_TASKS tasks: grouped vertical bars, one group per task in the paper's order, a thin line between batch
groups. Above: a dot plot turned sideways, tasks as rows (label `GRU 1536/375 B4`: cell, hidden/time steps,
batch), grouped by batch and cell (alternately shaded), split into columns of at most MAX_ROWS rows that keep a
group whole where they can, one marker per platform, the value on a shared log axis. Either way the legend sits in
a strip of its own at the right, so it cannot cover data, and the figure grows with the tasks instead of
squeezing the labels."""
import math
import textwrap
from collections import namedtuple

import numpy as np

from . import style
from .results import task_label

MANY_TASKS = 20
MAX_ROWS = 36
ROW_IN = 0.165  # height of a task row in the dot plot, inches (8 pt labels need ~0.12)

Value = namedtuple("Value", "v lo hi source")  # lo/hi: 95 % CI of the median (NaN when there is none)


def finite_pos(v):
    return v is not None and math.isfinite(v) and v > 0


def many(tasks):
    return len(tasks) > MANY_TASKS


def split_columns(tasks, max_rows=MAX_ROWS):
    """Tasks (already in order) in columns of at most max_rows rows; a (batch, cell) group is moved whole to the
    next column when it does not fit and is not longer than a column itself."""
    n_cols = max(1, math.ceil(len(tasks) / max_rows))
    target = math.ceil(len(tasks) / n_cols)
    groups = []
    for t in tasks:
        key = (t[3], t[0])
        if groups and groups[-1][0] == key:
            groups[-1][1].append(t)
        else:
            groups.append((key, [t]))
    cols, cur = [], []
    for _, g in groups:
        if cur and len(cur) + len(g) > target and len(g) <= target:
            cols.append(cur)
            cur = []
        for t in g:
            if len(cur) >= max_rows:
                cols.append(cur)
                cur = []
            cur.append(t)
    if cur:
        cols.append(cur)
    return cols


def bars(ax, tasks, series, look, value_of, log=True):
    """Grouped bars: tasks on x, present series side by side in each group. Returns the sources drawn."""
    present = {t: [s for s in series if finite_pos(value_of(t, s) and value_of(t, s).v)] for t in tasks}
    widest = max([len(p) for p in present.values()] + [1])
    width = 0.84 / widest
    sources = set()
    for xi, t in enumerate(tasks):
        ps = present[t]
        for k, s in enumerate(ps):
            val = value_of(t, s)
            x = xi + (k - (len(ps) - 1) / 2) * width
            ax.bar([x], [val.v], width, **look.bar_kw(s, val.source))
            sources.add(val.source)
            if finite_pos(val.lo) and finite_pos(val.hi):
                ax.errorbar([x], [val.v], yerr=[[max(val.v - val.lo, 0)], [max(val.hi - val.v, 0)]], fmt="none",
                            ecolor="black", elinewidth=0.9, capsize=2)
    ax.set_xticks(np.arange(len(tasks)))
    ax.set_xticklabels([task_label(t) for t in tasks], rotation=40, ha="right", rotation_mode="anchor",
                       fontsize=8)
    ax.set_xlim(-0.6, len(tasks) - 0.4)
    for xi in range(1, len(tasks)):
        if tasks[xi][3] != tasks[xi - 1][3]:
            ax.axvline(xi - 0.5, color="#555555", linewidth=0.9)
    if log:
        ax.set_yscale("log")
    ax.grid(axis="y", which="major", alpha=0.35)
    return sources


def dots(axes, columns, series, look, value_of, log=True):
    """The sideways dot plot: one axis per column of tasks. Returns the sources drawn."""
    sources = set()
    m = max(len(series), 1)
    step = min(0.8 / m, 0.14)
    rows = max(len(c) for c in columns)  # every column at the same row spacing
    for ax, col in zip(axes, columns):
        n = len(col)
        # alternate shading per (batch, cell) group, a line between batch groups
        start, shade = 0, False
        for i in range(1, n + 1):
            if i == n or (col[i][3], col[i][0]) != (col[start][3], col[start][0]):
                if shade:
                    ax.axhspan(start - 0.5, i - 0.5, color="#EEEEEE", zorder=0, linewidth=0)
                shade = not shade
                if i < n and col[i][3] != col[i - 1][3]:
                    ax.axhline(i - 0.5, color="#555555", linewidth=0.8)
                start = i
        for k, s in enumerate(series):
            off = (k - (m - 1) / 2) * step
            by_src = {}
            for yi, t in enumerate(col):
                val = value_of(t, s)
                if not (val and finite_pos(val.v)):
                    continue
                by_src.setdefault(val.source, []).append((yi + off, val))
            for src, pts in by_src.items():
                sources.add(src)
                ax.plot([p[1].v for p in pts], [p[0] for p in pts], zorder=3, **look.marker_kw(s, src, size=5))
                ci = [(y, v) for y, v in pts if finite_pos(v.lo) and finite_pos(v.hi)]
                if ci:
                    ax.errorbar([v.v for _, v in ci], [y for y, _ in ci],
                                xerr=[[max(v.v - v.lo, 0) for _, v in ci], [max(v.hi - v.v, 0) for _, v in ci]],
                                fmt="none", ecolor=look.colour[s], elinewidth=0.8, capsize=1.5, zorder=2)
        ax.set_yticks(np.arange(n))
        ax.set_yticklabels([task_label(t) for t in col], fontsize=7.5)
        ax.set_ylim(rows - 0.5, -0.5)
        if log:
            ax.set_xscale("log")
        ax.grid(axis="x", which="major", alpha=0.35)
        ax.tick_params(axis="y", length=0)
    return sources


def finish(fig, legend_specs, foot_lines, pad_in=0.12, w_pad=1.0):
    """Widens the figure by a strip at the right for the legends (a list of (handles, title)), stacked top down,
    puts the footnote (wrapped to the width) at the bottom, and lays the axes out in the rest. Sizes are measured
    from the drawn legends, so nothing overlaps. Returns the legends."""
    W, H = fig.get_size_inches()
    r = fig.canvas.get_renderer()
    sizes = []
    for handles, title in legend_specs:  # measure each legend once, then place it for real
        lg = fig_legend(fig, handles, title, (0, 1))
        bb = lg.get_window_extent(r)
        sizes.append((bb.width / fig.dpi, bb.height / fig.dpi))
        fig.legends.remove(lg)
    strip = (max(w for w, _ in sizes) + 2 * pad_in) if sizes else pad_in
    need_h = sum(h + 0.15 for _, h in sizes) + 0.2
    foot = style.wrap(foot_lines, W + strip)
    foot_h = (0.135 * len(foot) + 0.1) if foot else 0.0
    H = max(H, need_h + foot_h)
    W += strip
    W, H = round(W * fig.dpi) / fig.dpi, round(H * fig.dpi) / fig.dpi  # whole pixels
    fig.set_size_inches(W + 1e-9, H + 1e-9)  # a hair over, so that the PNG is exactly W x H pixels
    style.footnote(fig, foot)
    if fig._suptitle is not None and fig._suptitle.get_text():  # a title wider than the figure is wrapped
        t = fig._suptitle
        t.set_text("\n".join(style.wrap([t.get_text().replace("\n", " ")], W - 0.3, t.get_fontsize())))
    fig.tight_layout(rect=(0, foot_h / H, 1 - strip / W, 1), w_pad=w_pad)
    top = 1 - 0.1 / H
    if fig._suptitle is not None and fig._suptitle.get_text():  # start below the title
        top = min(top, fig._suptitle.get_window_extent(r).y0 / fig.dpi / H - 0.1 / H)
    legends = []
    for (handles, title), (_, h) in zip(legend_specs, sizes):
        legends.append(fig_legend(fig, handles, title, (1 - (strip - pad_in) / W, top)))
        top -= (h + 0.15) / H
    return legends


LEGEND_CHARS = 56  # longer legend labels are wrapped


def fig_legend(fig, handles, title, anchor, fontsize=7.5):
    for h in handles:
        text = h.get_label()
        if len(text) > LEGEND_CHARS and "\n" not in text:
            h.set_label(textwrap.fill(text, LEGEND_CHARS, subsequent_indent="  "))
    return fig.legend(handles=handles, loc="upper left", bbox_to_anchor=anchor, fontsize=fontsize, title=title,
                      title_fontsize=fontsize + 0.5, frameon=True, borderaxespad=0.0, alignment="left")


def task_figure(tasks, widest, side_in=0.0, height_in=5.2):
    """A figure for values per task (bars or dot columns) with an optional side panel side_in inches wide.
    Returns (fig, task_axes, side_ax or None, columns or None)."""
    if many(tasks):
        cols = split_columns(tasks)
        height = max(len(c) for c in cols) * ROW_IN + 1.7
        widths = [3.7] * len(cols)
    else:
        cols = None
        group_w = max(0.5, 0.085 * widest + 0.18)
        widths = [max(5.5, 0.9 + len(tasks) * group_w)]
        height = height_in
    if side_in:
        widths.append(side_in)
    fig, axes = style.new_figure(sum(widths), height, 1, len(widths), gridspec_kw={"width_ratios": widths})
    axes = list(axes[0])
    side = axes.pop() if side_in else None
    return fig, axes, side, cols


def draw_tasks(fig_axes, tasks, series, look, value_of, cols):
    """Bars or dot columns into the task axes of task_figure; the value axis is log and shared. Returns the
    sources drawn."""
    if cols is None:
        return bars(fig_axes[0], tasks, series, look, value_of)
    srcs = dots(fig_axes, cols, series, look, value_of)
    vals = [v for t in tasks for s in series for v in [value_of(t, s)] if v and finite_pos(v.v)]
    lo = min([min(v.v, v.lo) if finite_pos(v.lo) else v.v for v in vals] + [1.0])
    hi = max([max(v.v, v.hi) if finite_pos(v.hi) else v.v for v in vals] + [1.0])
    for ax in fig_axes:
        ax.set_xlim(lo / 1.6, hi * 1.6)
        style.plain_log_axis(ax.xaxis)
    return srcs


Row = namedtuple("Row", "text platform source value n points ci group")  # one bar of a summary panel


TICK_KW = dict(linestyle="none", marker="|", markersize=7, markeredgewidth=1.0, color="#222222", alpha=0.8)


def tick_handle(text):
    from matplotlib.lines import Line2D
    return Line2D([], [], label=text, **TICK_KW)


def hbar_rows(ax, rows, look):
    """Summary panel: one horizontal bar per row (its value, e.g. a geomean, with `value unit (n)` written after
    it), the row's per-task points as small ticks on it, rows top down, a line between groups (batch sizes).
    Returns the
    y of each row and the sources drawn."""
    sources, ys = set(), {}
    for yi, r in enumerate(rows):
        ys[id(r)] = yi
        if not finite_pos(r.value):
            continue
        kw = look.bar_kw(r.platform, r.source)
        ax.barh([yi], [r.value], 0.62, **kw)
        sources.add(r.source)
        if r.points:
            ax.plot(r.points, [yi] * len(r.points), zorder=3, **TICK_KW)
        if r.ci and finite_pos(r.ci[0]) and finite_pos(r.ci[1]):
            ax.errorbar([r.value], [yi], xerr=[[max(r.value - r.ci[0], 0)], [max(r.ci[1] - r.value, 0)]],
                        fmt="none", ecolor="black", elinewidth=0.9, capsize=2)
    ax.set_yticks(np.arange(len(rows)))
    ax.set_yticklabels([r.text for r in rows], fontsize=7.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    for yi in range(1, len(rows)):
        if rows[yi].group != rows[yi - 1].group:
            ax.axhline(yi - 0.5, color="#555555", linewidth=0.8)
    ax.set_xscale("log")
    ax.grid(axis="x", which="major", alpha=0.35)
    ax.tick_params(axis="y", length=0)
    return ys, sources


def write_values(ax, rows, ys, unit, extra_right=None):
    """`12.3x (11)` after each bar (and after any marker further right); widens the axis to fit the text."""
    xmax = 0.0
    for r in rows:
        if not finite_pos(r.value):
            continue
        x = max([r.value] + [p for p in (r.points or []) if finite_pos(p)]
                + ([extra_right[id(r)]] if extra_right and id(r) in extra_right else []))
        ax.annotate("%s%s (%d)" % (style.short_number(r.value), unit, r.n), (x, ys[id(r)]), xytext=(4, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=7)
        xmax = max(xmax, x)
    return xmax


LABEL_OFFSETS = ((5, 0, "left", "center"), (-5, 0, "right", "center"), (0, 5, "center", "bottom"),
                 (0, -5, "center", "top"), (5, 5, "left", "bottom"), (-5, 5, "right", "bottom"),
                 (5, -5, "left", "top"), (-5, -5, "right", "top"))


def place_labels(ax, items, fontsize=6.5):
    """Names points (x, y, text) next to them where the name overlaps no other name, no marker of the axis and
    stays inside it; call it after the layout is final. Returns how many names found no place."""
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    inside = ax.get_window_extent(r)
    taken = []
    for ln in ax.lines:
        if ln.get_marker() not in (None, "None", "none", "", " "):
            xy = ln.get_transform().transform(np.column_stack(ln.get_data()).astype(float))
            taken.extend((x - 4, y - 4, x + 4, y + 4) for x, y in xy if np.isfinite(x) and np.isfinite(y))
    omitted = 0
    for x, y, text in items:
        for dx, dy, ha, va in LABEL_OFFSETS:
            a = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            fontsize=fontsize, color="#333333")
            bb = a.get_window_extent(r)
            box = (bb.x0, bb.y0, bb.x1, bb.y1)
            fits = inside.x0 <= bb.x0 and bb.x1 <= inside.x1 and inside.y0 <= bb.y0 and bb.y1 <= inside.y1
            if fits and not any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3]
                                for t in taken):
                taken.append(box)
                break
            a.remove()
        else:
            omitted += 1
    return omitted
