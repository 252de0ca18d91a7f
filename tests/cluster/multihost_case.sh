#!/bin/bash
# tests/cluster/multihost_case.sh — rnnbench over several hosts with `mpirun --host` (tests/cluster/hosts-up makes
# hostA, hostB, hostC in network namespaces for this test alone; Open MPI launches through tests/cluster/netns-rsh
# and talks TCP over the hosts' eth0).
#   campaign:  --host hostA:2,hostB:1,hostC:1: every rank takes jobs, the rows carry the three real hostnames, and
#              the dispatch trace shows three nodes that are the three hosts, never two measured jobs in flight on
#              one host (hostA has two ranks), measured jobs on different hosts at once
#   backend-one-host: cpu-blas only on hostC (-x RNNBENCH_DISABLE_BACKENDS_ON_RANKS for the ranks on hostA and
#              hostB): the capabilities gathered on hostA send every cpu-blas job to hostC, all ok
#   kill-host: every process of hostB (its orted, its rank and the rank's executor: `ip netns pids hostB`) gets
#              SIGKILL mid-run: mpirun ends the job, the file on hostA stays readable with the rows flushed so far,
#              and `--resume` on the three hosts completes it: every key once (all workloads on both backends),
#              all ok
# usage: multihost_case.sh MODE RNNBENCH SOURCE_DIR WORKDIR      (exit 77: requirements missing, see hosts-up)
set -u
mode=$1 bin=$2 src=$3 work=$4
if [ "${MULTIHOST_CASE_INSIDE:-}" != 1 ]; then
    mkdir -p "$work" || exit 1
    MULTIHOST_CASE_INSIDE=1 exec "$src/tests/cluster/hosts-up" --limit 240 hostA,hostB,hostC -- "$0" "$@"
fi

check="/usr/bin/python3 $src/tests/mpi_check.py"
fail() { echo "FAIL: $*"; exit 1; }
[ "$(hostname)" = hostA ] || fail "the test does not run on hostA"
# what the ranks need travels with mpirun, as over ssh (netns-rsh starts remote daemons with a bare environment)
fwd=(-x OPENBLAS_NUM_THREADS -x OMPI_MCA_pml)
mix=(--workloads "$src/tests/data/mpi_mix.txt" --backends cpu-blas,brainwave --reps 2 --min-time 0 --quiet)
rows() { /usr/bin/python3 -c "import h5py,sys; print(len(h5py.File(sys.argv[1],'r')['/results']))" "$1"; }

case $mode in
campaign)
    out=$work/campaign.h5 trace=$work/campaign.trace
    rm -f "$out" "$trace"
    RNNBENCH_SCHED_TRACE=$trace timeout 150 mpirun "${fwd[@]}" -x RNNBENCH_SCHED_TRACE \
        --host hostA:2,hostB:1,hostC:1 "$bin" run "${mix[@]}" --output "$out" || fail "mpirun --host exited $?"
    $check "$out" --ranks 4 --all-ranks-used --provenance --rows 20 --status cpu-blas=ok --status brainwave=ok \
        --hosts 3 --run-attr hostnames=hostA,hostB,hostC --run-attr coordinator_host=hostA \
        --trace "$trace" --nodes 3 --nodes-are-hosts --min-measured-parallel 2 || fail "results over three hosts"
    ;;
backend-one-host)
    out=$work/one-host.h5
    rm -f "$out"
    RNNBENCH_DISABLE_BACKENDS_ON_RANKS="cpu-blas:0,1" timeout 150 mpirun "${fwd[@]}" \
        -x RNNBENCH_DISABLE_BACKENDS_ON_RANKS --host hostA:1,hostB:1,hostC:1 "$bin" run "${mix[@]}" --output "$out" ||
        fail "mpirun --host exited $?"
    $check "$out" --ranks 3 --rows 20 --status cpu-blas=ok --status brainwave=ok --only-on-hosts cpu-blas=hostC \
        --only-on-ranks cpu-blas=2 || fail "cpu-blas on hostC alone"
    ;;
kill-host)
    # long enough to be mid-run 3 s after the file appears (7 cpu-blas jobs of >= 0.8 s on each host), every row
    # written as it arrives (--batch-rows 1)
    long=(--workloads "$src/tests/data/mpi_long.txt" --backends cpu-blas,brainwave --reps 3 --min-time 0.8 --quiet
          --batch-rows 1)
    hosts=(--host hostA:1,hostB:1,hostC:1)
    out=$work/kill.h5
    rm -f "$out"
    # the uninterrupted campaign: every workload on both backends, all ok (no reference run: it would add a third
    # campaign to the test's time)
    total=$(($(grep -cv '^#\|^ *$' "$src/tests/data/mpi_long.txt") * 2))
    timeout 150 mpirun "${fwd[@]}" "${hosts[@]}" "$bin" run "${long[@]}" --output "$out" &
    pid=$!
    for _ in $(seq 600); do [ -e "$out" ] && break; sleep 0.1; done
    sleep 3
    holder=$(cat "$RB_HOSTS_DIR/hostB.pid")
    victims=$(ip netns pids hostB | grep -vx "$holder" | tr '\n' ' ')
    [ -n "$victims" ] || fail "no process of the campaign on hostB"
    echo "hostB: SIGKILL to $(for p in $victims; do tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-40; echo -n '| '; done)"
    # shellcheck disable=SC2086
    kill -KILL $victims || fail "hostB's processes were gone before the kill (the campaign ended too soon)"
    wait "$pid"
    rc=$?
    [ "$rc" -ne 0 ] || fail "mpirun exited 0 although hostB died"
    echo "mpirun exited $rc after hostB's processes died"
    $check "$out" --ranks 3 --min-rows 1 --max-rows $((total - 1)) || fail "file on hostA after hostB died"
    timeout 150 mpirun "${fwd[@]}" "${hosts[@]}" "$bin" run "${long[@]}" --output "$out" --resume ||
        fail "--resume exited $?"
    $check "$out" --ranks 3 --rows "$total" --status cpu-blas=ok --status brainwave=ok --runs 2 ||
        fail "file after --resume"
    ;;
*) fail "unknown mode $mode" ;;
esac
echo PASS
