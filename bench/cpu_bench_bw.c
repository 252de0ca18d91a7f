/* bench/cpu_bench_bw.c — streaming-read bandwidth at the weights' size: the floor a weight-streaming RNN step can
 * reach (steps / bandwidth x bytes of weights). Threads come from the CPU backends' pool (same barrier). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cpu_bench_bw.h"
#include "cpu_pool.h"

/* integer adds: the bytes are arbitrary, no float assists; native widths (GCC lowers wider generic vectors badly) */
typedef int v8 __attribute__((vector_size(32)));
typedef int v4 __attribute__((vector_size(16)));

typedef struct bw_job {
    const char *buf;
    size_t bytes;
    int passes;
    int sink[64];
} bw_job;

#if defined(__x86_64__)
__attribute__((target("avx2"))) static int read_avx2(const char *p, size_t n)
{
    v8 a = {0}, b = {0}, c = {0}, d = {0};
    for (size_t i = 0; i + 128 <= n; i += 128) {
        v8 x0, x1, x2, x3;
        memcpy(&x0, p + i, 32);
        memcpy(&x1, p + i + 32, 32);
        memcpy(&x2, p + i + 64, 32);
        memcpy(&x3, p + i + 96, 32);
        a += x0;
        b += x1;
        c += x2;
        d += x3;
    }
    v8 s = (a + b) + (c + d);
    return s[0] + s[7];
}
#endif

static int read_plain(const char *p, size_t n)
{
    v4 a = {0}, b = {0};
    for (size_t i = 0; i + 32 <= n; i += 32) {
        v4 x0, x1;
        memcpy(&x0, p + i, 16);
        memcpy(&x1, p + i + 16, 16);
        a += x0;
        b += x1;
    }
    v4 s = a + b;
    return s[0] + s[3];
}

static void bw_task(void *arg, int tid, int nthreads, rb_cpu_pool *pool)
{
    (void)pool;
    bw_job *j = arg;
    int b, e;
    rb_cpu_share((int)(j->bytes / 256), 1, tid, nthreads, &b, &e);
    const char *p = j->buf + (size_t)b * 256;
    size_t n = (size_t)(e - b) * 256;
    int s = 0;
    for (int k = 0; k < j->passes; k++) {
#if defined(__x86_64__)
        s += __builtin_cpu_supports("avx2") ? read_avx2(p, n) : read_plain(p, n);
#else
        s += read_plain(p, n);
#endif
        rb_cpu_pool_barrier(pool); /* threads meet once per pass, like once per RNN step */
    }
    j->sink[tid % 64] = s;
}

/* With one thread the process CPU time, like the bench's `cpu ms/step` column (steady on a loaded machine); with
 * more, the wall clock. */
static double now_s(int threads)
{
    struct timespec t;
    clock_gettime(threads == 1 ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double rb_bench_read_bw(size_t bytes, int threads, int tries)
{
    bytes = (bytes + 255) / 256 * 256;
    char *buf = aligned_alloc(64, bytes);
    rb_cpu_pool *pool = NULL;
    char why[128];
    if (!buf || rb_cpu_pool_create(&pool, threads, RB_POOL_SPIN_AUTO, why, sizeof why) != 0) {
        free(buf);
        return -1;
    }
    for (size_t i = 0; i < bytes; i++)
        buf[i] = (char)(i * 7);
    bw_job j = {.buf = buf, .bytes = bytes, .passes = 1};
    rb_cpu_pool_run(pool, bw_task, &j); /* warm */
    double best = 0;
    for (int t = 0; t < tries; t++) {
        j.passes = 1;
        double el = 0;
        for (;;) {
            double a = now_s(threads);
            rb_cpu_pool_run(pool, bw_task, &j);
            el = now_s(threads) - a;
            if (el >= 0.02)
                break;
            j.passes *= 2;
        }
        double bw = (double)bytes * j.passes / el;
        if (bw > best)
            best = bw;
    }
    rb_cpu_pool_destroy(pool);
    free(buf);
    return best;
}
