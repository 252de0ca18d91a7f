/* backends/cpu_blas/cpu_blas.c — the cpu-blas backend: BLAS kernels stitched together, the execution model the paper
 * criticises, done as well as that model allows. One input projection for all steps, then per step a recurrent
 * projection and separate element-wise passes over memory (cpu_blas_kernels_impl.h), with a barrier between kernels.
 *
 * kernels=tuned (default): this backend's own thread pool (cpu_pool.c) splits every kernel by rows / hidden units
 * and calls single-threaded OpenBLAS on each share:
 *   input projection  T*B == 1: SGEMV;  T*B <= RB_MULTI_MAX: one pass over W with T*B vectors;  else SGEMM
 *   recurrent step    B == 1: SGEMV;  B <= RB_MULTI_MAX: one pass over U with B vectors;  else SGEMM
 *   element-wise      vectorised exp/sigmoid/tanh (cpu_vmath.h), one pass per operation
 * kernels=openblas: the implementation before (OpenBLAS's own threads, SGEMM whenever M > 1, scalar libm passes),
 * kept so both can be compared in one run.
 * Threads: threads=auto|N; auto = one thread per RB_BLAS_BYTES_PER_THREAD of weights per step (cpu_threads.h:
 * U, plus W when T*B = 1).
 * Energy from RAPL where readable (cpu_energy.c). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "cpu_blas_cells.h"
#include "cpu_blas_kernels.h"
#include "cpu_energy.h"
#include "cpu_pool.h"
#include "cpu_threads.h"

/* Up to this many vectors, a projection is one pass over the weights with several right-hand sides (gemv_multi)
 * instead of SGEMM, which re-packs the whole matrix on every call. */
extern const rb_backend rb_backend_cpu_blas;

#define RB_MULTI_MAX 8

typedef enum { KERNELS_TUNED = 0, KERNELS_OPENBLAS = 1 } kernels_mode;

typedef struct cpu_state {
    rb_problem p;
    const rb_weights *w; /* owned by the harness, valid until release */
    int G;               /* gate rows: gates * H */
    kernels_mode mode;
    int threads;
    const char *thread_reason;
    const rb_cpu_kernels *k;
    rb_cpu_pool *pool;
    float *xp; /* [T*B][G] input projections of all steps */
    float *hp; /* [B][G] recurrent projection of one step */
    float *tmp;
    float *h, *c; /* [B][H] */
    const float *x;
    float *y;
} cpu_state;

static const rb_option_spec cpu_options[] = {
    {"threads", RB_OPT_TEXT, "auto|1..256", "auto",
     "threads; auto: one per 128 MiB of weights streamed per step (measured), at most the rank's share of cores"},
    {"kernels", RB_OPT_ENUM, "tuned|openblas", "tuned",
     "tuned: own thread split, GEMV / multi-vector GEMV for small M, SIMD element-wise; openblas: the plain version"},
    {"isa", RB_OPT_ENUM, "auto|portable|avx2|avx512", "auto", "instruction set of the tuned element-wise kernels"},
    {NULL, 0, NULL, NULL, NULL},
};

static int cpu_check_options(const rb_options *opt, rb_status *why)
{
    if (rb_cpu_threads_check(rb_opt_get(opt, "threads"), why) != 0)
        return -1;
    const char *v = rb_opt_get(opt, "isa");
    rb_isa isa;
    if (v && strcmp(v, "auto") != 0 && (rb_isa_parse(v, &isa) != 0 || !rb_cpu_kernels_for(isa)))
        return rb_fail(why, "isa=%s: this CPU cannot run it", v);
    return 0;
}

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
    rb_cpu_pool_destroy(s->pool);
    free(s->xp);
    free(s->hp);
    free(s->tmp);
    free(s->h);
    free(s->c);
    free(s);
}

