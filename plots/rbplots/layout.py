"""rbplots/layout.py — checks a drawn figure the way a reader would trip over it, with matplotlib's own text
extents: a tick label overlapping another tick label or a text, a text outside the canvas, a legend covering
data (bars, markers, lines, error bars, density cells) or another legend. Returns the problems as sentences."""
import numpy as np
from matplotlib.collections import Collection, LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

SHRINK_PX = 0.5  # boxes that only touch do not overlap


def _box(artist, renderer):
    bb = artist.get_window_extent(renderer)
    return (bb.x0 + SHRINK_PX, bb.y0 + SHRINK_PX, bb.x1 - SHRINK_PX, bb.y1 - SHRINK_PX)


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _text_poly(t, renderer):
    """The four corners of a text's own (rotated) rectangle in display space: for rotated labels the
    axis-aligned extent is far larger than the glyphs, so overlap is judged on the real rectangle."""
    bb = t.get_window_extent(renderer)
    rot = t.get_rotation() % 180
    if rot in (0, 90):
        w, h, a = bb.width, bb.height, 0.0
    else:
        t.set_rotation(0)
        bb0 = t.get_window_extent(renderer)
        t.set_rotation(rot)
        w, h, a = bb0.width, bb0.height, np.radians(rot)
    c = np.array([(bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2])
    hw, hh = max(w / 2 - SHRINK_PX, 0), max(h / 2 - SHRINK_PX, 0)
    rot_m = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return c + np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]]) @ rot_m.T


def _poly_of_box(b):
    return np.array([[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]])


def _polys_overlap(p, q):
    """Separating-axis test of two convex polygons."""
    for poly in (p, q):
        for k in range(len(poly)):
            e = poly[(k + 1) % len(poly)] - poly[k]
            axis = np.array([-e[1], e[0]])
            if not axis.any():
                continue
            pp, qq = p @ axis, q @ axis
            if pp.max() <= qq.min() or qq.max() <= pp.min():
                return False
    return True


def _outside(poly, W, H):
    return poly[:, 0].min() < -1 or poly[:, 1].min() < -1 or poly[:, 0].max() > W + 1 or poly[:, 1].max() > H + 1


def _visible_text(t):
    return isinstance(t, Text) and t.get_visible() and t.get_text().strip() != ""


def tick_labels(ax, renderer):
    """(kind, text, box) of every visible, non-empty tick label (major and minor) inside the axis's view."""
    out = []
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        lo, hi = sorted(axis.get_view_interval())
        for minor in (False, True):
            for tick in axis.get_minor_ticks() if minor else axis.get_major_ticks():
                loc = tick.get_loc()
                if loc is None or not (lo - 1e-9 * abs(lo) <= loc <= hi + 1e-9 * abs(hi)):
                    continue
                for lab in (tick.label1, tick.label2):
                    if lab.get_visible() and _visible_text(lab):
                        out.append((name, lab.get_text(), _text_poly(lab, renderer)))
    return out


def _data_points(ax, renderer):
    """Display-space boxes of the data of an axis: bars and patches as boxes, line/marker vertices and
    collection offsets as points (tiny boxes), density cells as their boxes."""
    boxes = []
    for p in ax.patches:
        if isinstance(p, Rectangle) and p.get_visible() and p.get_width() != 0 and p.get_height() != 0:
            if p.get_facecolor()[3] == 0 and p.get_edgecolor()[3] == 0:
                continue
            if p.get_transform() == ax.transAxes or p.get_label() == "_band":
                continue
            boxes.append(_box(p, renderer))
    for ln in ax.lines:
        if not (isinstance(ln, Line2D) and ln.get_visible()) or ln.get_label() in ("_ref", "_band"):
            continue
        xy = ln.get_transform().transform(np.column_stack(ln.get_data()).astype(float))
        if ln.get_marker() in (None, "None", "none", "", " ") and len(xy) == 2 and (
                xy[0][0] == xy[1][0] or xy[0][1] == xy[1][1]):
            continue  # axhline/axvline-like reference lines
        boxes.extend((x - 2, y - 2, x + 2, y + 2) for x, y in xy if np.isfinite(x) and np.isfinite(y))
    for c in ax.collections:
        if not (isinstance(c, Collection) and c.get_visible()) or c.get_label() in ("_ref", "_band"):
            continue
        if isinstance(c, LineCollection):  # error bars: the ends of every segment
            segs = [np.asarray(sg, dtype=float) for sg in c.get_segments() if len(sg)]
            xy = c.get_transform().transform(np.concatenate(segs)) if segs else np.empty((0, 2))
        elif c.get_offsets() is not None and len(c.get_offsets()):  # markers, density cells: their centres
            xy = c.get_offset_transform().transform(np.asarray(c.get_offsets(), dtype=float))
        else:
            verts = [p.vertices for p in c.get_paths() if len(p.vertices)]
            xy = c.get_transform().transform(np.concatenate(verts)) if verts else np.empty((0, 2))
        boxes.extend((x - 2, y - 2, x + 2, y + 2) for x, y in xy if np.isfinite(x) and np.isfinite(y))
    return boxes


def check(fig):
    """Problems of the drawn figure, as sentences (empty list: none)."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    W, H = fig.canvas.get_width_height()
    problems = []
    labels = []  # (text, polygon) of every tick label of every axis
    for ax in fig.axes:
        if ax.get_visible() and ax.axison:
            labels.extend((text, poly) for _, text, poly in tick_labels(ax, r))
    texts = [t for t in fig.texts if _visible_text(t)]
    for ax in fig.axes:
        if ax.get_visible():
            texts += [t for t in ax.texts if _visible_text(t)]
            texts += [t for t in (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label)
                      if _visible_text(t)]
    if fig._suptitle is not None and _visible_text(fig._suptitle) and fig._suptitle not in texts:
        texts.append(fig._suptitle)
    tpolys = [(t.get_text(), _text_poly(t, r)) for t in texts]
    for i, (ti, pi) in enumerate(labels):
        if _outside(pi, W, H):
            problems.append("tick label %r runs off the figure" % ti)
        for tj, pj in labels[i + 1:]:
            if _polys_overlap(pi, pj):
                problems.append("tick label %r overlaps tick label %r" % (ti, tj))
    for i, (ti, pi) in enumerate(tpolys):
        if _outside(pi, W, H):
            problems.append("text %r runs off the figure" % ti[:40])
        for tj, pj in tpolys[i + 1:]:
            if _polys_overlap(pi, pj):
                problems.append("text %r overlaps text %r" % (ti[:40], tj[:40]))
        for tj, pj in labels:
            if _polys_overlap(pi, pj):
                problems.append("text %r overlaps tick label %r" % (ti[:40], tj))
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    lboxes = [_box(lg, r) for lg in legends]
    data = [b for ax in fig.axes if ax.get_visible() for b in _data_points(ax, r)]
    for i, lb in enumerate(lboxes):
        lp = _poly_of_box(lb)
        n = sum(_overlap(lb, b) for b in data)
        if n:
            problems.append("legend %d covers %d data item(s)" % (i + 1, n))
        for j in range(i + 1, len(lboxes)):
            if _overlap(lb, lboxes[j]):
                problems.append("legend %d overlaps legend %d" % (i + 1, j + 1))
        for t, tp in tpolys + labels:
            if _polys_overlap(lp, tp):
                problems.append("legend %d overlaps %r" % (i + 1, t[:40]))
        if _outside(lp, W, H):
            problems.append("legend %d runs off the figure" % (i + 1))
    return problems
