#!/bin/bash
# tests/mpi_interrupt_resume.sh — a campaign interrupted mid-run leaves a readable file with the rows flushed so far,
# and --resume finishes it with no duplicate keys and the same key set/statuses as an uninterrupted run.
#   kill-worker:  mpirun -np 3; SIGKILL to rank 1 (mpirun then tears the job down)
#   sigint-rank0: a single process (MPI singleton); SIGINT to it (flush, close, exit non-zero)
#   term-worker:  mpirun -np 3; SIGTERM to rank 1 alone: it leaves, rank 0 hands its jobs to the others and the
#                 campaign completes without --resume (exit 0)
# usage: mpi_interrupt_resume.sh MODE RNNBENCH SOURCE_DIR WORKDIR
set -u
mode=$1 bin=$2 src=$3 dir=$4
check="/usr/bin/python3 $src/tests/mpi_check.py"
args=(--workloads "$src/tests/data/mpi_long.txt" --backends cpu-blas,brainwave --reps 3 --min-time 0.2 --quiet)
mkdir -p "$dir"
ref="$dir/$mode-ref.h5" out="$dir/$mode.h5"
rm -f "$ref" "$out"
if [ "$mode" = kill-worker ] || [ "$mode" = term-worker ]; then
    np=3
    launch=(mpirun -np $np --oversubscribe)
else
    np=1
    launch=()
fi

fail() { echo "FAIL: $*"; exit 1; }

"${launch[@]}" "$bin" run "${args[@]}" --output "$ref" || fail "uninterrupted reference run failed"
total=$(/usr/bin/python3 -c "import h5py,sys; print(len(h5py.File(sys.argv[1],'r')['/results']))" "$ref")
echo "reference run: $total rows"

trace="$dir/$mode.trace"
rm -f "$trace"
RNNBENCH_SCHED_TRACE="$trace" "${launch[@]}" "$bin" run "${args[@]}" --output "$out" &
pid=$!
# interrupt mid-run, once a row is in the file: wait for the first result in rank 0's dispatch trace, then longer
# than rank 0's 2 s flush interval (a fixed delay after the file appears was too short under ASan on a busy machine)
for _ in $(seq 1800); do grep -q " done " "$trace" 2>/dev/null && break; sleep 0.1; done
grep -q " done " "$trace" 2>/dev/null || fail "no job finished within 180 s of the start"
sleep 3
if [ "$mode" = kill-worker ] || [ "$mode" = term-worker ]; then
    victim=""
    for p in $(pgrep -P "$pid"); do
        if tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then victim=$p; fi
    done
    [ -n "$victim" ] || fail "could not find rank 1 among the children of mpirun ($pid)"
    sig=KILL
    [ "$mode" = term-worker ] && sig=TERM
    kill -$sig "$victim" || fail "rank 1 ($victim) already gone: the campaign ended before the signal"
    echo "sent SIG$sig to rank 1 (pid $victim)"
else
    kill -INT "$pid" || fail "the campaign ended before the interrupt"
    echo "sent SIGINT to rank 0 (pid $pid)"
fi
wait "$pid"
rc=$?
if [ "$mode" = term-worker ]; then
    [ "$rc" -eq 0 ] || fail "the campaign exited $rc after a worker left"
    $check "$out" --ranks $np --ref "$ref" --rows "$total" || fail "file after a worker left"
    echo "PASS"
    exit 0
fi
[ "$rc" -ne 0 ] || fail "the interrupted run exited 0"
echo "interrupted run exited $rc"
$check "$out" --ranks $np --min-rows 1 --max-rows $((total - 1)) || fail "file after the interruption"

"${launch[@]}" "$bin" run "${args[@]}" --output "$out" --resume || fail "--resume run failed"
$check "$out" --ranks $np --ref "$ref" --rows "$total" || fail "file after --resume"
echo "PASS"
