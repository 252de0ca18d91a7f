#!/bin/bash
# bench/run_sched_bench.sh — runs the scheduler benchmark (bench/sched_bench.c) at 1, 2 and 4 ranks.
# usage: bench/run_sched_bench.sh PATH/TO/sched-bench [sched-bench args, e.g. --jobs 2000 --hidden 32]
# Honours RNNBENCH_EXECUTOR (fork|inline) and the usual Open MPI variables; sets the ones a root container needs.
set -eu
bin=$1
shift
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for np in 1 2 4; do
    mpirun -np "$np" --oversubscribe --bind-to none "$bin" "$@"
done
