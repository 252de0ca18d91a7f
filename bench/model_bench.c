/* bench/model_bench.c — how fast the functional computations of a model campaign are, against the memory floor.
 *
 * For each problem of a suite: the fp32 reference and each simulated/modeled backend's functional run (prepare with
 * weights, then run() timed alone), min and median over repetitions. The floor is the time to stream the weights
 * at this machine's read bandwidth, measured in the same run: a recurrent step needs all of U (T times per problem)
 * and W at least once, in each numerics' storage (fp32: 4 bytes a weight; int8 formats: 1 byte a weight, shared
 * exponents aside). With --v1 the previous single-threaded reference, one-request-at-a-time Brainwave executor and
 * fp32-held spatial fp8 executor (tests/reference_v1.c, tests/bw_exec_v1.c, tests/spatial_fp8_v1.c; the latter in
 * the spatial backend's default numerics: arch sysml19, fp8 e4m3, input=full, its quantisation untimed as the
 * backend's prepare is) are timed too, side by side. Not a test: it prints, it judges nothing.
 *
 * usage: model-bench [--suite NAME] [--backends a,b] [--reps N] [--threads N] [--v1] [--bandwidth-mib N] */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "bw_bfp.h"
#include "parallel.h"
#include "problem.h"
#include "registry.h"
#include "spatial_fp8_v1.h"

int rb_reference_forward_v1(const rb_problem *p, const rb_weights *w, const float *x, float *y);
int bw1_forward(const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block, const float *x,
                float *y);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void load_average(char *out, size_t len)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a = 0, b = 0, c = 0;
    if (!f || fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3)
        snprintf(out, len, "unknown");
    else
        snprintf(out, len, "%.2f %.2f %.2f", a, b, c);
    if (f)
        fclose(f);
}

/* ---- streaming read bandwidth ---- */

typedef struct stream_ctx {
    const float *buf;
    double partial[256];
} stream_ctx;

static void stream_task(void *arg, size_t b, size_t e)
{
    stream_ctx *k = arg;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (size_t i = b; i + 8 <= e; i += 8) {
        s0 += k->buf[i];
        s1 += k->buf[i + 1];
        s2 += k->buf[i + 2];
        s3 += k->buf[i + 3];
        s4 += k->buf[i + 4];
        s5 += k->buf[i + 5];
        s6 += k->buf[i + 6];
        s7 += k->buf[i + 7];
    }
    k->partial[(b / 8) % 256] += (double)(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
}

/* Read bandwidth of all threads over a buffer far larger than the caches: median GB/s of reps passes (min time). */
static double stream_bandwidth(size_t mib, int reps, double *best)
{
    size_t n = mib << 18; /* floats */
    float *buf = malloc(n * sizeof *buf);
    if (!buf)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = (float)(i & 7);
    stream_ctx k = {buf, {0}};
    double *t = malloc((size_t)reps * sizeof *t);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        rb_par_for(n, 1 << 16, stream_task, &k);
        t[r] = now() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, cmp_double);
    double bytes = (double)n * sizeof(float);
    *best = bytes / t[0] / 1e9;
    double median = bytes / t[reps / 2] / 1e9;
    free(t);
    free(buf);
    return median;
}

/* ---- timing one computation ---- */

typedef struct timing {
    double min, median, cpu_min;
} timing;

typedef int (*compute_fn)(void *ctx);

static timing time_it(compute_fn fn, void *ctx, int reps)
{
    double t[64], c[64];
    if (reps > 64)
        reps = 64;
    for (int r = 0; r < reps; r++) {
        double c0 = cpu_now(), t0 = now();
        if (fn(ctx) != 0) {
            timing bad = {-1, -1, -1};
            return bad;
        }
        t[r] = now() - t0;
        c[r] = cpu_now() - c0;
    }
    qsort(t, (size_t)reps, sizeof *t, cmp_double);
    qsort(c, (size_t)reps, sizeof *c, cmp_double);
    timing out = {t[0], t[reps / 2], c[0]};
    return out;
}

typedef struct job_ctx {
    const rb_problem *p;
    const rb_weights *w;
    const float *x;
    float *y;
    const rb_backend *b;
    void *state;
    bw_bfp_format fmt;
} job_ctx;

static int run_reference(void *arg)
{
    job_ctx *k = arg;
    return rb_reference_forward(k->p, k->w, k->x, k->y);
}