static int cpu_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state, rb_status *st)
{
    rb_status why = {{0}};
    if (rb_options_check(&rb_backend_cpu_blas, opt, &why) != 0)
        return rb_fail(st, "%s", why.msg);
    cpu_state *s = calloc(1, sizeof *s);
    if (!s)
        return rb_fail(st, "out of memory");
    s->p = *p;
    s->w = w;
    s->G = rb_cell_gates(p->cell) * p->hidden;
    const char *mode = rb_opt_get(opt, "kernels");
    s->mode = mode && strcmp(mode, "openblas") == 0 ? KERNELS_OPENBLAS : KERNELS_TUNED;
    const char *isa_name = rb_opt_get(opt, "isa");
    rb_isa isa;
    s->k = isa_name && rb_isa_parse(isa_name, &isa) == 0 ? rb_cpu_kernels_for(isa) : rb_cpu_kernels_best();

    int budget = rb_cpu_thread_budget(), asked = 0;
    rb_cpu_threads_parse(rb_opt_get(opt, "threads"), &asked);
    double bytes = (double)s->G * p->hidden * sizeof(float);
    if (p->timesteps * p->batch == 1)
        bytes += (double)s->G * p->input * sizeof(float); /* T*B = 1: the input GEMV streams W in the same run */
    s->threads = asked ? asked : rb_cpu_threads_rule(bytes, RB_BLAS_BYTES_PER_THREAD, budget);
    s->thread_reason = asked ? "option" : "auto rule";

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
    char err[160];
    if (s->mode == KERNELS_TUNED && rb_cpu_pool_create(&s->pool, s->threads, RB_POOL_SPIN_AUTO, err, sizeof err)) {
        cpu_release(s);
        return rb_fail(st, "cpu-blas: %s", err);
    }
    *state = s;
    return 0;
}

static void fill_rows(float *dst, int ld, const float *row, size_t nrows, int len)
{
    for (size_t r = 0; r < nrows; r++)
        memcpy(dst + r * ld, row, (size_t)len * sizeof(float));
}

/* dst[b][r0 .. r0+n) += A[r0 .. r0+n) . src[b] for nb vectors: the projection kernel for M = nb. */
static void project(const cpu_state *s, int r0, int n, const float *A, int K, int nb, const float *src, float *dst)
{
    const int G = s->G;
    if (n <= 0)
        return;
    if (nb == 1)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, n, K, 1.0f, A + (size_t)r0 * K, K, src, 1, 1.0f, dst + r0, 1);
    else if (nb <= RB_MULTI_MAX)
        s->k->gemv_multi(n, K, A + (size_t)r0 * K, K, nb, src, K, dst + r0, G);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, n, K, 1.0f, src, K, A + (size_t)r0 * K, K, 1.0f,
                    dst + r0, G);
}

/* The whole inference on thread tid: every kernel split by gate rows (projections) or hidden units (element-wise),
 * a barrier after each. */
static void tuned_task(void *arg, int tid, int nthreads, rb_cpu_pool *pool)
{
    cpu_state *s = arg;
    const rb_problem *p = &s->p;
    const int B = p->batch, H = p->hidden, G = s->G;
    const size_t tb = (size_t)p->timesteps * B;
    int r0, r1, u0, u1;
    rb_cpu_share(G, 16, tid, nthreads, &r0, &r1);
    rb_cpu_share(H, 16, tid, nthreads, &u0, &u1);

    /* kernel 1: input projection of every step, xp = x W^T + bw */
    for (size_t r = 0; r < tb; r++)
        memcpy(s->xp + r * G + r0, s->w->bw + r0, (size_t)(r1 - r0) * sizeof(float));
    project(s, r0, r1 - r0, s->w->W, p->input, (int)tb, s->x, s->xp);
    for (int b = 0; b < B; b++) {
        memset(s->h + (size_t)b * H + u0, 0, (size_t)(u1 - u0) * sizeof(float));
        memset(s->c + (size_t)b * H + u0, 0, (size_t)(u1 - u0) * sizeof(float));
    }
    rb_cpu_pool_barrier(pool);
    for (int t = 0; t < p->timesteps; t++) {
        /* kernel 2: recurrent projection hp = h U^T + bu */
        for (int b = 0; b < B; b++)
            memcpy(s->hp + (size_t)b * G + r0, s->w->bu + r0, (size_t)(r1 - r0) * sizeof(float));
        project(s, r0, r1 - r0, s->w->U, H, B, s->h, s->hp);
        rb_cpu_pool_barrier(pool);
        /* kernels 3..: element-wise passes */
        const float *xpt = s->xp + (size_t)t * B * G;
        switch (p->cell) {
        case RB_CELL_LSTM: s->k->lstm(B, H, u0, u1, xpt, s->hp, s->tmp, s->h, s->c); break;
        case RB_CELL_GRU: s->k->gru(B, H, u0, u1, xpt, s->hp, s->tmp, s->h); break;
        case RB_CELL_VANILLA: s->k->vanilla(B, H, u0, u1, xpt, s->hp, s->h); break;
        }
        for (int b = 0; b < B; b++)
            memcpy(s->y + ((size_t)t * B + b) * H + u0, s->h + (size_t)b * H + u0, (size_t)(u1 - u0) * sizeof(float));
        rb_cpu_pool_barrier(pool);
    }
}

