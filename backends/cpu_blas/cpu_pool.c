/* backends/cpu_blas/cpu_pool.c — persistent worker threads and a generation-counting barrier that spins for a
 * bounded time, then sleeps on a Linux futex. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "cpu_pool.h"

typedef struct barrier {
    _Alignas(64) atomic_uint arrived;
    _Alignas(64) atomic_uint gen;
    atomic_int sleepers;
    atomic_long sleeps;
    int n;
    long spin_ns;
} barrier;

struct rb_cpu_pool {
    barrier bar;
    int nthreads;
    int spin_us;
    rb_cpu_task fn;
    void *arg;
    int quit;
    pthread_t *threads;
    int started;
};

typedef struct worker_arg {
    rb_cpu_pool *pool;
    int tid;
} worker_arg;

static long futex(atomic_uint *addr, int op, unsigned val)
{
    return syscall(SYS_futex, (unsigned *)addr, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
}

static long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void barrier_wait(barrier *b)
{
    if (b->n <= 1)
        return;
    unsigned g = atomic_load_explicit(&b->gen, memory_order_acquire);
    if (atomic_fetch_add_explicit(&b->arrived, 1, memory_order_acq_rel) == (unsigned)b->n - 1) {
        atomic_store_explicit(&b->arrived, 0, memory_order_relaxed);
        atomic_store(&b->gen, g + 1); /* seq_cst: ordered before the sleepers load below */
        if (atomic_load(&b->sleepers) > 0)
            futex(&b->gen, FUTEX_WAKE, (unsigned)b->n);
        return;
    }
    if (b->spin_ns > 0) {
        long deadline = now_ns() + b->spin_ns;
        for (unsigned i = 1;; i++) {
            if (atomic_load_explicit(&b->gen, memory_order_acquire) != g)
                return;
            cpu_relax();
            if ((i & 255) == 0 && now_ns() > deadline)
                break;
        }
    } else {
        for (int i = 0; i < 4; i++) {
            if (atomic_load_explicit(&b->gen, memory_order_acquire) != g)
                return;
            sched_yield();
        }
    }
    atomic_fetch_add(&b->sleepers, 1);
    while (atomic_load(&b->gen) == g) {
        atomic_fetch_add_explicit(&b->sleeps, 1, memory_order_relaxed);
        futex(&b->gen, FUTEX_WAIT, g); /* returns at once when gen is no longer g */
    }
    atomic_fetch_sub(&b->sleepers, 1);
}

static void *worker_main(void *v)
{
    worker_arg *a = v;
    rb_cpu_pool *p = a->pool;
    int tid = a->tid;
    free(a);
    for (;;) {
        barrier_wait(&p->bar); /* start of a run (or quit) */
        if (p->quit)
            break;
        p->fn(p->arg, tid, p->nthreads, p);
        barrier_wait(&p->bar); /* end of the run */
    }
    return NULL;
}

int rb_cpu_usable(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 1)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : 1;
}

void rb_cpu_share(int n, int grain, int tid, int nthreads, int *begin, int *end)
{
    if (grain < 1)
        grain = 1;
    int units = (n + grain - 1) / grain;
    int per = units / nthreads, extra = units % nthreads;
    int ub = tid * per + (tid < extra ? tid : extra);
    int ue = ub + per + (tid < extra);
    *begin = ub * grain < n ? ub * grain : n;
    *end = ue * grain < n ? ue * grain : n;
}

int rb_cpu_pool_create(rb_cpu_pool **out, int nthreads, int spin_us, char *why, size_t whylen)
{
    *out = NULL;
    if (nthreads < 1) {
        snprintf(why, whylen, "thread count %d < 1", nthreads);
        return -1;
    }
    rb_cpu_pool *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    if (spin_us < 0)
        spin_us = nthreads <= rb_cpu_usable() ? RB_POOL_SPIN_US_DEFAULT : 0;
    p->nthreads = nthreads;
    p->spin_us = spin_us;
    p->bar.n = nthreads;
    p->bar.spin_ns = 1000L * spin_us;
    if (nthreads > 1) {
        p->threads = calloc((size_t)nthreads, sizeof *p->threads);
        if (!p->threads) {
            free(p);
            snprintf(why, whylen, "out of memory");
            return -1;
        }
    }
    for (int t = 1; t < nthreads; t++) {
        worker_arg *a = malloc(sizeof *a);
        int rc = a ? 0 : ENOMEM;
        if (a) {
            a->pool = p;
            a->tid = t;
            rc = pthread_create(&p->threads[t], NULL, worker_main, a);
            if (rc)
                free(a);
        }
        if (rc) {
            snprintf(why, whylen, "cannot start thread %d of %d: %s", t, nthreads, strerror(rc));
            p->bar.n = p->started + 1; /* only the started workers meet the quit barrier */
            rb_cpu_pool_destroy(p);
            return -1;
        }
        p->started++;
    }
    *out = p;
    return 0;
}

void rb_cpu_pool_run(rb_cpu_pool *p, rb_cpu_task fn, void *arg)
{
    if (p->nthreads == 1) {
        fn(arg, 0, 1, p);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    barrier_wait(&p->bar);
    fn(arg, 0, p->nthreads, p);
    barrier_wait(&p->bar);
}

void rb_cpu_pool_barrier(rb_cpu_pool *p)
{
    barrier_wait(&p->bar);
}

int rb_cpu_pool_threads(const rb_cpu_pool *p)
{
    return p->nthreads;
}

int rb_cpu_pool_spin_us(const rb_cpu_pool *p)
{
    return p->spin_us;
}

long rb_cpu_pool_sleeps(const rb_cpu_pool *p)
{
    return atomic_load_explicit(&((rb_cpu_pool *)p)->bar.sleeps, memory_order_relaxed);
}

void rb_cpu_pool_destroy(rb_cpu_pool *p)
{
    if (!p)
        return;
    if (p->started > 0) {
        p->quit = 1;
        barrier_wait(&p->bar);
        for (int t = 1; t <= p->started; t++)
            pthread_join(p->threads[t], NULL);
    }
    free(p->threads);
    free(p);
}
