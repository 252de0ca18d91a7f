#!/bin/bash
# tests/cluster/slurm_case.sh — rnnbench under a real Slurm (tests/cluster/slurm-up starts one for this test alone).
#   srun:   srun --mpi=pmix -n 2 rnnbench run ...: both ranks take jobs, /runs records the Slurm job id that
#           slurmctld knows; --mpi=pmi2 (Debian's Open MPI has no PMI-2 client) fails and writes no rows
#   salloc: salloc -n 2 mpirun rnnbench run ...: mpirun takes its 2 slots from the allocation
#   sbatch: sbatch scripts/slurm-example.sh (its header overridden for one 2-CPU node, a small campaign through
#           RNNBENCH_CAMPAIGN), requeued mid-run with `scontrol requeue`: the restarted job resumes
#           (--resume in the script), the job ends COMPLETED, the file has every key once, /runs holds both
#           attempts and the last records slurm_restart_count=1
# usage: slurm_case.sh MODE RNNBENCH SOURCE_DIR WORKDIR      (exit 77: requirements missing, see slurm-up)
set -u
mode=$1 bin=$2 src=$3 work=$4
if [ "${SLURM_CASE_INSIDE:-}" != 1 ]; then
    mkdir -p "$work" || exit 1
    SLURM_CASE_INSIDE=1 exec "$src/tests/cluster/slurm-up" --limit 150 -- "$0" "$@"
fi

check="/usr/bin/python3 $src/tests/mpi_check.py"
mix=(--workloads "$src/tests/data/mpi_mix.txt" --backends cpu-blas,brainwave --reps 2 --min-time 0)
fail() { echo "FAIL: $*"; exit 1; }
# job_field ID FIELD: one field of `scontrol show job` (completed jobs stay known for MinJobAge = 300 s)
job_field() { scontrol show job -o "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
job_named() { scontrol show job -o | tr ' ' '\n' | awk -F= -v n="$1" '$1=="JobId"{id=$2} $1=="JobName"&&$2==n{print id}'; }

case $mode in
srun)
    out=$work/srun.h5
    rm -f "$out" "$work/srun-pmi2.h5"
    timeout 120 srun --mpi=pmix -n 2 --job-name=rb-srun "$bin" run "${mix[@]}" --output "$out" --quiet ||
        fail "srun --mpi=pmix -n 2 rnnbench run exited $?"
    id=$(job_named rb-srun)
    [ -n "$id" ] || fail "slurmctld does not know the job rb-srun"
    echo "srun job $id: $(job_field "$id" JobState) exit $(job_field "$id" ExitCode)"
    $check "$out" --ranks 2 --all-ranks-used --provenance --status cpu-blas=ok --status brainwave=ok \
        --run-attr slurm_job_id="$id" --run-attr slurm_job_name=rb-srun --run-attr slurm_ntasks=2 \
        --run-attr slurm_step_id=0 --run-attr slurm_cluster_name=rnnbench || fail "results of srun --mpi=pmix"
    # the other plugin: Debian's Open MPI 4.1 reads no PMI-2, so each rank's MPI_Init fails (recorded in MPI.md)
    timeout 60 srun --mpi=pmi2 -n 2 "$bin" run "${mix[@]}" --output "$work/srun-pmi2.h5" --quiet >"$work/pmi2.log" 2>&1
    rc=$?
    [ $rc -ne 0 ] || fail "srun --mpi=pmi2 worked: update scripts/MPI.md and this test"
    [ ! -e "$work/srun-pmi2.h5" ] || fail "srun --mpi=pmi2 failed but left a results file"
    echo "srun --mpi=pmi2 fails as documented (exit $rc): $(grep -m1 -o "OMPI was not built with SLURM's PMI support" "$work/pmi2.log")"
    ;;
salloc)
    out=$work/salloc.h5
    rm -f "$out"
    timeout 120 salloc -n 2 --job-name=rb-salloc mpirun "$bin" run "${mix[@]}" --output "$out" --quiet ||
        fail "salloc -n 2 mpirun rnnbench run exited $?"
    id=$(job_named rb-salloc)
    [ -n "$id" ] || fail "slurmctld does not know the job rb-salloc"
    $check "$out" --ranks 2 --all-ranks-used --provenance --status cpu-blas=ok --status brainwave=ok \
        --run-attr slurm_job_id="$id" --run-attr slurm_job_name=rb-salloc --run-attr mpi_size=2 ||
        fail "results of salloc + mpirun"
    ;;
sbatch)
    out=$work/sbatch.h5 log=$work/sbatch-%j.log
    rm -f "$out" "$work"/sbatch-*.log
    nwork=$(grep -cv '^#\|^ *$' "$src/tests/data/mpi_long.txt")
    cd "$src" || exit 1 # the script runs ./build/rnnbench from the submission directory; RNNBENCH says where it is
    export RNNBENCH=$bin OUT=$out \
        RNNBENCH_CAMPAIGN="--workloads $src/tests/data/mpi_long.txt --backends cpu-blas,brainwave --reps 3 --min-time 0.2 --quiet"
    id=$(sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --gpus-per-node=0 --time=5 \
        --output="$log" scripts/slurm-example.sh) || fail "sbatch scripts/slurm-example.sh"
    echo "submitted job $id"
    for i in $(seq 600); do
        [ -e "$out" ] && break
        [ $((i % 10)) -eq 0 ] && case $(job_field "$id" JobState) in PENDING|RUNNING|CONFIGURING) ;; *) break ;; esac
        sleep 0.1
    done
    [ -e "$out" ] || fail "job $id created no results file ($(job_field "$id" JobState)); its log:
$(cat "$work"/sbatch-"$id".log)"
    sleep 2
    # requeue and hold: the first attempt is stopped (SIGTERM, then SIGKILL after KillWait) before the restart
    scontrol requeuehold "$id" || fail "scontrol requeuehold $id"
    for _ in $(seq 300); do [ "$(job_field "$id" JobState)" = PENDING ] && break; sleep 0.1; done
    first=$(/usr/bin/python3 -c "import h5py,sys; print(len(h5py.File(sys.argv[1],'r')['/results']))" "$out") ||
        fail "the results file is not readable after the first attempt"
    echo "requeued job $id; the first attempt left $first of $((nwork * 2)) rows"
    [ "$first" -ge 1 ] && [ "$first" -lt $((nwork * 2)) ] || fail "the requeue did not interrupt the campaign"
    scontrol update jobid="$id" starttime=now # a requeued job waits ~2 min (BeginTime) otherwise
    scontrol release "$id" || fail "scontrol release $id"
    state=""
    for _ in $(seq 1200); do
        state=$(job_field "$id" JobState)
        case $state in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
        sleep 0.1
    done
    echo "job $id: $state, exit $(job_field "$id" ExitCode), restarts $(job_field "$id" Restarts)"
    echo "---- job log"; cat "$work"/sbatch-"$id".log
    [ "$state" = COMPLETED ] || fail "job $id ended $state"
    [ "$(job_field "$id" Restarts)" = 1 ] || fail "job $id was not restarted once"
    $check "$out" --ranks 2 --provenance --rows $((nwork * 2)) --status cpu-blas=ok --status brainwave=ok --runs 2 \
        --run-attr slurm_job_id="$id" --run-attr slurm_restart_count=1 --run-attr slurm_job_name=rnnbench \
        --run-attr interrupted=0 || fail "results of the requeued batch job"
    ;;
*) fail "unknown mode $mode" ;;
esac
echo PASS
