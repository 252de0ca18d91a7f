"""rbplots/results.py — an rnnbench results file as the figures need it: the latest row per job, the platforms
(our backends and published platforms), the tasks in the paper's order and grouped by batch size.

The rules are those of `rnnbench report`: the latest row per (workload shape, backend, options) counts (highest
run_id, then timestamp, then file order); only `ok` rows with a positive median latency count; a published
platform is a backend whose rows all have latency_source `published`."""
import math

SCHEMA = "rnnbench-results"
CELL_ORDER = {"lstm": 0, "gru": 1, "vanilla": 2}
PUBLISHED = "published"


class ResultsError(Exception):
    pass


def _text(v):
    if isinstance(v, bytes):
        return v.split(b"\0", 1)[0].decode("utf-8", "replace")
    return str(v)


def load_rows(path):
    """All rows of /results as dicts (strings decoded), or ResultsError."""
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
    need = ("cell", "hidden", "input", "batch", "timesteps", "backend", "options", "status", "run_id", "timestamp",
            "latency_source", "lat_median_ms")
    missing = [n for n in need if n not in names]
    if missing:
        raise ResultsError("/results lacks column(s) %s" % ", ".join(missing))
    rows = []
    for i, rec in enumerate(table):
        row = {n: (_text(rec[n]) if table.dtype[n].kind in "SUO" else rec[n].item()) for n in names}
        row["_pos"] = i
        row["_extras"] = parse_extras(row.get("extras", ""))
        rows.append(row)
    return rows


def parse_extras(s):
    """`k=v;k=v` as a dict (an item without `=` maps to "")."""
    out = {}
    for item in (s or "").split(";"):
        if not item.strip():
            continue
        k, _, v = item.partition("=")
        out[k.strip()] = v.strip()
    return out


def latest_rows(rows):
    """The latest row per (shape, backend, options): highest run_id, then timestamp, then file order."""
    best = {}
    for r in rows:
        key = shape_of(r) + (r["backend"], r["options"])
        ts = r["timestamp"] if math.isfinite(r["timestamp"]) else -math.inf
        rank = (r["run_id"], ts, r["_pos"])
        if key not in best or rank > best[key][0]:
            best[key] = (rank, r)
    return sorted((v[1] for v in best.values()), key=lambda r: r["_pos"])


def label_of(r):
    return r["backend"] + ("[%s]" % r["options"] if r["options"] else "")


def shape_of(r):
    return (r["cell"], r["hidden"], r["input"], r["batch"], r["timesteps"])


def task_order(shape):
    """The paper's order (Table 6): batch groups apart, then LSTM before GRU before vanilla, hidden size, time
    steps, input size."""
    cell, h, i, b, t = shape
    return (b, CELL_ORDER.get(cell, 9), cell, h, t, i)


def task_label(shape, batch=True):
    """`LSTM 1024/25` (hidden/time steps as the paper writes them), `I512` when input != hidden, `B4` for
    batch > 1."""
    cell, h, i, b, t = shape
    s = "%s %d/%d" % (cell.upper(), h, t)
    if i != h:
        s += " I%d" % i
    if batch and b != 1:
        s += " B%d" % b
    return s


def ok(r):
    return (r is not None and r["status"] == "ok" and math.isfinite(r["lat_median_ms"])
            and r["lat_median_ms"] > 0)


def known(src):
    return bool(src) and src != "unavailable"


def geomean(values):
    v = [x for x in values if x is not None and math.isfinite(x) and x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else math.nan


class Platform:
    """One column of the report: a backend (with its options) or a published platform."""

    def __init__(self, label, rows):
        self.label = label
        self.rows = rows
        self.published = all(r["latency_source"] == PUBLISHED for r in rows)
        self.n_ok = sum(ok(r) for r in rows)
        ex = [r["_extras"] for r in rows]
        self.reproduced_by = next((e["reproduced_by"] for e in ex if e.get("reproduced_by")), "")
        self.citation = next((e["citation"] for e in ex if e.get("citation")), "")
        srcs = [r["latency_source"] for r in rows if ok(r)]
        self.source = max(set(srcs), key=srcs.count) if srcs else "unavailable"  # the most common one
        why = [r["message"] for r in rows if r["status"] != "ok" and r.get("message")]
        self.reason = why[0].splitlines()[0] if why else ""


class Results:
    """The latest rows of a results file as tasks x platforms."""

    def __init__(self, rows):
        self.rows = latest_rows(rows)
        self.cell = {(shape_of(r), label_of(r)): r for r in self.rows}
        by_label = {}
        for r in self.rows:
            by_label.setdefault(label_of(r), []).append(r)
        plats = [Platform(lab, rs) for lab, rs in by_label.items()]
        # our backends first, then published platforms; alphabetical within each
        plats.sort(key=lambda p: (p.published, p.label))
        self.platforms = {p.label: p for p in plats}
        self.labels = [p.label for p in plats]
        self.compared = [p.label for p in plats if p.n_ok > 0]
        self.not_compared = [p for p in plats if p.n_ok == 0]
        self.source = {p.label: p.source for p in plats}
        tasks = {shape_of(r) for r in self.rows if ok(r)}
        self.tasks = sorted(tasks, key=task_order)
        self.batches = sorted({t[3] for t in self.tasks})

    def get(self, task, label):
        return self.cell.get((task, label))

    def ok_row(self, task, label):
        r = self.get(task, label)
        return r if ok(r) else None

    def tasks_of(self, label):
        return [t for t in self.tasks if ok(self.get(t, label))]

    def is_published(self, label):
        return self.platforms[label].published

    def pick(self, name, default="spatial"):
        """The platform called `name` (exact label, else the backend's column with most ok rows); with no name
        `default` if it has ok rows, else the first of ours with ok rows. None when there is nothing to pick."""
        want = name or default
        if want in self.compared:
            return want
        cands = [c for c in self.compared if c.split("[")[0] == want]
        if cands:
            return max(cands, key=lambda c: self.platforms[c].n_ok)
        if name:
            raise ResultsError("platform %r has no ok rows in the file (platforms with ok rows: %s)"
                               % (name, ", ".join(self.compared) or "none"))
        ours = [c for c in self.compared if not self.is_published(c)]
        return (ours or self.compared or [None])[0]

    def reproducers(self, label):
        """Our platforms (with ok rows) that model or measure the published platform `label`."""
        p = self.platforms.get(label)
        if p is None or not p.reproduced_by:
            return []
        return [c for c in self.compared if not self.is_published(c) and c.split("[")[0] == p.reproduced_by]

    def stands_for(self, label):
        """Published platforms that our platform `label` models or measures (their reproduced_by names it)."""
        base = label.split("[")[0]
        return [c for c in self.compared if self.is_published(c) and self.platforms[c].reproduced_by == base]