static int run_reference_v1(void *arg)
{
    job_ctx *k = arg;
    return rb_reference_forward_v1(k->p, k->w, k->x, k->y);
}

static int run_backend(void *arg)
{
    job_ctx *k = arg;
    rb_status st = {{0}};
    double dev = -1;
    return k->b->run(k->state, k->x, k->y, &dev, &st);
}

static int run_spatial_v1(void *arg)
{
    job_ctx *k = arg;
    return sp1_fp8_run(k->state, k->p, k->x, k->y);
}

static int run_brainwave_v1(void *arg)
{
    job_ctx *k = arg;
    return bw1_forward(k->p, k->w, &k->fmt, 400, k->x, k->y);
}

/* The v1 spatial fp8 model in the backend's default numerics. NULL on failure. */
static sp1_fp8_model *spatial_v1_prepare(const rb_problem *p, const rb_weights *w)
{
    sp_arch a;
    char path[512], err[256];
    sp_arch_resolve("sysml19", path, sizeof path);
    sp1_fp8_model *q = calloc(1, sizeof *q);
    if (!q || sp_arch_load(path, &a, err, sizeof err) != 0 ||
        sp1_fp8_init(q, p, w, &a, SP_INPUT_FULL, &SP_FP8_E4M3) != 0) {
        free(q);
        return NULL;
    }
    return q;
}

/* One computation timed per problem: a name, how to run it, its weights' storage, its backend (NULL: none). */
typedef struct comp {
    const char *name;
    compute_fn fn;
    double bytes_per_weight;
    const rb_backend *b;
} comp;

/* Bytes a recurrent computation must stream at least: U every step, W once, at `bytes_per_weight`. */
static double floor_bytes(const rb_problem *p, double bytes_per_weight)
{
    double G = rb_cell_gates(p->cell), H = p->hidden, I = p->input, T = p->timesteps;
    return bytes_per_weight * (T * G * H * H + G * H * I);
}

static double macs(const rb_problem *p)
{
    return rb_flops_full(p) / 2.0;
}

