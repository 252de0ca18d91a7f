/* backends/cublas/tools/gpu_bench.c — `gpu-bench`: a small stand-alone runner for the GPU backends on a machine that
 * has CUDA but not MPI/HDF5 (the harness, `rnnbench run --backends cublas,cudnn`, is the full path). For each
 * problem of a suite it runs cublas fp32, cudnn full fp32 and (when input = hidden) cudnn skip fp32 — DeepBench's
 * mode — and prints the median CUDA-event latency, the NVML energy per inference and average power over a >= 1 s
 * window, the cudnn/cublas latency ratio, and with --check the max abs error against the fp32 reference (slow for
 * large problems: the reference is plain CPU loops).
 * Usage: gpu-bench [--suite NAME] [--reps N] [--check] [--opt backend.key=value ...] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "problem.h"

extern const rb_backend rb_backend_cublas;
extern const rb_backend rb_backend_cudnn;

typedef struct bench_cfg {
    const rb_backend *b;
    const char *label;
    const char *opts; /* "k=v,k=v" */
    int skip;
} bench_cfg;

static const bench_cfg cfgs[] = {
    {&rb_backend_cublas, "cublas", "precision=fp32", 0},
    {&rb_backend_cudnn, "cudnn", "input=full,precision=fp32", 0},
    {&rb_backend_cudnn, "cudnn-skip", "input=skip,precision=fp32", 1},
};
#define N_CFG 3

typedef struct bench_out {
    int ok;
    double median_ms, energy_j, power_w, err;
    char why[RB_MSG_MAX];
} bench_out;

