"""rbplots/claims.py — the paper's claims as data (results/published/sysml19_claims.csv, format in
results/published/README.md), for the markers of the speedup and efficiency figures.

A claim is about published platforms (`subject` against `versus`, rows of one batch size); a figure marks it
where the subject — or our backend that reproduces it (the subject's `reproduced_by`) — is drawn."""
import csv
import math
import os

DEFAULT_CLAIMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results", "published",
                              "sysml19_claims.csv")
NEEDED = ("claim", "metric", "subject", "versus", "value", "batch")


class ClaimsError(Exception):
    pass


def read_claims(paths):
    """Claims with a stated value, as dicts (value and batch as numbers). ClaimsError names FILE:LINE."""
    out = []
    for path in paths:
        try:
            with open(path, newline="") as f:
                numbered = [(n, line) for n, line in enumerate(f, 1) if line.strip() and not line.startswith("#")]
        except OSError as e:
            raise ClaimsError("%s: %s" % (path, e.strerror or e))
        if not numbered:
            continue
        reader = csv.DictReader(line for _, line in numbered)
        missing = [c for c in NEEDED if c not in (reader.fieldnames or [])]
        if missing:
            raise ClaimsError("%s:%d: header lacks %s" % (path, numbered[0][0], ", ".join(missing)))
        for (lineno, _), row in zip(numbered[1:], reader):
            if not row.get("value", "").strip():
                continue  # computed for context only: the paper states no figure
            try:
                value = float(row["value"])
                batch = int(row["batch"]) if row["batch"].strip() else 1
            except ValueError:
                raise ClaimsError("%s:%d: value/batch: not a number" % (path, lineno))
            if not (math.isfinite(value) and value > 0):
                raise ClaimsError("%s:%d: value: not a positive number" % (path, lineno))
            c = {k: (row.get(k) or "").strip() for k in reader.fieldnames}
            c.update(value=value, batch=batch, where="%s:%d" % (os.path.basename(path), lineno))
            out.append(c)
    return out


def applicable_rows(claim, results):
    """The platforms a claim's subject is drawn as: the subject itself and our platforms that reproduce it."""
    return [claim["subject"]] + results.reproducers(claim["subject"])


def applicable(claims, metric, results, chosen, batch):
    """Claims of `metric` about batch `batch` whose subject is drawn as `chosen` (the subject itself, or our
    platform that reproduces it) and whose versus platform has ok rows."""
    return [c for c in claims if c["metric"] == metric and c["batch"] == batch and c["versus"] in results.compared
            and chosen in applicable_rows(c, results)]
