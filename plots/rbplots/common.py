"""rbplots/common.py — what several figures share: a row's latency as a Value, the footnote naming the
platforms left out."""
import math

from .results import ok
from .taskplot import Value


def latency_value(r):
    """Median latency of a row with its 95 % CI (measured rows only), or None."""
    if not ok(r):
        return None
    lo = hi = math.nan
    if r["latency_source"] == "measured":
        lo, hi = r.get("lat_ci95_lo_ms", math.nan), r.get("lat_ci95_hi_ms", math.nan)
    return Value(r["lat_median_ms"], lo, hi, r["latency_source"] or "unavailable")


def left_out(results):
    """Footnote lines naming the platforms without ok rows and why."""
    lines = []
    for p in results.not_compared:
        why = p.reason or "no ok rows"
        lines.append("not shown: %s (%s)" % (p.label, why))
    return lines
