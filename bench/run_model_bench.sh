#!/bin/bash
# bench/run_model_bench.sh — whole model campaigns (`rnnbench run --backends spatial,brainwave`) with a private
# output cache: cold (cache cleared first) then warm (everything cached), per suite; prints wall and CPU time (all
# processes: ranks and their executors) and the load average before and after each run. Not a test.
# usage: bench/run_model_bench.sh BUILD_DIR [SUITE ...]     (default suites: paper deepbench-inference)
# environment: RB_BENCH_NP (ranks, default 2; 1 = a plain process), RB_BENCH_BACKENDS (default spatial,brainwave),
#              RB_BENCH_DIR (work directory, default a new one under /tmp), RB_BENCH_MODES (default "cold warm")
set -eu
build=$1
shift
suites=${*:-paper deepbench-inference}
np=${RB_BENCH_NP:-2}
backends=${RB_BENCH_BACKENDS:-spatial,brainwave}
dir=${RB_BENCH_DIR:-$(mktemp -d /tmp/rnnbench-model-bench.XXXXXX)}
mkdir -p "$dir"
export RNNBENCH_CACHE_DIR="$dir/cache" OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
launch=()
[ "$np" -gt 1 ] && launch=(mpirun -np "$np" --oversubscribe --bind-to none)
echo "model campaigns: backends $backends, $np rank(s), $(nproc) CPUs, cache $RNNBENCH_CACHE_DIR"
printf "%-22s %-5s %9s %9s %9s  %-16s %-16s %s\n" suite cache wall_s cpu_s rows load_before load_after exit
for suite in $suites; do
    for mode in ${RB_BENCH_MODES:-cold warm}; do
        [ "$mode" = cold ] && "$build/rnnbench" cache clear > /dev/null
        before=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')
        set +e
        /usr/bin/time -f "%e %U %S" -o "$dir/time" "${launch[@]}" "$build/rnnbench" run --suite "$suite" \
            --backends "$backends" --output "$dir/$suite-$mode.h5" --force --quiet --no-published 2> "$dir/$suite-$mode.err"
        rc=$?
        set -e
        after=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')
        read -r wall user sys < <(tail -1 "$dir/time")
        rows=$(/usr/bin/python3 -c "import h5py,sys; print(len(h5py.File(sys.argv[1],'r')['/results']))" \
               "$dir/$suite-$mode.h5" 2> /dev/null || echo "?")
        printf "%-22s %-5s %9.2f %9.2f %9s  %-16s %-16s %s\n" "$suite" "$mode" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" \
            "$rows" "$before" "$after" "$rc"
    done
done
"$build/rnnbench" cache info
