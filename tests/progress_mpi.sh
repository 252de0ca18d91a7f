#!/bin/bash
# tests/progress_mpi.sh — progress under mpirun (issue 17 item 3): rank 0's stderr is a pipe there, so the campaign
# must print full progress lines (no \r), at least one while it runs plus the closing one, no more than one per
# interval; --quiet prints none.
# usage: progress_mpi.sh RNNBENCH SOURCE_DIR TMPDIR
set -u
bin=$1 src=$2 tmp=$3
mkdir -p "$tmp"
interval=0.3
run=(--workloads "$src/tests/data/mpi_mix.txt" --backends cpu-blas,brainwave --reps 2 --min-time 0.2)
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat -A "$tmp/progress.err" | head -40; exit 1; }

rm -f "$tmp/progress.h5"
t0=$(date +%s.%N)
RNNBENCH_PROGRESS_INTERVAL=$interval mpirun -np 2 --oversubscribe "$bin" run "${run[@]}" --output "$tmp/progress.h5" \
    >/dev/null 2>"$tmp/progress.err" || fail "mpirun exited $?"
t1=$(date +%s.%N)
lines=$(grep -cE '^\[rnnbench\] [0-9]+/20 done \([0-9]+ ok, [0-9]+ failed, [0-9]+ unavailable\), elapsed [0-9hms]+, ETA [0-9hms?]+, [0-9.e+]+ jobs/(s|min), [0-9]+ in flight \(per rank: [0-9]+ [0-9]+\)$' "$tmp/progress.err")
bound=$(python3 -c "import math; print(math.floor(($t1 - $t0) / $interval) + 2)")
grep -q $'\r' "$tmp/progress.err" && fail "a carriage return (live line) on a pipe"
[ "$lines" -ge 2 ] || fail "$lines progress lines, expected at least 2 (one while running, one at the end)"
[ "$lines" -le "$bound" ] || fail "$lines progress lines in $(python3 -c "print($t1 - $t0)") s: more than one per ${interval} s"
tail -n 1 "$tmp/progress.err" | grep -q '^\[rnnbench\] 20/20 done (20 ok, 0 failed, 0 unavailable)' ||
    fail "the last line is not the final count"
echo "ok: $lines progress lines (at most $bound allowed)"

rm -f "$tmp/progress_quiet.h5"
RNNBENCH_PROGRESS_INTERVAL=$interval mpirun -np 2 --oversubscribe "$bin" run "${run[@]}" --quiet \
    --output "$tmp/progress_quiet.h5" >/dev/null 2>"$tmp/progress.err" || fail "mpirun --quiet exited $?"
grep -q '\[rnnbench\]' "$tmp/progress.err" && fail "--quiet printed progress"
echo "ok: --quiet prints none"
