/* workloads/parallel.h — a small process-wide thread pool for the functional computations (the fp32 reference, the
 * accelerators' numerics emulation): one parallel loop at a time, split into chunks that the calling thread and the
 * pool's workers claim dynamically, so a descheduled worker delays only the chunk it holds (on a loaded machine the
 * caller simply does the rest). The result of a loop never depends on the number of threads as long as each index's
 * work is independent of which thread runs it.
 *
 * Threads: rb_par_set_threads(n) (the harness sets the CPUs of this process divided by the ranks on its node), or
 * the environment variable RNNBENCH_THREADS (1..256, wins over the harness), else every CPU this process may run
 * on. A forked child starts with an empty pool and creates its own workers on first use. */
#ifndef RB_PARALLEL_H
#define RB_PARALLEL_H

#include <stddef.h>

/* Threads a parallel loop uses (>= 1): RNNBENCH_THREADS, else the value set, else the CPUs this process may use. */
int rb_par_threads(void);
/* Sets the default thread count (n <= 0: back to the CPU count). RNNBENCH_THREADS still wins. */
void rb_par_set_threads(int n);
/* CPUs this process may run on (sched_getaffinity), at least 1. */
int rb_par_cpus(void);

/* The work of a loop: handle indices [begin, end). */
typedef void (*rb_par_fn)(void *ctx, size_t begin, size_t end);

/* Runs fn over [0, n) in chunks of `grain` indices (the last may be shorter) on up to rb_par_threads() threads,
 * the caller included; returns when every chunk is done. Not reentrant: fn must not call rb_par_for. Falls back to
 * running everything on the caller when workers cannot be created. */
void rb_par_for(size_t n, size_t grain, rb_par_fn fn, void *ctx);

#endif
