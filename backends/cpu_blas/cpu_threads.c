/* backends/cpu_blas/cpu_threads.c — thread-count option, budget and the size rule of the CPU backends. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "cpu_pool.h"
#include "cpu_threads.h"

int rb_cpu_threads_parse(const char *v, int *threads)
{
    if (!v || strcmp(v, "auto") == 0) {
        *threads = 0;
        return 0;
    }
    if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 4)
        return -1;
    int n = atoi(v);
    if (n < 1 || n > RB_THREADS_MAX)
        return -1;
    *threads = n;
    return 0;
}

int rb_cpu_threads_check(const char *v, rb_status *why)
{
    int n;
    if (rb_cpu_threads_parse(v, &n) != 0)
        return rb_fail(why, "threads=%s: not 'auto' or an integer 1..%d", v, RB_THREADS_MAX);
    return 0;
}

int rb_cpu_thread_budget(void)
{
    int n = openblas_get_num_threads();
    int usable = rb_cpu_usable();
    if (n < 1)
        n = usable;
    return n < usable ? n : usable;
}

int rb_cpu_threads_rule(double weight_bytes_per_step, double bytes_per_thread, int budget)
{
    if (budget < 1)
        budget = 1;
    double n = bytes_per_thread > 0 ? weight_bytes_per_step / bytes_per_thread : budget;
    if (n < 1)
        return 1;
    return n >= budget ? budget : (int)n;
}
