#!/bin/bash
# tests/mpi_frozen_rank.sh — a worker rank frozen with SIGSTOP in the middle of a campaign (a hung node; issue 12
# item 6): rank 0 notices within --rank-timeout, stores that rank's jobs in flight as `timeout` with the reason,
# gives it no more work, the campaign finishes with every job stored once, and the MPI job ends (MPI_Abort after
# the file is closed: exit 1, the campaign's own code, since jobs timed out) instead of hanging in MPI_Finalize.
# usage: mpi_frozen_rank.sh RNNBENCH SOURCE_DIR WORKDIR
set -u
bin=$1 src=$2 dir=$3
fail() { echo "FAIL: $*"; [ -n "${victim:-}" ] && kill -KILL "$victim" 2>/dev/null; exit 1; }
mkdir -p "$dir"
work=$(mktemp -d "$dir/frozen.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=30
for i in $(seq 0 $((n - 1))); do echo "cell=gru hidden=$((300 + i)) timesteps=2000 name=f$i"; done > "$work/w.txt"
out="$work/frozen.h5" trace="$work/trace"
RNNBENCH_CACHE=0 RNNBENCH_SCHED_TRACE="$trace" mpirun -np 3 --oversubscribe "$bin" run --workloads "$work/w.txt" --backends brainwave \
    --output "$out" --quiet --rank-timeout 3 > "$work/log" 2>&1 &
pid=$!
# freeze rank 1 while it holds a job: wait for a hand-out to it in rank 0's dispatch trace (written line by line)
for _ in $(seq 1800); do grep -Eq " start [0-9]+ rank 1 " "$trace" 2>/dev/null && break; sleep 0.1; done
grep -Eq " start [0-9]+ rank 1 " "$trace" 2>/dev/null || fail "rank 1 got no job within 180 s"
victim=""
for p in $(pgrep -P "$pid"); do
    if tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then victim=$p; fi
done
[ -n "$victim" ] || fail "rank 1 not found among the children of mpirun ($pid): did the campaign end already?"
kill -STOP "$victim" || fail "cannot stop rank 1"
echo "stopped rank 1 (pid $victim)"
for _ in $(seq 1800); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    cat "$work/log"
    kill -KILL "$pid"
    fail "the campaign did not end within 180 s of the freeze"
fi
wait "$pid"
rc=$?
cat "$work/log"
for _ in $(seq 100); do kill -0 "$victim" 2>/dev/null || break; sleep 0.1; done # (Open MPI's kill takes a moment)
if kill -0 "$victim" 2>/dev/null; then fail "the stopped rank $victim is still there 10 s after mpirun ended"; fi
victim=""
[ "$rc" -eq 1 ] || fail "exit code $rc, expected 1 (jobs of the frozen rank timed out)"
grep -q "rank 1 .* has not answered for" "$work/log" || fail "rank 0 did not say rank 1 stopped answering"
grep -q "MPI_Abort" "$work/log" || fail "no word of how the job ends"
/usr/bin/python3 "$src/tests/mpi_check.py" "$out" --ranks 3 --rows $n || fail "the file after the freeze"
/usr/bin/python3 - "$out" "$trace" <<'PY' || fail "the frozen rank's rows or its hand-outs"
import sys, h5py
r = h5py.File(sys.argv[1], "r")["results"][:]
frozen = [x for x in r if x["status"] == b"timeout"]
assert frozen, "no job of the frozen rank stored as timeout"
for x in frozen:
    assert x["rank"] == 1 and b"stopped answering" in x["message"], (x["rank"], x["message"])
other = {x["status"] for x in r if x["status"] != b"timeout"}
assert other == {b"ok"}, other
events = [l.split() for l in open(sys.argv[2]) if not l.startswith("#")]
at = [i for i, e in enumerate(events) if e[1] == "frozen"]
assert at and events[at[0]][3] == "1", "no 'frozen rank 1' in the trace"
late = [e for e in events[at[0]:] if e[1] == "start" and e[4] == "1"]
assert not late, f"rank 1 got {len(late)} job(s) after it was declared frozen"
print(f"{len(frozen)} job(s) of rank 1 stored as timeout; {len(r)} rows")
PY
echo PASS
