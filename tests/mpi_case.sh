#!/bin/bash
# tests/mpi_case.sh — one MPI campaign test: `mpirun -np NP rnnbench run ARGS... --output OUT.h5 --quiet`, its exit
# code, then tests/mpi_check.py on the file.
# usage: mpi_case.sh RNNBENCH NP EXPECTED_EXIT OUT.h5 [run args...] -- [mpi_check.py args...]
set -u
bin=$1 np=$2 want=$3 out=$4
shift 4
run=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do run+=("$1"); shift; done
[ $# -gt 0 ] && shift
rm -f "$out"
mpirun -np "$np" --oversubscribe "$bin" run "${run[@]}" --output "$out" --quiet
rc=$?
if [ "$rc" -ne "$want" ]; then
    echo "FAIL: mpirun -np $np rnnbench run ${run[*]} exited $rc, expected $want"
    exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/mpi_check.py" "$out" --ranks "$np" "$@"
