#!/bin/bash
# tests/mpi_cache_reuse.sh — the output cache is shared by the ranks of a campaign and reused by the next one:
#   0. shape affinity: spatial+brainwave (both modeled) on 2 ranks keep each problem's two jobs on one rank (the tail
#      may split one or two), so each problem's reference is computed once (twice at most for a split problem);
#   1. mpirun -np 2, cpu-blas+brainwave, on a fresh private cache: computes (trace events "compute"), stores entries;
#   2. the same campaign into a new file: computes nothing (no "compute" event on any rank), the reference and
#      brainwave's outputs are hits, every row is ok with the same errors as in 1 (cpu-blas is measured again);
#   3. a sweep over brainwave's architecture (another clock): computes nothing, other latencies;
#   4. a writer killed halfway through an entry in the cache directory (a stale temporary file) is ignored.
# usage: mpi_cache_reuse.sh RNNBENCH SOURCE_DIR WORKDIR
set -u
bin=$1 src=$2 dir=$3/mpi_cache_reuse
rm -rf "$dir"
mkdir -p "$dir"
export RNNBENCH_CACHE_DIR="$dir/cache"
unset RNNBENCH_CACHE RNNBENCH_CACHE_MAX
args=(--workloads "$src/tests/data/mpi_mix.txt" --backends cpu-blas,brainwave --reps 2 --min-time 0 --quiet)
fail() { echo "FAIL: $*"; exit 1; }
count() { grep -c " $1 " "$2" || true; }

# 0: job 2p is problem p on spatial, job 2p+1 on brainwave (problem-major order)
RNNBENCH_CACHE_DIR="$dir/cache0" RNNBENCH_CACHE_TRACE="$dir/trace0" RNNBENCH_SCHED_TRACE="$dir/sched0" \
    mpirun -np 2 --oversubscribe "$bin" run --workloads "$src/tests/data/mpi_mix.txt" --backends spatial,brainwave \
    --quiet --output "$dir/run0.h5" || fail "run 0 failed"
split=$(awk '$2=="start"{print $3, $5}' "$dir/sched0" | sort -n | awk '{r[int($1/2)] = r[int($1/2)] " " $2}
        END {n = 0; for (p in r) {split(r[p], a, " "); if (a[1] != a[2]) n++}; print n}')
refs=$(grep -c " compute reference:" "$dir/trace0" || true)
echo "run 0: $split of 10 problems had their jobs on two ranks; $refs references computed"
[ "$split" -le 2 ] || fail "shape affinity: $split of 10 problems were split over ranks"
[ "$refs" -ge 10 ] && [ "$refs" -le $((10 + split)) ] || fail "$refs references computed for 10 problems"

RNNBENCH_CACHE_TRACE="$dir/trace1" \
    mpirun -np 2 --oversubscribe "$bin" run "${args[@]}" --output "$dir/run1.h5" || fail "run 1 failed"
c1=$(count compute "$dir/trace1")
[ "$c1" -ge 20 ] || fail "run 1 computed $c1 outputs (10 references + 10 brainwave outputs expected)"
echo "run 1: $c1 computations, $(count store "$dir/trace1") entries stored"

RNNBENCH_CACHE_TRACE="$dir/trace2" \
    mpirun -np 2 --oversubscribe "$bin" run "${args[@]}" --output "$dir/run2.h5" || fail "run 2 failed"
c2=$(count compute "$dir/trace2")
h2=$(count hit "$dir/trace2")
echo "run 2: $c2 computations, $h2 hits, from pids $(awk '{print $1}' "$dir/trace2" | sort -u | tr '\n' ' ')"
[ "$c2" -eq 0 ] || fail "run 2 computed $c2 outputs; everything was in the cache"
[ "$h2" -ge 20 ] || fail "run 2 had only $h2 cache hits"
[ "$(awk '{print $1}' "$dir/trace2" | sort -u | wc -l)" -ge 2 ] || fail "run 2: only one process used the cache"

/usr/bin/python3 - "$dir/run1.h5" "$dir/run2.h5" <<'PY' || fail "run 2's rows differ from run 1's"
import sys, h5py
def rows(p):
    t = h5py.File(p, "r")["/results"][:]
    s = lambda v: v.decode() if isinstance(v, bytes) else str(v)
    return {s(r["key"]): r for r in t}
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert a.keys() == b.keys(), "key sets differ"
bad = []
for k in a:
    ra, rb = a[k], b[k]
    if ra["status"] != b"ok" or rb["status"] != b"ok":
        bad.append((k, ra["status"], rb["status"]))
    if ra["max_rel_err"] != rb["max_rel_err"] or ra["max_abs_err"] != rb["max_abs_err"]:
        bad.append((k, "errors", ra["max_rel_err"], rb["max_rel_err"]))
    if rb["backend"] == b"brainwave":
        if not rb["extras"].startswith(b"output=cache") or ra["lat_median_ms"] != rb["lat_median_ms"]:
            bad.append((k, "brainwave row not served or other latency"))
    elif rb["reps"] < 2:
        bad.append((k, "cpu-blas not timed"))
print("\n".join(map(str, bad)) or "run 2 rows match run 1")
sys.exit(1 if bad else 0)
PY

# 3: a sweep over the architecture (clock doubled) and 4: a stale temporary file from a killed writer
sed 's/^clock_mhz = 250 /clock_mhz = 500 /' "$src/backends/brainwave/bw_s10.arch" > "$dir/fast.arch"
grep -q '^clock_mhz = 500 ' "$dir/fast.arch" || fail "could not make the faster architecture file"
some=$(ls "$dir/cache" | head -1)
head -c 100 "$dir/cache/$some" > "$dir/cache/.tmp-${some%.rbc}-99999-0-0"
RNNBENCH_CACHE_TRACE="$dir/trace3" \
    mpirun -np 2 --oversubscribe "$bin" run --workloads "$src/tests/data/mpi_mix.txt" --backends brainwave --quiet \
    --backend-opt brainwave.arch="$dir/fast.arch" --output "$dir/run3.h5" || fail "run 3 failed"
c3=$(count compute "$dir/trace3")
[ "$c3" -eq 0 ] || fail "run 3 (another clock) computed $c3 outputs"
[ "$(count corrupt "$dir/trace3")" -eq 0 ] || fail "run 3 saw damaged entries"
"$bin" cache info | grep -q "temporaries:  1" || fail "the stale temporary file is not reported"
echo "run 3 (clock 500 MHz): no computation; OK"
