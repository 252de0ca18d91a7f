/* backends/cpu_blas/cpu_pool.h — a small persistent thread pool with a barrier, shared by cpu-blas (one parallel
 * region per inference, a barrier between kernels) and cpu-fused (one barrier per time step).
 *
 * The barrier spins while the pool has no more threads than the CPUs this process may use (a hand-off costs well
 * under a microsecond), but only for a bounded time (spin_us): a thread that finds its partner descheduled on a
 * shared machine then sleeps on a futex instead of burning the core the partner needs. With more threads than
 * CPUs it never spins (sched_yield a few times, then the futex). */
#ifndef RB_CPU_POOL_H
#define RB_CPU_POOL_H

#include <stddef.h>

typedef struct rb_cpu_pool rb_cpu_pool;

/* A task run by every thread of the pool: tid 0 .. nthreads-1 (tid 0 is the caller of rb_cpu_pool_run). */
typedef void (*rb_cpu_task)(void *arg, int tid, int nthreads, rb_cpu_pool *pool);

/* Spin policy: RB_POOL_SPIN_AUTO spins for a bounded time when nthreads <= usable CPUs, never otherwise. */
#define RB_POOL_SPIN_AUTO (-1)
#define RB_POOL_SPIN_US_DEFAULT 200

/* Creates a pool of nthreads (>= 1; nthreads - 1 worker threads are started). spin_us: how long a waiting thread
 * spins before it sleeps, or RB_POOL_SPIN_AUTO. 0, or -1 with the reason in why. */
int rb_cpu_pool_create(rb_cpu_pool **out, int nthreads, int spin_us, char *why, size_t whylen);
/* Runs fn on every thread and returns when all have finished. Not reentrant. */
void rb_cpu_pool_run(rb_cpu_pool *p, rb_cpu_task fn, void *arg);
/* Inside a task: returns when every thread of the pool has called it (the same number of times). */
void rb_cpu_pool_barrier(rb_cpu_pool *p);
int rb_cpu_pool_threads(const rb_cpu_pool *p);
/* The spin time in effect (microseconds; 0 = never spins). */
int rb_cpu_pool_spin_us(const rb_cpu_pool *p);
/* How many barrier waits ended asleep on the futex since creation (a sign of an oversubscribed machine). */
long rb_cpu_pool_sleeps(const rb_cpu_pool *p);
void rb_cpu_pool_destroy(rb_cpu_pool *p);

/* CPUs this process may run on (sched_getaffinity), at least 1. */
int rb_cpu_usable(void);

/* [begin, end) of the share of n items that thread tid of nthreads owns, in units of `grain` items (the last share
 * takes the remainder). */
void rb_cpu_share(int n, int grain, int tid, int nthreads, int *begin, int *end);

#endif
