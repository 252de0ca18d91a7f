#!/usr/bin/python3
"""tests/mpi_check.py — checks a results file written by an MPI campaign (tests/mpi.cmake).

Always: the file opens with h5py, /results keys are unique, every row has a host and a rank in [0, --ranks).
Options add checks: --ref (same key set and the same status per key as a reference file), --rows, --max-rows,
--all-ranks-used, --status BACKEND=STATUS[:TEXT], --workload-status NAME=STATUS, --only-on-ranks BACKEND=R,R,
--only-on-hosts BACKEND=H,H, --hosts N (rows ran on N distinct hosts), --runs N (groups in /runs),
--run-attr KEY=VALUE (an attribute of the last /runs group; VALUE '*' = present and not empty).
Exit 0 when every check passes, 1 with the reasons otherwise."""
import argparse
import sys

import h5py


def load(path):
    with h5py.File(path, "r") as f:
        res = f["/results"]
        t = res[:int(res.attrs.get("rows_committed", len(res)))]  # rows past it: a write that failed
        runs = f["/runs"]
        last = runs[sorted(runs.keys())[-1]] if len(runs) else None
        run_attrs = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in last.attrs.items()} if last else {}
        run_attrs["#runs"] = str(len(runs))

    def s(v):
        return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)

    rows = [{"key": s(r["key"]), "status": s(r["status"]), "backend": s(r["backend"]), "workload": s(r["workload"]),
             "host": s(r["host"]), "rank": int(r["rank"]), "message": s(r["message"])} for r in t]
    return rows, run_attrs


