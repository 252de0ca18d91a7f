"""rbplots/style.py — how a platform and a figure's source look, the same in every figure and every file.

Colour and marker shape name the platform: each of our backends has a fixed colour (Okabe-Ito, colour-blind
safe), and a published platform that one of our backends models or measures (its `reproduced_by`) shares that
backend's colour and marker, so the pairs the paper compares sit side by side. The source of a figure is drawn
as fill: measured bars are solid and carry the 95 % CI of the median as error bars, simulated bars are hatched
`///`, modeled bars cross-hatched `xxx`, published bars hollow (outlined in the platform's colour, hatched lightly);
markers are filled (measured), half-filled left (simulated), half-filled bottom (modeled), hollow (published)."""
import math
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogFormatterSciNotation, LogLocator, NullFormatter  # noqa: E402

DPI = 100
FIXED_COLOURS = {"spatial": "#009E73", "brainwave": "#0072B2", "cpu-blas": "#E69F00", "cpu-fused": "#D55E00",
                 "cublas": "#56B4E9", "cudnn": "#CC79A7"}
FIXED_MARKERS = {"spatial": "s", "brainwave": "o", "cpu-blas": "^", "cpu-fused": "v", "cublas": "D",
                 "cudnn": "P"}
# further platforms: Paul Tol's muted/bright colours (also colour-blind safe), then black and grey
SPARE_COLOURS = ["#332288", "#882255", "#999933", "#661100", "#AA4499", "#888888", "#6699CC", "#DDCC77",
                 "#000000"]  # none close to a fixed colour: a hollow spare must not pass for a hollow fixed one
SPARE_MARKERS = ["X", "*", "h", "<", ">", "p", "d", "8", "H", "1"]

SOURCES = ("measured", "simulated", "modeled", "datasheet", "published")
BAR_HATCH = {"measured": "", "simulated": "////", "modeled": "xxx", "datasheet": "", "published": "\\\\\\"}
MARKER_FILL = {"measured": "full", "simulated": "left", "modeled": "bottom", "datasheet": "full",
               "published": "none"}
SOURCE_WORDS = {"measured": "measured (solid; bars: 95 % CI of the median)", "simulated": "simulated (hatched ///)",
                "modeled": "modeled (cross-hatched xxx)", "datasheet": "datasheet (solid)",
                "published": "published (hollow, outlined)"}
SOURCE_WORDS_MARKER = {"measured": "measured (filled; bars: 95 % CI of the median)",
                       "simulated": "simulated (left half filled)", "modeled": "modeled (bottom half filled)",
                       "datasheet": "datasheet (filled)", "published": "published (hollow)"}


class Look:
    """Colour and marker of every platform of a results file."""

    def __init__(self, results):
        self.colour, self.marker = {}, {}
        spare = 0
        fixed_ours, fixed_published = {}, set()
        for lab in results.labels:  # of a backend's columns (options), the one with most ok rows gets its look
            p = results.platforms[lab]
            base = lab.split("[")[0]
            if not p.published and base in FIXED_COLOURS:
                best = fixed_ours.get(base)
                if best is None or (p.n_ok, -len(lab)) > (results.platforms[best].n_ok, -len(best)):
                    fixed_ours[base] = lab
        for lab in results.labels:  # ours first, then published platforms
            p = results.platforms[lab]
            if not p.published and fixed_ours.get(lab.split("[")[0]) == lab:
                base = lab.split("[")[0]
            elif p.published and p.reproduced_by in FIXED_COLOURS and p.reproduced_by not in fixed_published:
                base = p.reproduced_by  # the published platform our backend stands for: same look, hollow
                fixed_published.add(base)
            else:
                self.colour[lab] = SPARE_COLOURS[spare % len(SPARE_COLOURS)]
                self.marker[lab] = SPARE_MARKERS[spare % len(SPARE_MARKERS)]
                spare += 1
                continue
            self.colour[lab], self.marker[lab] = FIXED_COLOURS[base], FIXED_MARKERS[base]

    def bar_kw(self, label, source):
        """Keyword arguments of ax.bar for one platform's bars of one source."""
        c = self.colour[label]
        if source == "published":
            return dict(color="white", edgecolor=c, linewidth=1.3, hatch=BAR_HATCH["published"])
        return dict(color=c, edgecolor="black", linewidth=0.5, hatch=BAR_HATCH.get(source, ""))

    def marker_kw(self, label, source, size=6.5):
        c = self.colour[label]
        return dict(marker=self.marker[label], markersize=size, color=c, markeredgecolor=c, markerfacecolor=c,
                    markerfacecoloralt="white", fillstyle=MARKER_FILL.get(source, "full"), markeredgewidth=1.1,
                    linestyle="none")


