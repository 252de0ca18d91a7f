/* backends/cpu_blas/cpu_blas.c — the cpu-blas backend: OpenBLAS GEMM for the input projection of all timesteps,
 * then per step an SGEMV (batch 1) or SGEMM (batch > 1) for the recurrent projection followed by separate
 * element-wise passes (cpu_blas_cells.c). Energy from RAPL where readable. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "backend.h"
#include "cpu_blas_cells.h"
#include "rapl.h"

typedef struct cpu_state {
    rb_problem p;
    const rb_weights *w; /* owned by the harness, valid until release */
    int G;
    float *xp; /* [T*B][G*H] input projections of all steps */
    float *hp; /* [B][G*H] recurrent projection of one step */
    float *tmp;
    float *h, *c; /* [B][H] */
} cpu_state;

static int cpu_probe(rb_status *why)
{
    (void)why;
    return 0; /* OpenBLAS is linked in: every rank can run it */
}

static void cpu_release(void *vs)
{
    cpu_state *s = vs;
    if (!s)
        return;
    free(s->xp);
    free(s->hp);
    free(s->tmp);
    free(s->h);
    free(s->c);
    free(s);
}

static int cpu_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state, rb_status *st)
{
    if (opt && opt->n > 0)
        return rb_fail(st, "cpu-blas takes no options (got '%s')", opt->key[0]);
    cpu_state *s = calloc(1, sizeof *s);
    if (!s)
        return rb_fail(st, "out of memory");
    s->p = *p;
    s->w = w;
    s->G = rb_cell_gates(p->cell) * p->hidden;
    size_t tb = (size_t)p->timesteps * p->batch;
    s->xp = malloc(tb * s->G * sizeof(float));
    s->hp = malloc((size_t)p->batch * s->G * sizeof(float));
    s->tmp = malloc((size_t)p->batch * s->G * sizeof(float));
    s->h = malloc((size_t)p->batch * p->hidden * sizeof(float));
    s->c = malloc((size_t)p->batch * p->hidden * sizeof(float));
    if (!s->xp || !s->hp || !s->tmp || !s->h || !s->c) {
        int G = s->G;
        cpu_release(s);
        return rb_fail(st, "out of memory for %zu x %d projection buffer", tb, G);
    }
    *state = s;
    return 0;
}

static void fill_rows(float *dst, const float *row, size_t nrows, int len)
{
    for (size_t r = 0; r < nrows; r++)
        memcpy(dst + r * len, row, (size_t)len * sizeof(float));
}

static int cpu_run(void *vs, const float *x, float *y, double *device_ms, rb_status *st)
{
    (void)device_ms;
    (void)st;
    cpu_state *s = vs;
    const rb_problem *p = &s->p;
    const int B = p->batch, H = p->hidden, nin = p->input, G = s->G;
    const size_t tb = (size_t)p->timesteps * B;

    /* kernel 1: input projection of every step at once, xp = x W^T + bw */
    fill_rows(s->xp, s->w->bw, tb, G);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)tb, G, nin, 1.0f, x, nin, s->w->W, nin, 1.0f, s->xp, G);

    memset(s->h, 0, (size_t)B * H * sizeof(float));
    memset(s->c, 0, (size_t)B * H * sizeof(float));
    for (int t = 0; t < p->timesteps; t++) {
        /* kernel 2: recurrent projection hp = h U^T + bu */
        fill_rows(s->hp, s->w->bu, (size_t)B, G);
        if (B == 1)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, G, H, 1.0f, s->w->U, H, s->h, 1, 1.0f, s->hp, 1);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, G, H, 1.0f, s->h, H, s->w->U, H, 1.0f, s->hp, G);
        /* kernels 3..: element-wise passes */
        const float *xpt = s->xp + (size_t)t * B * G;
        switch (p->cell) {
        case RB_CELL_LSTM: rb_cpu_lstm_pointwise(B, H, xpt, s->hp, s->tmp, s->h, s->c); break;
        case RB_CELL_GRU: rb_cpu_gru_pointwise(B, H, xpt, s->hp, s->tmp, s->h); break;
        case RB_CELL_VANILLA: rb_cpu_vanilla_pointwise(B, H, xpt, s->hp, s->h); break;
        }
        memcpy(y + (size_t)t * B * H, s->h, (size_t)B * H * sizeof(float));
    }
    return 0;
}

/* Energy over a window of >= 1 s of repeated inferences, if RAPL is readable. */
static void measure_energy(cpu_state *s, const float *x, rb_metrics *m)
{
    char why[160];
    double e0, e1, range;
    float *y = malloc(rb_output_len(&s->p) * sizeof(float));
    if (!y || rb_rapl_read(&e0, &range, why, sizeof why) != 0) {
        rb_metrics_extra(m, "energy_note", "%s", y ? why : "out of memory");
        free(y);
        return;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    double elapsed = 0;
    long n = 0;
    while (elapsed < 1.0) {
        cpu_run(s, x, y, NULL, NULL);
        n++;
        clock_gettime(CLOCK_MONOTONIC, &b);
        elapsed = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    }
    free(y);
    if (rb_rapl_read(&e1, &range, why, sizeof why) != 0) {
        rb_metrics_extra(m, "energy_note", "%s", why);
        return;
    }
    double de = e1 - e0;
    if (de < 0 && range > 0)
        de += range;
    m->energy_j = de / (double)n;
    m->energy_source = RB_SRC_MEASURED;
    m->power_w = de / elapsed;
    m->power_source = RB_SRC_MEASURED;
    rb_metrics_extra(m, "energy_window_s", "%.3f", elapsed);
    rb_metrics_extra(m, "energy_scope", "RAPL package domains (whole socket)");
}

static int cpu_report(void *vs, const float *x, rb_metrics *m, rb_status *st)
{
    (void)st;
    cpu_state *s = vs;
    char model[96];
    rb_cpu_model(model, sizeof model);
    int threads = openblas_get_num_threads();
    snprintf(m->device, sizeof m->device, "%s (OpenBLAS, %d thread%s)", model, threads, threads == 1 ? "" : "s");
    rb_metrics_extra(m, "blas_threads", "%d", threads);
    rb_metrics_extra(m, "openblas_config", "%s", openblas_get_config());
    rb_metrics_extra(m, "recurrent_kernel", "%s", s->p.batch == 1 ? "sgemv" : "sgemm");
    measure_energy(s, x, m);
    return 0;
}

const rb_backend rb_backend_cpu_blas = {
    .name = "cpu-blas",
    .summary = "CPU, OpenBLAS kernels stitched together (input GEMM, per-step GEMV/GEMM, element-wise passes)",
    .kind = RB_MEASURED,
    .probe = cpu_probe,
    .prepare = cpu_prepare,
    .run = cpu_run,
    .report = cpu_report,
    .release = cpu_release,
    .config = NULL,
};