int main(int argc, char **argv)
{
    const char *suite = "paper", *backends = "spatial,brainwave";
    int reps = 3, threads = 0, v1 = 0, mib = 512;
    static const struct option opts[] = {{"suite", required_argument, 0, 's'},   {"backends", required_argument, 0, 'b'},
                                         {"reps", required_argument, 0, 'r'},    {"threads", required_argument, 0, 't'},
                                         {"v1", no_argument, 0, 'v'},            {"bandwidth-mib", required_argument, 0, 'm'},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': suite = optarg; break;
        case 'b': backends = optarg; break;
        case 'r': reps = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
        case 't': threads = atoi(optarg); break;
        case 'v': v1 = 1; break;
        case 'm': mib = atoi(optarg) >= 64 ? atoi(optarg) : 64; break;
        default:
            fprintf(stderr, "usage: model-bench [--suite NAME] [--backends a,b] [--reps N] [--threads N] [--v1] "
                            "[--bandwidth-mib N]\n");
            return 2;
        }
    }
    if (threads > 0)
        rb_par_set_threads(threads);
    rb_problem *probs = NULL;
    size_t np = 0;
    if (rb_suite_get(suite, &probs, &np) != 0) {
        fprintf(stderr, "model-bench: unknown suite '%s'\n", suite);
        return 2;
    }
    const rb_backend *bes[8];
    int nb = 0;
    char list[256];
    snprintf(list, sizeof list, "%s", backends);
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok && nb < 8; tok = strtok_r(NULL, ",", &save)) {
        const rb_backend *b = rb_backend_find(tok);
        if (!b || b->kind == RB_MEASURED) {
            fprintf(stderr, "model-bench: '%s' is not a simulated/modeled backend\n", tok);
            return 2;
        }
        bes[nb++] = b;
    }
    char load0[64], load1[64];
    load_average(load0, sizeof load0);
    double bw_best = 0, bw = stream_bandwidth((size_t)mib, 5, &bw_best);
    printf("model-bench: suite %s (%zu problems), backends %s, %d thread(s), %d repetition(s); load average %s\n",
           suite, np, backends, rb_par_threads(), reps, load0);
    printf("streaming read bandwidth (%d MiB, %d threads): median %.2f GB/s, best %.2f GB/s; floors below use the "
           "median\n\n", mib, rb_par_threads(), bw, bw_best);
    printf("%-22s %-14s %10s %10s %9s %9s %7s %8s %8s\n", "problem", "computation", "min_ms", "median_ms", "cpu_ms",
           "floor_ms", "x_floor", "GMAC/s", "GB/s");
    double tot_time[10] = {0}, tot_floor[10] = {0}, tot_cpu[10] = {0};
    const char *names[10];
    int ncomp = 0;
    for (size_t i = 0; i < np; i++) {
        const rb_problem *p = &probs[i];
        rb_weights w;
        float *x = rb_inputs_make(p, 42);
        size_t len = rb_output_len(p);
        float *y = malloc(len * sizeof *y);
        if (!x || !y || rb_weights_init(&w, p, 42) != 0) {
            fprintf(stderr, "model-bench: %s: out of memory\n", p->name);
            return 3;
        }
        job_ctx k = {.p = p, .w = &w, .x = x, .y = y};
        int ci = 0;
        comp comps[10];
        comps[ci++] = (comp){"reference", run_reference, 4.0, NULL};
        if (v1)
            comps[ci++] = (comp){"reference-v1", run_reference_v1, 4.0, NULL};
        for (int b = 0; b < nb; b++) {
            comps[ci++] = (comp){bes[b]->name, run_backend, 1.0, bes[b]};
            if (v1 && strcmp(bes[b]->name, "brainwave") == 0)
                comps[ci++] = (comp){"brainwave-v1", run_brainwave_v1, 1.0, NULL};
            if (v1 && strcmp(bes[b]->name, "spatial") == 0)
                comps[ci++] = (comp){"spatial-v1", run_spatial_v1, 1.0, NULL};
        }
        ncomp = ci;
        for (int j = 0; j < ci; j++) {
            names[j] = comps[j].name;
            k.b = comps[j].b;
            k.state = NULL;
            if (comps[j].b) {
                rb_options none;
                memset(&none, 0, sizeof none);
                rb_status st = {{0}};
                if (comps[j].b->prepare(p, &w, &none, &k.state, &st) != 0) {
                    printf("%-22s %-14s prepare failed: %s\n", p->name, comps[j].name, st.msg);
                    continue;
                }
            }
            if (comps[j].fn == run_brainwave_v1)
                bw_bfp_format_make(&k.fmt, 5, 2, 0);
            if (comps[j].fn == run_spatial_v1 && !(k.state = spatial_v1_prepare(p, &w))) {
                printf("%-22s %-14s prepare failed\n", p->name, comps[j].name);
                continue;
            }
            timing t = time_it(comps[j].fn, &k, reps);
            if (comps[j].b)
                comps[j].b->release(k.state);
            if (comps[j].fn == run_spatial_v1) {
                sp1_fp8_free(k.state);
                free(k.state);
            }
            double fb = floor_bytes(p, comps[j].bytes_per_weight), floor_s = fb / (bw * 1e9);
            printf("%-22s %-14s %10.2f %10.2f %9.1f %9.2f %7.2f %8.2f %8.2f\n", p->name, comps[j].name, t.min * 1e3,
                   t.median * 1e3, t.cpu_min * 1e3, floor_s * 1e3, t.min / floor_s, macs(p) / t.min * 1e-9,
                   fb / t.min * 1e-9);
            tot_time[j] += t.min;
            tot_cpu[j] += t.cpu_min;
            tot_floor[j] += floor_s;
        }
        fflush(stdout);
        rb_weights_free(&w);
        free(x);
        free(y);
    }
    load_average(load1, sizeof load1);
    printf("\ntotals (sum of per-problem minima)       time_s    cpu_s  floor_s  x_floor\n");
    double all = 0, all_floor = 0;
    for (int j = 0; j < ncomp; j++) {
        printf("  %-36s %9.2f %8.2f %8.2f %8.2f\n", names[j], tot_time[j], tot_cpu[j], tot_floor[j],
               tot_time[j] / tot_floor[j]);
        if (!strstr(names[j], "-v1")) {
            all += tot_time[j];
            all_floor += tot_floor[j];
        }
    }
    printf("  %-36s %9.2f %8s %8.2f %8.2f\n", "first run: reference + every numerics", all, "", all_floor,
           all / all_floor);
    printf("load average at the end: %s\n", load1);
    free(probs);
    return 0;
}