def platform_handles(look, labels, bars, notes=None, sources=None):
    """Legend entries naming the platforms: colour (and marker for dot plots), drawn in the fill of the
    platform's source (sources: label -> source; hollow for published platforms)."""
    hs = []
    for lab in labels:
        text = lab + ((" " + notes[lab]) if notes and notes.get(lab) else "")
        src = (sources or {}).get(lab, "measured")
        if bars:
            kw = look.bar_kw(lab, src)
            hs.append(Patch(facecolor=kw["color"], edgecolor=kw["edgecolor"], hatch=kw["hatch"],
                            linewidth=kw["linewidth"], label=text))
        else:
            hs.append(Line2D([], [], label=text, **look.marker_kw(lab, src)))
    return hs


def source_handles(sources, bars):
    """Legend entries explaining the fill of each source present."""
    hs = []
    for s in SOURCES:
        if s not in sources:
            continue
        if bars:
            kw = (dict(facecolor="white", edgecolor="#444444", hatch=BAR_HATCH[s], linewidth=1.2)
                  if s == "published" else dict(facecolor="#BBBBBB", edgecolor="black", hatch=BAR_HATCH[s]))
            hs.append(Patch(label=SOURCE_WORDS[s], **kw))
        else:
            hs.append(Line2D([], [], marker="o", color="#444444", markerfacecolor="#444444",
                             markerfacecoloralt="white", fillstyle=MARKER_FILL[s], linestyle="none",
                             markersize=7, label=SOURCE_WORDS_MARKER[s]))
    return hs


def new_figure(width_in, height_in, nrows=1, ncols=1, **kw):
    fig, axes = plt.subplots(nrows, ncols, figsize=(width_in, height_in), dpi=DPI, squeeze=False, **kw)
    return fig, axes


def plain_log_axis(axis, length_in=None):
    """A log axis whose labels stay apart: plain numbers (0.01, 1, 100) over up to 5 decades, 10^k beyond; 1-2-5
    ticks when the axis spans less than ~1.3 decades; at most one label per ~0.45 inch of axis (length_in: the
    axis length, default measured from the axes' current position)."""
    lo, hi = sorted(axis.get_view_interval())
    if not (lo > 0 and hi > lo):
        return
    if length_in is None:
        ax = axis.axes
        w, h = ax.figure.get_size_inches()
        pos = ax.get_position()
        length_in = pos.width * w if axis is ax.xaxis else pos.height * h
    decades = math.log10(hi / lo)
    room = max(2, int(length_in / 0.45))
    if decades < 1.3:
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=room))
    else:
        axis.set_major_locator(LogLocator(base=10, numticks=min(room, 12)))
    plain = lo >= 1e-4 and hi <= 1e6 and decades <= 7.5
    axis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v) if plain else LogFormatterSciNotation())
    axis.set_minor_formatter(NullFormatter())


def short_number(v):
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.3g" % v


def footnote(fig, lines, fontsize=7.5):
    """Small print under the axes (what is left out and why, which rule a geomean follows)."""
    if lines:
        fig.text(0.005, 0.005, "\n".join(lines), fontsize=fontsize, ha="left", va="bottom", color="#333333")


def wrap(lines, width_in, fontsize=7.5):
    """Lines wrapped to fit width_in inches of text at fontsize."""
    chars = max(40, int(width_in * 72 / (fontsize * 0.56)))
    out = []
    for line in lines:
        out.extend(textwrap.wrap(line, chars, subsequent_indent="    ") or [""])
    return out