static void add_opts(rb_options *o, const char *spec, const char *backend, char **extra, int n_extra)
{
    char buf[512];
    memset(o, 0, sizeof *o);
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *t = strtok(buf, ","); t && o->n < RB_OPT_MAX; t = strtok(NULL, ",")) {
        char *eq = strchr(t, '=');
        if (!eq)
            continue;
        *eq = 0;
        snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", t);
        snprintf(o->val[o->n++], RB_OPT_VAL_MAX, "%s", eq + 1);
    }
    size_t bl = strlen(backend);
    for (int i = 0; i < n_extra; i++) { /* --opt backend.key=value overrides */
        if (strncmp(extra[i], backend, bl) || extra[i][bl] != '.')
            continue;
        const char *kv = extra[i] + bl + 1, *eq = strchr(kv, '=');
        if (!eq)
            continue;
        int slot = o->n;
        for (int k = 0; k < o->n; k++)
            if (strlen(o->key[k]) == (size_t)(eq - kv) && !strncmp(o->key[k], kv, (size_t)(eq - kv)))
                slot = k;
        if (slot == RB_OPT_MAX)
            continue;
        snprintf(o->key[slot], RB_OPT_KEY_MAX, "%.*s", (int)(eq - kv), kv);
        snprintf(o->val[slot], RB_OPT_VAL_MAX, "%s", eq + 1);
        if (slot == o->n)
            o->n++;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench_one(const bench_cfg *c, const rb_problem *p, int reps, int check, char **extra, int n_extra,
                      bench_out *out)
{
    memset(out, 0, sizeof *out);
    out->energy_j = out->power_w = out->err = NAN;
    rb_weights w;
    rb_options o;
    rb_status st = {{0}};
    void *state = NULL;
    double *ms = calloc((size_t)reps, sizeof *ms);
    size_t ny = rb_output_len(p);
    float *x = rb_inputs_make(p, 7), *y = malloc(ny * sizeof *y), *ref = NULL;
    if (rb_weights_init(&w, p, 42) != 0 || !ms || !x || !y) {
        snprintf(out->why, sizeof out->why, "out of memory");
        goto done;
    }
    if (c->skip) { /* equivalent problem for skip input: W = stacked identities (see tests/gpu_checks.c) */
        memset(w.W, 0, (size_t)w.gates * w.hidden * w.input * sizeof(float));
        for (int g = 0; g < w.gates; g++)
            for (int j = 0; j < w.hidden; j++)
                w.W[((size_t)g * w.hidden + j) * w.input + j] = 1.0f;
    }
    add_opts(&o, c->opts, c->b->name, extra, n_extra);
    if (c->b->prepare(p, &w, &o, &state, &st) != 0 || c->b->run(state, x, y, &ms[0], &st) != 0) { /* + warm-up */
        snprintf(out->why, sizeof out->why, "%s", st.msg);
        goto done;
    }
    for (int r = 0; r < reps; r++)
        if (c->b->run(state, x, y, &ms[r], &st) != 0) {
            snprintf(out->why, sizeof out->why, "%s", st.msg);
            goto done;
        }
    qsort(ms, (size_t)reps, sizeof *ms, cmp_double);
    out->median_ms = reps % 2 ? ms[reps / 2] : 0.5 * (ms[reps / 2 - 1] + ms[reps / 2]);
    if (check && (ref = malloc(ny * sizeof *ref)) && rb_reference_forward(p, &w, x, ref) == 0) {
        double rel;
        rb_compare(y, ref, ny, &out->err, &rel);
    }
    rb_metrics m;
    rb_metrics_init(&m);
    if (c->b->report(state, x, &m, &st) == 0) {
        out->energy_j = m.energy_j;
        out->power_w = m.power_w;
        for (int i = 0; i < m.n_extras; i++)
            if (!strcmp(m.extra_key[i], "energy"))
                snprintf(out->why, sizeof out->why, "%s", m.extra_val[i]);
    }
    out->ok = 1;
done:
    if (state)
        c->b->release(state);
    rb_weights_free(&w);
    free(ms);
    free(x);
    free(y);
    free(ref);
}

int main(int argc, char **argv)
{
    const char *suite = "paper";
    int reps = 20, check = 0, n_extra = 0;
    char **extra = calloc((size_t)argc, sizeof *extra);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--suite") && i + 1 < argc)
            suite = argv[++i];
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--check"))
            check = 1;
        else if (!strcmp(argv[i], "--opt") && i + 1 < argc)
            extra[n_extra++] = argv[++i];
        else {
            fprintf(stderr, "usage: gpu-bench [--suite NAME] [--reps N] [--check] [--opt backend.key=value ...]\n");
            free(extra);
            return 2;
        }
    }
    rb_problem *ps = NULL;
    size_t n = 0;
    rb_status why = {{0}};
    if (reps < 1 || rb_suite_get(suite, &ps, &n) != 0) {
        fprintf(stderr, "gpu-bench: bad --reps or unknown suite '%s'\n", suite);
        free(extra);
        return 2;
    }
    if (rb_backend_cublas.probe(&why) != 0) {
        printf("gpu-bench: GPU backends unavailable: %s\n", why.msg);
        free(ps);
        free(extra);
        return 0;
    }
    printf("%-28s %-11s %10s %10s %9s %10s\n", "task", "backend", "median_ms", "energy_J", "power_W", "max_err");
    double log_ratio = 0;
    int n_ratio = 0;
    for (size_t k = 0; k < n; k++) {
        bench_out out[N_CFG];
        for (int c = 0; c < N_CFG; c++) {
            if (cfgs[c].skip && ps[k].input != ps[k].hidden) {
                out[c].ok = 0;
                snprintf(out[c].why, sizeof out[c].why, "skip input needs input == hidden");
            } else {
                bench_one(&cfgs[c], &ps[k], reps, check, extra, n_extra, &out[c]);
            }
            if (out[c].ok)
                printf("%-28s %-11s %10.4f %10.4g %9.1f %10.3g%s%s\n", ps[k].name, cfgs[c].label, out[c].median_ms,
                       out[c].energy_j, out[c].power_w, out[c].err, out[c].why[0] ? "  # " : "", out[c].why);
            else
                printf("%-28s %-11s unavailable: %s\n", ps[k].name, cfgs[c].label, out[c].why);
            fflush(stdout);
        }
        if (out[0].ok && out[1].ok) {
            printf("%-28s cudnn/cublas latency ratio %.3f\n", ps[k].name, out[1].median_ms / out[0].median_ms);
            log_ratio += log(out[1].median_ms / out[0].median_ms);
            n_ratio++;
        }
    }
    if (n_ratio)
        printf("geomean cudnn/cublas latency ratio over %d tasks: %.3f\n", n_ratio, exp(log_ratio / n_ratio));
    free(ps);
    free(extra);
    return 0;
}
