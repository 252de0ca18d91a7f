/* bench/jobs_bench.c — how long a large campaign takes to set up (issue 12 item 8): parsing a workload file of N
 * problems (names checked for duplicates) and building the job list of N problems x all backends (keys checked for
 * duplicates), now hash-set based, beside the quadratic duplicate scans they replaced (reimplemented here as the
 * baseline, timed on fewer problems because they grow as N^2). Prints figures; judges nothing.
 *   cmake --build BUILD --target jobs-bench && BUILD/bench/jobs-bench [N] [REPS]   (default 20000 3) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "problem.h"
#include "registry.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static char *workload_text(size_t n)
{
    char *text = malloc(n * 64 + 1);
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        used += (size_t)sprintf(text + used, "cell=%s hidden=%zu timesteps=%zu name=w%zu\n", i % 2 ? "gru" : "lstm",
                                1 + i % 4096, 1 + i / 4096, i);
    text[used] = '\0';
    return text;
}

/* The duplicate scans that were there before: every name (key) against every earlier one. */
static size_t quadratic_name_dups(const rb_problem *p, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            d += strcmp(p[i].name, p[j].name) == 0;
    return d;
}

static size_t quadratic_key_dups(const rb_job *jobs, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            d += strcmp(jobs[i].key, jobs[j].key) == 0;
    return d;
}

static double min_of(const double *x, int n)
{
    double m = x[0];
    for (int i = 1; i < n; i++)
        m = x[i] < m ? x[i] : m;
    return m;
}

/* Parses n problems and builds their jobs on every backend: seconds for each step (best of reps). */
static void measure(size_t n, int reps, double *parse_s, double *build_s, size_t *njobs)
{
    char *text = workload_text(n);
    size_t nb = rb_backend_count();
    int idx[64];
    rb_options opts[64];
    memset(opts, 0, sizeof opts);
    for (size_t b = 0; b < nb; b++)
        idx[b] = (int)b;
    double tp[32], tb[32];
    for (int r = 0; r < reps; r++) {
        rb_problem *p = NULL;
        size_t np = 0, nj = 0, dups = 0;
        char err[256];
        double t0 = now();
        if (rb_workload_parse_string(text, "bench", &p, &np, err, sizeof err) != 0) {
            fprintf(stderr, "jobs-bench: %s\n", err);
            exit(1);
        }
        double t1 = now();
        rb_job *jobs = NULL;
        if (rb_jobs_build(p, np, idx, opts, nb, 42, &jobs, &nj, &dups) != 0)
            exit(1);
        double t2 = now();
        tp[r] = t1 - t0;
        tb[r] = t2 - t1;
        *njobs = nj;
        free(jobs);
        free(p);
    }
    *parse_s = min_of(tp, reps);
    *build_s = min_of(tb, reps);
    free(text);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (n == 0 || n > 100000 || reps < 1 || reps > 32) {
        fprintf(stderr, "usage: jobs-bench [PROBLEMS <= 100000] [REPS <= 32]\n");
        return 2;
    }
    double load = -1;
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load) != 1)
            load = -1;
        fclose(la);
    }
    printf("jobs-bench: best of %d, %zu backends, load average %.2f\n", reps, rb_backend_count(), load);
    size_t sizes[3] = {2000, n, 100000};
    for (int k = 0; k < 3; k++) {
        if (k > 0 && sizes[k] == sizes[k - 1])
            continue;
        double parse_s, build_s;
        size_t nj = 0;
        measure(sizes[k], reps, &parse_s, &build_s, &nj);
        printf("%6zu problems: parse %8.1f ms, build %6zu jobs %8.1f ms (hash sets)\n", sizes[k], 1e3 * parse_s, nj,
               1e3 * build_s);
    }
    /* the baseline: the quadratic scans alone, on 2000 problems, and what they grow to at N */
    char *text = workload_text(2000);
    rb_problem *p = NULL;
    size_t np = 0, nj = 0, dups = 0;
    char err[256];
    rb_workload_parse_string(text, "bench", &p, &np, err, sizeof err);
    int idx[64];
    rb_options opts[64];
    memset(opts, 0, sizeof opts);
    for (size_t b = 0; b < rb_backend_count(); b++)
        idx[b] = (int)b;
    rb_job *jobs = NULL;
    rb_jobs_build(p, np, idx, opts, rb_backend_count(), 42, &jobs, &nj, &dups);
    double t0 = now();
    size_t d1 = quadratic_name_dups(p, np);
    double t1 = now();
    size_t d2 = quadratic_key_dups(jobs, nj);
    double t2 = now();
    double scale = ((double)n / 2000.0) * ((double)n / 2000.0);
    printf("quadratic scans (the old code) on 2000 problems: names %.1f ms, %zu keys %.1f ms (%zu duplicates); "
           "x%.0f at %zu problems: about %.0f s and %.0f s\n",
           1e3 * (t1 - t0), nj, 1e3 * (t2 - t1), d1 + d2, scale, n, (t1 - t0) * scale, (t2 - t1) * scale);
    free(jobs);
    free(p);
    free(text);
    return 0;
}
