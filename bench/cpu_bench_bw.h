/* bench/cpu_bench_bw.h — read bandwidth at a given buffer size (the weights' size), on N threads. */
#ifndef RB_CPU_BENCH_BW_H
#define RB_CPU_BENCH_BW_H

#include <stddef.h>

/* Best-of-`tries` bytes/s of streaming reads over a buffer of `bytes` (each of `threads` threads reads its share,
 * repeated for >= 20 ms per try, like a step that streams its share of the weights). Timed in process CPU time
 * with one thread (comparable to cpu-bench's `cpu ms/step`), in wall time with more. -1 on failure. */
double rb_bench_read_bw(size_t bytes, int threads, int tries);

#endif