def check_trace(path, nrows, min_parallel, min_measured_parallel=0, nodes=None, rank_host=None):
    """Replays rank 0's hand-outs and results: measured jobs in flight per node never exceed 1. With rank_host
    (rank -> hostname from the rows): each node's ranks share one host and no two nodes share a host."""
    bad = []
    seen_nodes = set()
    node_ranks = {}
    flying, measured_on = {}, {}
    most, most_measured, done = 0, 0, 0
    for line in open(path):
        if line.startswith("#"):
            continue
        f = line.split()
        ev, job, node, meas = f[1], int(f[2]), int(f[6]), int(f[8])
        seen_nodes.add(node)
        node_ranks.setdefault(node, set()).add(int(f[4]))
        if ev == "start":
            if job in flying:
                bad.append("trace: job %d handed out twice" % job)
            flying[job] = (node, meas)
            if meas:
                measured_on[node] = measured_on.get(node, 0) + 1
                if measured_on[node] > 1:
                    bad.append("trace: %d measured jobs in flight on node %d at %s" % (measured_on[node], node, f[0]))
            most = max(most, len(flying))
            most_measured = max(most_measured, sum(measured_on.values()))
        elif ev in ("done", "requeue"):
            if job not in flying:
                bad.append("trace: %s for job %d that was not in flight" % (ev, job))
                continue
            n, m = flying.pop(job)
            if m:
                measured_on[n] -= 1
            done += ev == "done"
    if flying:
        bad.append("trace: %d jobs never answered" % len(flying))
    if done > nrows:
        bad.append("trace: %d results but %d rows" % (done, nrows))
    if most < min_parallel:
        bad.append("trace: at most %d jobs in flight, expected at least %d" % (most, min_parallel))
    if most_measured < min_measured_parallel:
        bad.append("trace: at most %d measured jobs in flight, expected at least %d" % (most_measured,
                                                                                      min_measured_parallel))
    if rank_host is not None:
        node_host = {}
        for n, ranks in sorted(node_ranks.items()):
            hosts = {rank_host.get(r, "?") for r in ranks}
            if len(hosts) != 1:
                bad.append("trace: node %d holds ranks %s on hosts %s" % (n, sorted(ranks), sorted(hosts)))
            node_host[n] = sorted(hosts)[0]
        if len(set(node_host.values())) != len(node_host):
            bad.append("trace: nodes share hosts: %s" % node_host)
        print("trace: nodes -> hosts %s" % node_host)
    if nodes is not None and len(seen_nodes) != nodes:
        bad.append("trace: jobs went to %d nodes %s, expected %d" % (len(seen_nodes), sorted(seen_nodes), nodes))
    print("trace: %d results, at most %d jobs (%d measured) in flight, nodes %s" % (done, most, most_measured,
                                                                                 sorted(seen_nodes)))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--ref")
    ap.add_argument("--ranks", type=int, default=1)
    ap.add_argument("--rows", type=int)
    ap.add_argument("--min-rows", type=int)
    ap.add_argument("--max-rows", type=int)
    ap.add_argument("--all-ranks-used", action="store_true")
    ap.add_argument("--status", action="append", default=[])
    ap.add_argument("--workload-status", action="append", default=[])
    ap.add_argument("--only-on-ranks", action="append", default=[])
    ap.add_argument("--only-on-hosts", action="append", default=[])
    ap.add_argument("--hosts", type=int, help="rows ran on this many distinct hosts")
    ap.add_argument("--runs", type=int, help="groups in /runs")
    ap.add_argument("--run-attr", action="append", default=[], help="KEY=VALUE of the last /runs group ('*': any)")
    ap.add_argument("--provenance", action="store_true", help="/runs records hostnames and the MPI library")
    ap.add_argument("--trace", help="RNNBENCH_SCHED_TRACE file: at most one measured job per node in flight")
    ap.add_argument("--min-parallel", type=int, default=1, help="with --trace: jobs in flight at once, at least")
    ap.add_argument("--min-measured-parallel", type=int, default=0,
                    help="with --trace: measured jobs in flight at once (on different nodes), at least")
    ap.add_argument("--nodes", type=int, help="with --trace: jobs went to this many distinct nodes")
    ap.add_argument("--nodes-are-hosts", action="store_true",
                    help="with --trace: every node of the trace is one host of the rows (real hosts, no pretend nodes)")
    a = ap.parse_args()

    rows, run_attrs = load(a.file)
    bad = []
    keys = [r["key"] for r in rows]
    if len(keys) != len(set(keys)):
        bad.append("duplicate keys: %d rows, %d unique" % (len(keys), len(set(keys))))
    for r in rows:
        if not r["host"]:
            bad.append("row %s has no host" % r["key"])
        if not 0 <= r["rank"] < a.ranks:
            bad.append("row %s has rank %d outside [0,%d)" % (r["key"], r["rank"], a.ranks))
    if a.rows is not None and len(rows) != a.rows:
        bad.append("%d rows, expected %d" % (len(rows), a.rows))
    if a.min_rows is not None and len(rows) < a.min_rows:
        bad.append("%d rows, expected at least %d" % (len(rows), a.min_rows))
    if a.max_rows is not None and len(rows) > a.max_rows:
        bad.append("%d rows, expected at most %d" % (len(rows), a.max_rows))
    if a.ref:
        ref, _ = load(a.ref)
        want = {r["key"]: r["status"] for r in ref}
        got = {r["key"]: r["status"] for r in rows}
        if set(want) != set(got):
            bad.append("key sets differ: %d missing, %d extra" % (len(set(want) - set(got)), len(set(got) - set(want))))
        for k in set(want) & set(got):
            if want[k] != got[k]:
                bad.append("key %s: status %s, reference %s" % (k, got[k], want[k]))
    if a.all_ranks_used:
        used = {r["rank"] for r in rows if r["status"] == "ok"}
        if used != set(range(a.ranks)):
            bad.append("ranks that ran jobs: %s, expected all of 0..%d" % (sorted(used), a.ranks - 1))
    for spec in a.status:
        b, want = spec.split("=", 1)
        st, _, text = want.partition(":")
        sel = [r for r in rows if r["backend"] == b]
        if not sel:
            bad.append("no rows for backend %s" % b)
        for r in sel:
            if r["status"] != st or (text and text not in r["message"]):
                bad.append("%s row %s: %s '%s', expected %s%s" % (b, r["workload"], r["status"], r["message"], st,
                                                                 " with '%s'" % text if text else ""))
    for spec in a.workload_status:
        w, st = spec.split("=", 1)
        sel = [r for r in rows if r["workload"] == w]
        if not sel:
            bad.append("no rows for workload %s" % w)
        for r in sel:
            if r["status"] != st:
                bad.append("workload %s on %s: %s, expected %s" % (w, r["backend"], r["status"], st))
    for spec in a.only_on_ranks:
        b, ranks = spec.split("=", 1)
        allowed = {int(x) for x in ranks.split(",")}
        for r in rows:
            if r["backend"] == b and r["status"] == "ok" and r["rank"] not in allowed:
                bad.append("%s row %s ran on rank %d, allowed %s" % (b, r["workload"], r["rank"], sorted(allowed)))
    for spec in a.only_on_hosts:
        b, hosts = spec.split("=", 1)
        allowed = set(hosts.split(","))
        sel = [r for r in rows if r["backend"] == b and r["status"] == "ok"]
        if not sel:
            bad.append("no ok rows for backend %s" % b)
        for r in sel:
            if r["host"] not in allowed:
                bad.append("%s row %s ran on host %s, allowed %s" % (b, r["workload"], r["host"], sorted(allowed)))
    if a.hosts is not None:
        hosts = sorted({r["host"] for r in rows if r["status"] == "ok"})
        if len(hosts) != a.hosts:
            bad.append("ok rows ran on hosts %s, expected %d distinct hosts" % (hosts, a.hosts))
    if a.runs is not None and int(run_attrs["#runs"]) != a.runs:
        bad.append("/runs has %s groups, expected %d" % (run_attrs["#runs"], a.runs))
    for spec in a.run_attr:
        k, want = spec.split("=", 1)
        got = run_attrs.get(k)
        if got is None or got == "" or (want != "*" and got != want):
            bad.append("last /runs group: %s=%r, expected %s" % (k, got, "present" if want == "*" else repr(want)))
    if a.provenance:
        for k in ("hostnames", "mpi_library_version", "mpi_size"):
            if not run_attrs.get(k):
                bad.append("/runs lacks %s" % k)
        if run_attrs.get("mpi_size") and int(run_attrs["mpi_size"]) != a.ranks:
            bad.append("/runs mpi_size %s, expected %d" % (run_attrs["mpi_size"], a.ranks))
    if a.trace:
        rank_host = {r["rank"]: r["host"] for r in rows} if a.nodes_are_hosts else None
        bad += check_trace(a.trace, len(rows), a.min_parallel, a.min_measured_parallel, a.nodes, rank_host)
    statuses = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    print("%s: %d rows %s, ranks %s" % (a.file, len(rows), statuses, sorted({r["rank"] for r in rows})))
    for b in bad[:20]:
        print("FAIL:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
