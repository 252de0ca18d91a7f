/* workloads/parallel.c — the process-wide thread pool behind rb_par_for (see parallel.h).
 *
 * One loop at a time. The caller writes the loop's description into the pool, then publishes it by storing a new
 * generation in `next`, a 64-bit word holding (generation << 32 | next unclaimed chunk). Threads claim chunks with a
 * compare-and-swap on that word, which fails once the generation has moved on, so a late worker can never claim a
 * chunk of a loop that has finished; `done` counts finished chunks and the caller returns when it reaches the
 * count. Idle workers spin briefly (the next loop usually follows within microseconds: one per time step) and then
 * sleep on a condition variable. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 256
#define SPIN_ITERS 4000 /* a worker's busy wait for the next loop before it sleeps (~tens of microseconds) */
#define CHUNK_MASK UINT64_C(0xffffffff)
#define PUBLISHING CHUNK_MASK /* chunk field while the caller writes a new loop's description */

typedef struct pool {
    pid_t pid;   /* the process whose workers these are (a forked child starts over) */
    int workers; /* worker threads started */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_uint_fast64_t next; /* generation << 32 | next chunk */
    atomic_size_t done;        /* chunks finished in the current generation */
    atomic_int sleeping;       /* workers waiting on cv */
    atomic_int wanted;         /* workers that may take part (threads - 1) */
    /* the current loop, written before its generation is published */
    _Atomic(rb_par_fn) fn;
    _Atomic(void *) ctx;
    atomic_size_t n, grain, chunks;
} pool_t;

static pool_t pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
static int threads_set; /* rb_par_set_threads; 0 = CPU count */

int rb_par_cpus(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n >= 1)
            return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : 1;
}

static int env_threads(void)
{
    const char *e = getenv("RNNBENCH_THREADS");
    if (!e || !*e)
        return 0;
    char *end = NULL;
    long v = strtol(e, &end, 10);
    return end && *end == '\0' && v >= 1 && v <= MAX_THREADS ? (int)v : 0;
}

int rb_par_threads(void)
{
    int n = env_threads();
    if (n == 0)
        n = threads_set > 0 ? threads_set : rb_par_cpus();
    return n > MAX_THREADS ? MAX_THREADS : n;
}

void rb_par_set_threads(int n)
{
    threads_set = n > 0 ? (n > MAX_THREADS ? MAX_THREADS : n) : 0;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Claims and runs chunks of generation gen until none is left. The loop's fields are read before each claim; the
 * claim (a compare-and-swap expecting generation gen) succeeds only while gen is running, and the caller rewrites
 * the fields only after it has moved `next` on to the following generation, so a successful claim proves that the
 * fields read were gen's own (every access here is sequentially consistent). */
static void take_chunks(uint32_t gen)
{
    for (;;) {
        uint64_t v = atomic_load(&pool.next);
        if ((uint32_t)(v >> 32) != gen)
            return;
        uint64_t idx = v & CHUNK_MASK;
        if (idx == PUBLISHING) { /* the caller is writing the loop's fields */
            cpu_relax();
            continue;
        }
        rb_par_fn fn = atomic_load(&pool.fn);
        void *ctx = atomic_load(&pool.ctx);
        size_t n = atomic_load(&pool.n), grain = atomic_load(&pool.grain), chunks = atomic_load(&pool.chunks);
        if (idx >= chunks)
            return;
        if (!atomic_compare_exchange_weak(&pool.next, &v, v + 1))
            continue;
        size_t b = (size_t)idx * grain, e = b + grain < n ? b + grain : n;
        fn(ctx, b, e);
        atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
    }
}

static void *worker_main(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint32_t seen = (uint32_t)(atomic_load(&pool.next) >> 32);
    for (;;) {
        uint32_t gen = seen;
        for (int i = 0; i < SPIN_ITERS && gen == seen; i++) {
            cpu_relax();
            gen = (uint32_t)(atomic_load_explicit(&pool.next, memory_order_acquire) >> 32);
        }
        if (gen == seen) {
            pthread_mutex_lock(&pool.mu);
            atomic_fetch_add(&pool.sleeping, 1);
            while ((gen = (uint32_t)(atomic_load(&pool.next) >> 32)) == seen)
                pthread_cond_wait(&pool.cv, &pool.mu);
            atomic_fetch_sub(&pool.sleeping, 1);
            pthread_mutex_unlock(&pool.mu);
        }
        if (id < atomic_load(&pool.wanted))
            take_chunks(gen);
        seen = gen;
    }
    return NULL;
}

/* Makes sure `want` workers exist in this process; returns how many do. */
static int ensure_workers(int want)
{
    pid_t me = getpid();
    if (pool.pid != me) { /* first use, or a forked child: the parent's workers do not exist here */
        pool.pid = me;
        pool.workers = 0;
        pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
        pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
        pool.mu = mu;
        pool.cv = cv;
        atomic_store(&pool.sleeping, 0);
    }
    while (pool.workers < want) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, worker_main, (void *)(intptr_t)pool.workers);
        pthread_attr_destroy(&attr);
        if (rc != 0)
            break;
        pool.workers++;
    }
    return pool.workers;
}

void rb_par_for(size_t n, size_t grain, rb_par_fn fn, void *ctx)
{
    if (n == 0)
        return;
    if (grain == 0)
        grain = 1;
    size_t chunks = (n + grain - 1) / grain;
    if (chunks >= PUBLISHING) { /* chunk numbers live in 32 bits */
        grain = n / (PUBLISHING - 1) + 1;
        chunks = (n + grain - 1) / grain;
    }
    int threads = rb_par_threads();
    int helpers = threads - 1 < (int)(chunks - 1) ? threads - 1 : (int)(chunks - 1);
    if (helpers > 0)
        helpers = ensure_workers(helpers);
    if (helpers <= 0) {
        fn(ctx, 0, n);
        return;
    }
    /* a new generation in the "publishing" state first: no chunk of the previous loop can be claimed any more,
     * and workers that see the new generation wait until its fields are written */
    uint32_t gen = (uint32_t)(atomic_load(&pool.next) >> 32) + 1;
    atomic_store(&pool.next, (uint64_t)gen << 32 | PUBLISHING);
    atomic_store(&pool.wanted, helpers);
    atomic_store(&pool.fn, fn);
    atomic_store(&pool.ctx, ctx);
    atomic_store(&pool.n, n);
    atomic_store(&pool.grain, grain);
    atomic_store(&pool.chunks, chunks);
    atomic_store(&pool.done, 0);
    atomic_store(&pool.next, (uint64_t)gen << 32); /* publishes the loop: chunk 0 is next */
    if (atomic_load(&pool.sleeping) > 0) {
        pthread_mutex_lock(&pool.mu);
        pthread_cond_broadcast(&pool.cv);
        pthread_mutex_unlock(&pool.mu);
    }
    take_chunks(gen);
    for (unsigned spins = 0; atomic_load_explicit(&pool.done, memory_order_acquire) < chunks; spins++) {
        if (spins < 2000)
            cpu_relax();
        else
            sched_yield(); /* a descheduled worker holds a chunk: let it run */
    }
}
