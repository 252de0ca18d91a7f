#!/bin/bash
# scripts/slurm-example.sh — an example Slurm batch script for an rnnbench campaign over several nodes.
# Submit with: sbatch scripts/slurm-example.sh   (adapt partition, modules, backends and suite to your site)
#SBATCH --job-name=rnnbench
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4          # ranks per node: modeled/simulated jobs run on all of them
#SBATCH --cpus-per-task=4            # cores per rank: OpenBLAS uses min(these, cores/ranks on the node) threads
#SBATCH --gpus-per-node=1            # drop on CPU-only partitions (GPU jobs are then stored `unavailable`)
#SBATCH --time=02:00:00
#SBATCH --output=rnnbench-%j.log
#SBATCH --open-mode=append           # a requeued job adds to its log instead of truncating it
#SBATCH --requeue                    # a requeued job resumes where it stopped (--resume below)
set -euo pipefail

# module load openmpi hdf5 openblas cuda   # whatever provides the libraries rnnbench was built with

OUT=${OUT:-results/campaign.h5}       # one file per campaign; keep it the same across requeues
RNNBENCH=${RNNBENCH:-./build/rnnbench}
# what to run (a smaller campaign: RNNBENCH_CAMPAIGN="--workloads my.txt --backends cpu-blas")
CAMPAIGN=${RNNBENCH_CAMPAIGN:-"--suite paper --backends cpu-blas,cublas,cudnn,spatial,brainwave"}
mkdir -p "$(dirname "$OUT")"
echo "rnnbench: Slurm job ${SLURM_JOB_ID:-?} (restart ${SLURM_RESTART_COUNT:-0}) on ${SLURM_JOB_NODELIST:-?}"

# Rank 0 writes the file; workers pull jobs. At most one measured (cpu-blas, cublas, cudnn) job per node runs at a
# time. --resume skips jobs already in the file, so resubmitting this script finishes an interrupted campaign.
# --job-timeout: a job silent for 1.5 x this + 2 s is stored as `timeout` and its executor process replaced.
# --mpi=pmix: Debian's (and most) Open MPI builds take their ranks from Slurm through PMIx; --mpi=pmi2 fails
# with them (scripts/MPI.md). The Slurm job id and the job's shape are recorded in /runs (slurm_* attributes).
# shellcheck disable=SC2086 # CAMPAIGN is a list of options
srun --mpi=pmix --kill-on-bad-exit=1 "$RNNBENCH" run $CAMPAIGN \
    --output "$OUT" --resume --job-timeout 600

# Without srun's MPI support (or outside Slurm): mpirun -np "$SLURM_NTASKS" ./build/rnnbench run ... (same options)
