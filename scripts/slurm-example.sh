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
#SBATCH --requeue                    # a requeued job resumes where it stopped (--resume below)
set -euo pipefail

# module load openmpi hdf5 openblas cuda   # whatever provides the libraries rnnbench was built with

OUT=${OUT:-results/campaign.h5}       # one file per campaign; keep it the same across requeues
mkdir -p "$(dirname "$OUT")"

# Rank 0 writes the file; workers pull jobs. At most one measured (cpu-blas, cublas, cudnn) job per node runs at a
# time. --resume skips jobs already in the file, so resubmitting this script finishes an interrupted campaign.
# --job-timeout: a job silent for 1.5 x this + 2 s is stored as `timeout` and its executor process replaced.
srun --kill-on-bad-exit=1 ./build/rnnbench run \
    --suite paper \
    --backends cpu-blas,cublas,cudnn,spatial,brainwave \
    --output "$OUT" --resume --job-timeout 600

# Without srun's MPI support (or outside Slurm): mpirun -np "$SLURM_NTASKS" ./build/rnnbench run ... (same options)
