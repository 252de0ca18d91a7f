/* backends/cpu_blas/cpu_threads.h — how many threads a CPU backend uses for a problem: the `threads=` option
 * (auto | N), the budget the harness gives this rank, and the per-problem-size rule for `auto`. Shared by cpu-blas
 * and cpu-fused (each with its own measured threshold). */
#ifndef RB_CPU_THREADS_H
#define RB_CPU_THREADS_H

#include "backend.h"

#define RB_THREADS_MAX 256

/* "auto" -> 0, "N" (1..RB_THREADS_MAX) -> N; -1 for anything else. */
int rb_cpu_threads_parse(const char *v, int *threads);

/* The CPU backends' check of their `threads=` option value: 0, or -1 with the reason in *why. */
int rb_cpu_threads_check(const char *v, rb_status *why);

/* Threads this rank may use: the OpenBLAS thread count the harness set for the rank (OPENBLAS_NUM_THREADS, or the
 * node's cores / ranks on the node), capped at the CPUs this process may run on; at least 1. */
int rb_cpu_thread_budget(void);

/* The `auto` rule: one thread per `bytes_per_thread` of weights streamed per time step (rounded down, at least 1),
 * at most budget. Below the threshold a second thread's hand-offs (a barrier per kernel or per step) cost more than
 * the bandwidth it adds.
 *
 * The thresholds, measured with `cpu-bench --workloads bench/cpu_bench_sweep.txt` and on the paper suite on a shared
 * 2-vCPU AMD EPYC (Zen 5) VM at load average 13-18: a second thread never paid off at any size up to 95 MB of
 * weights per step (LSTM/GRU H = 64 .. 2816), for either backend — the streaming read bandwidth did not grow with a
 * second thread (11.6 vs 11.1 GB/s at 256 MB, 29 vs 17 GB/s at 16 MB) and a barrier whose partner has been
 * descheduled costs up to a time slice. Hence 128 MiB per thread: more than one thread only from 256 MiB per step,
 * beyond every paper task at every precision. Re-measured with the sweep on the same VM at load 12-13 (after the
 * cpu-fused streaming work): still no size where 2 threads beat 1 (min or median), so unchanged. Re-measure on the
 * machine at hand and change these two numbers. */
#define RB_BLAS_BYTES_PER_THREAD (128.0 * 1024 * 1024)
#define RB_FUSED_BYTES_PER_THREAD (128.0 * 1024 * 1024)
int rb_cpu_threads_rule(double weight_bytes_per_step, double bytes_per_thread, int budget);

#endif