/* kernels=openblas: the plain version (OpenBLAS's threads inside each call, scalar element-wise passes). */
static void openblas_run(cpu_state *s, const float *x, float *y)
{
    const rb_problem *p = &s->p;
    const int B = p->batch, H = p->hidden, nin = p->input, G = s->G;
    const size_t tb = (size_t)p->timesteps * B;
    fill_rows(s->xp, G, s->w->bw, tb, G);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)tb, G, nin, 1.0f, x, nin, s->w->W, nin, 1.0f, s->xp, G);
    memset(s->h, 0, (size_t)B * H * sizeof(float));
    memset(s->c, 0, (size_t)B * H * sizeof(float));
    for (int t = 0; t < p->timesteps; t++) {
        fill_rows(s->hp, G, s->w->bu, (size_t)B, G);
        if (B == 1)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, G, H, 1.0f, s->w->U, H, s->h, 1, 1.0f, s->hp, 1);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, G, H, 1.0f, s->h, H, s->w->U, H, 1.0f, s->hp, G);
        const float *xpt = s->xp + (size_t)t * B * G;
        switch (p->cell) {
        case RB_CELL_LSTM: rb_cpu_lstm_pointwise(B, H, xpt, s->hp, s->tmp, s->h, s->c); break;
        case RB_CELL_GRU: rb_cpu_gru_pointwise(B, H, xpt, s->hp, s->tmp, s->h); break;
        case RB_CELL_VANILLA: rb_cpu_vanilla_pointwise(B, H, xpt, s->hp, s->h); break;
        }
        memcpy(y + (size_t)t * B * H, s->h, (size_t)B * H * sizeof(float));
    }
}

static int cpu_run(void *vs, const float *x, float *y, double *device_ms, rb_status *st)
{
    (void)device_ms;
    (void)st;
    cpu_state *s = vs;
    int saved = openblas_get_num_threads();
    openblas_set_num_threads(s->mode == KERNELS_TUNED ? 1 : s->threads);
    if (s->mode == KERNELS_TUNED) {
        s->x = x;
        s->y = y;
        rb_cpu_pool_run(s->pool, tuned_task, s);
    } else {
        openblas_run(s, x, y);
    }
    openblas_set_num_threads(saved);
    return 0;
}

static const char *kernel_name(const cpu_state *s, int nb)
{
    if (s->mode == KERNELS_OPENBLAS)
        return nb == 1 ? "sgemv" : "sgemm";
    return nb == 1 ? "sgemv" : nb <= RB_MULTI_MAX ? "gemv-multi" : "sgemm";
}

static int cpu_report(void *vs, const float *x, rb_metrics *m, rb_status *st)
{
    (void)st;
    cpu_state *s = vs;
    char model[96];
    rb_cpu_model(model, sizeof model);
    snprintf(m->device, sizeof m->device, "%s (OpenBLAS, %d thread%s)", model, s->threads, s->threads == 1 ? "" : "s");
    rb_metrics_extra(m, "threads", "%d", s->threads);
    rb_metrics_extra(m, "threads_from", "%s", s->thread_reason);
    rb_metrics_extra(m, "blas_threads", "%d", s->mode == KERNELS_TUNED ? 1 : s->threads);
    rb_metrics_extra(m, "kernels", "%s", s->mode == KERNELS_TUNED ? "tuned" : "openblas");
    if (s->mode == KERNELS_TUNED) {
        rb_metrics_extra(m, "isa", "%s", rb_isa_name(s->k->isa));
        rb_metrics_extra(m, "barrier_sleeps", "%ld", rb_cpu_pool_sleeps(s->pool));
    }
    rb_metrics_extra(m, "openblas_config", "%s", openblas_get_config());
    rb_metrics_extra(m, "input_kernel", "%s",
                     s->mode == KERNELS_OPENBLAS ? "sgemm" : kernel_name(s, s->p.timesteps * s->p.batch));
    rb_metrics_extra(m, "recurrent_kernel", "%s", kernel_name(s, s->p.batch));
    rb_cpu_energy_window(&rb_backend_cpu_blas, s, &s->p, x, m);
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
    .options = cpu_options,
    .check_options = cpu_check_options,
    .error_bound = NULL, /* fp32 throughout: RB_FP32_REL_ERR_BOUND */
};
