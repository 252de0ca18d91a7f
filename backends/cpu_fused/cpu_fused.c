/* backends/cpu_fused/cpu_fused.c — the cpu-fused backend: one fused pass per time step. Each thread owns a range of
 * 16-unit blocks of hidden units; per step it computes all gate rows of its units from [x_t; h_{t-1}] in one pass
 * over its pre-packed weight rows (fused_pack.c), applies the activations and the cell update in registers
 * (fused_kernels_impl.h), and writes its slice of h_t; the threads meet once per step (cpu_pool.c's barrier).
 *
 * precision=fp32|bf16|int8 (weights packed once in prepare; bf16 via widening unless the CPU has AVX512-BF16; int8
 * with one scale per row of W and of U, activations quantised per step — x per vector with its own scale, h with
 * the fixed scale 1/127 since |h| < 1 for all three cells — and 32-bit integer accumulation).
 * input=auto|fused|pre: fused computes W x_t in the step's pass; pre computes W x for every step up front with the
 * same kernels (W then streams once per run instead of once per step) and the step's pass covers U only; auto picks
 * pre when T*B > 1. isa=auto|portable|avx2|avx512|avx512-vnni|avx512-bf16 selects the kernels (auto: the best for
 * the precision). threads=auto|N (auto: one thread per RB_FUSED_BYTES_PER_THREAD of weights streamed per step).
 * Energy from RAPL (cpu_energy.c, shared with cpu-blas). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "cpu_energy.h"
#include "cpu_pool.h"
#include "cpu_threads.h"
#include "fused_kernels.h"
#include "fused_pack.h"

extern const rb_backend rb_backend_cpu_fused;

/* Error bounds (max |y - ref| / max |ref|), see README.md for how they were set. */
#define RB_FUSED_BF16_BOUND 2e-2
#define RB_FUSED_INT8_BOUND 6e-2

typedef struct fused_state {
    rb_problem p;
    rb_fused_pack pk;
    const rb_fused_kernels *k;
    int threads, pre, nbm;
    const char *thread_reason;
    rb_cpu_pool *pool;
    int TB;
    /* activations: x padded to Ip per vector in the kernels' format; h double-buffered [2][B][Hp] */
    float *xz;      /* fp32 / bf16 widening: [TB][Ip] */
    uint16_t *xb;   /* bf16 native: [TB][Ip] */
    uint8_t *xq;    /* int8: [TB][Ip] */
    float *xs;      /* int8: [TB] scale of each x vector */
    float *hf;      /* [2][B][Hp] fp32 h (always: the cell update reads h_{t-1} in fp32) */
    uint16_t *hb;   /* bf16 native: [2][B][Hp] */
    uint8_t *hq;    /* int8: [2][B][Hp] */
    float *c;       /* LSTM: [B][Hp] */
    float *xp;      /* input=pre: [nblk][TB][G][16] W x + bw */
    float *scratch; /* per thread: px, ph [B][G][16] floats, then int32 [B][G][16] */
    size_t scratch_stride;
    const float *x;
    float *y;
} fused_state;

static const rb_option_spec fused_options[] = {
    {"precision", RB_OPT_ENUM, "fp32|bf16|int8", "fp32", "weight precision (int8: per-row scales, int32 accumulation)"},
    {"threads", RB_OPT_TEXT, "auto|1..256", "auto",
     "threads; auto: one per 128 MiB of weights streamed per step (measured), at most the rank's share of cores"},
    {"input", RB_OPT_ENUM, "auto|fused|pre", "auto",
     "fused: W x_t inside each step's pass; pre: W x of all steps first; auto: pre when T*B > 1"},
    {"isa", RB_OPT_ENUM, "auto|portable|avx2|avx512|avx512-vnni|avx512-bf16", "auto", "kernels' instruction set"},
    {NULL, 0, NULL, NULL, NULL},
};

static rb_fused_precision opt_precision(const rb_options *opt)
{
    const char *v = rb_opt_get(opt, "precision");
    return v && strcmp(v, "bf16") == 0 ? RB_PREC_BF16 : v && strcmp(v, "int8") == 0 ? RB_PREC_INT8 : RB_PREC_FP32;
}

static int fused_check_options(const rb_options *opt, rb_status *why)
{
    if (rb_cpu_threads_check(rb_opt_get(opt, "threads"), why) != 0)
        return -1;
    const char *v = rb_opt_get(opt, "isa");
    rb_isa isa;
    if (v && strcmp(v, "auto") != 0 && (rb_isa_parse(v, &isa) != 0 || !rb_isa_supported(isa)))
        return rb_fail(why, "isa=%s: this CPU cannot run it", v);
    return 0;
}

static double fused_error_bound(const rb_problem *p, const rb_options *opt)
{
    (void)p;
    switch (opt_precision(opt)) {
    case RB_PREC_BF16: return RB_FUSED_BF16_BOUND;
    case RB_PREC_INT8: return RB_FUSED_INT8_BOUND;
    case RB_PREC_FP32: break;
    }
    return RB_FP32_REL_ERR_BOUND;
}

static int fused_probe(rb_status *why)
{
    (void)why;
    return 0; /* the portable kernels run anywhere */
}

static void fused_release(void *vs)
{
    fused_state *s = vs;
    if (!s)
        return;
    rb_cpu_pool_destroy(s->pool);
    rb_fused_pack_free(&s->pk);
    free(s->xz);
    free(s->xb);
    free(s->xq);
    free(s->xs);
    free(s->hf);
    free(s->hb);
    free(s->hq);
    free(s->c);
    free(s->xp);
    free(s->scratch);
    free(s);
}

static void *alloc64(size_t bytes)
{
    bytes = (bytes + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

static int fused_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state, rb_status *st)
{
    rb_status why = {{0}};
    if (rb_options_check(&rb_backend_cpu_fused, opt, &why) != 0)
        return rb_fail(st, "%s", why.msg);
    fused_state *s = calloc(1, sizeof *s);
    if (!s)
        return rb_fail(st, "out of memory");
    s->p = *p;
    s->TB = p->timesteps * p->batch;
    rb_fused_precision prec = opt_precision(opt);
    const char *isa_name = rb_opt_get(opt, "isa");
    rb_isa isa;
    if (!isa_name || strcmp(isa_name, "auto") == 0 || rb_isa_parse(isa_name, &isa) != 0)
        isa = rb_fused_best_isa((int)prec);
    s->k = rb_fused_kernels_for(isa);
    const char *input = rb_opt_get(opt, "input");
    s->pre = input && strcmp(input, "fused") == 0 ? 0 : input && strcmp(input, "pre") == 0 ? 1 : s->TB > 1;
    if (!s->k || rb_fused_pack_make(&s->pk, p, w, prec) != 0) {
        fused_release(s);
        return rb_fail(st, s->k ? "out of memory packing the weights" : "isa not supported here");
    }
    const rb_fused_pack *pk = &s->pk;
    const int B = p->batch, G = pk->G;
    s->nbm = s->k->nb_max(G);

    int budget = rb_cpu_thread_budget(), asked = 0;
    rb_cpu_threads_parse(rb_opt_get(opt, "threads"), &asked);
    double bytes = (double)rb_fused_pack_bytes_u(pk) + (s->pre ? 0.0 : (double)rb_fused_pack_bytes_w(pk));
    s->threads = asked ? asked : rb_cpu_threads_rule(bytes, RB_FUSED_BYTES_PER_THREAD, budget);
    s->thread_reason = asked ? "option" : "auto rule";
    if (s->threads > pk->nblk)
        s->threads = pk->nblk; /* a thread needs at least one block of 16 units */

    size_t tbi = (size_t)s->TB * pk->Ip, bh = (size_t)B * pk->Hp, blk = (size_t)G * RB_FUSED_UNITS;
    int ok = 1;
    if (prec == RB_PREC_INT8) {
        ok &= (s->xq = alloc64(tbi)) && (s->xs = alloc64((size_t)s->TB * sizeof(float))) && (s->hq = alloc64(2 * bh));
    } else if (prec == RB_PREC_BF16 && s->k->bf16_native) {
        ok &= (s->xb = alloc64(tbi * 2)) && (s->hb = alloc64(2 * bh * 2));
    } else {
        ok &= (s->xz = alloc64(tbi * sizeof(float))) != NULL;
    }
    ok &= (s->hf = alloc64(2 * bh * sizeof(float))) && (s->c = alloc64(bh * sizeof(float)));
    if (s->pre)
        ok &= (s->xp = alloc64((size_t)pk->nblk * s->TB * blk * sizeof(float))) != NULL;
    /* px, ph [B][G][16] and int32 acc [max(B, nbm)][G][16] (the pre-projection takes nbm vectors per call) */
    size_t nacc = (size_t)(B > s->nbm ? B : s->nbm);
    s->scratch_stride = (((size_t)2 * B + nacc) * blk * sizeof(float) + 63) / 64 * 64;
    ok &= (s->scratch = alloc64(s->scratch_stride * s->threads)) != NULL;
    char err[160];
    if (!ok || rb_cpu_pool_create(&s->pool, s->threads, RB_POOL_SPIN_AUTO, err, sizeof err) != 0) {
        fused_release(s);
        return rb_fail(st, ok ? "cpu-fused: %s" : "out of memory%s", ok ? err : "");
    }
    *state = s;
    return 0;
}

/* Converts x vectors [v0, v1) to the kernels' activation format, padded to Ip. */
static void convert_x(fused_state *s, int v0, int v1)
{
    const rb_fused_pack *pk = &s->pk;
    const int I = pk->I, Ip = pk->Ip;
    for (int v = v0; v < v1; v++) {
        const float *src = s->x + (size_t)v * I;
        if (s->xq) {
            s->xs[v] = s->k->quant_x(src, I, Ip, s->xq + (size_t)v * Ip);
        } else if (s->xb) {
            uint16_t *d = s->xb + (size_t)v * Ip;
            for (int k = 0; k < I; k++)
                d[k] = rb_bf16_round(src[k]);
            memset(d + I, 0, (size_t)(Ip - I) * 2);
        } else {
            float *d = s->xz + (size_t)v * Ip;
            memcpy(d, src, (size_t)I * sizeof(float));
            memset(d + I, 0, (size_t)(Ip - I) * sizeof(float));
        }
    }
}

/* acc[b][g][u] = bias[g][u] for nb vectors */
static void fill_bias(float *acc, const float *bias, int nb, size_t blk)
{
    for (int b = 0; b < nb; b++)
        memcpy(acc + (size_t)b * blk, bias, blk * sizeof(float));
}

/* One segment's dot products for block j, vectors [v0, v0 + nb) of z, into the float accumulators acc (which
 * already hold the bias). seg 0: x side (W, k < Ip), 1: h side (U, k < Hp). */
static void segment_dot(fused_state *s, int seg, int j, const void *z, size_t zs, const float *ascale,
                        size_t ascale_stride, int nb, float *acc, int32_t *iacc)
{
    const rb_fused_pack *pk = &s->pk;
    const int G = pk->G, K = seg ? pk->Hp : pk->Ip;
    const size_t blk = (size_t)G * RB_FUSED_UNITS;
    const char *w = (const char *)(seg ? pk->wh : pk->wx) + (size_t)j * (seg ? pk->bh_stride : pk->bx_stride);
    switch (pk->prec) {
    case RB_PREC_FP32: s->k->dot_f32((const float *)w, G, 0, K, z, zs, nb, acc); break;
    case RB_PREC_BF16:
        s->k->dot_bf16((const uint32_t *)w, G, 0, K, s->k->bf16_native ? NULL : z,
                       s->k->bf16_native ? z : NULL, zs, nb, acc);
        break;
    case RB_PREC_INT8: {
        memset(iacc, 0, (size_t)nb * blk * sizeof(int32_t));
        s->k->dot_i8((const int8_t *)w, G, 0, K, z, zs, nb, iacc);
        const size_t r0 = (size_t)j * blk;
        s->k->dequant_add(acc, iacc, (seg ? pk->sh : pk->sx) + r0, (seg ? pk->ch : pk->cx) + r0, s->k->i8_offset,
                          ascale, ascale_stride, nb, (int)blk);
        break;
    }
    }
}

/* The x-side activations of vector v in the kernels' format, and their scale (int8). */
static const void *x_act(const fused_state *s, size_t v)
{
    const size_t Ip = (size_t)s->pk.Ip;
    return s->xq ? (const void *)(s->xq + v * Ip) : s->xb ? (const void *)(s->xb + v * Ip) : (const void *)(s->xz + v * Ip);
}

static const void *h_act(const fused_state *s, int buf, int b)
{
    const size_t o = ((size_t)buf * s->p.batch + b) * s->pk.Hp;
    return s->hq ? (const void *)(s->hq + o) : s->hb ? (const void *)(s->hb + o) : (const void *)(s->hf + o);
}

static void fused_task(void *arg, int tid, int nthreads, rb_cpu_pool *pool)
{
    fused_state *s = arg;
    const rb_fused_pack *pk = &s->pk;
    const int B = s->p.batch, H = pk->H, Hp = pk->Hp, G = pk->G, TB = s->TB;
    const size_t blk = (size_t)G * RB_FUSED_UNITS;
    float *px = (float *)((char *)s->scratch + (size_t)tid * s->scratch_stride);
    float *ph = px + (size_t)B * blk;
    int32_t *iacc = (int32_t *)(ph + (size_t)B * blk);
    const float h_scale = 1.0f / 127.0f;
    int v0, v1, j0, j1;
    rb_cpu_share(TB, 1, tid, nthreads, &v0, &v1);
    rb_cpu_share(pk->nblk, 1, tid, nthreads, &j0, &j1);

    convert_x(s, v0, v1);
    rb_cpu_pool_barrier(pool);
    if (s->pre) /* W x + bw of every step for my blocks (only I read them back) */
        for (int j = j0; j < j1; j++)
            for (int v = 0; v < TB; v += s->nbm) {
                int nb = TB - v < s->nbm ? TB - v : s->nbm;
                float *acc = s->xp + ((size_t)j * TB + v) * blk;
                fill_bias(acc, pk->bx + (size_t)j * blk, nb, blk);
                segment_dot(s, 0, j, x_act(s, (size_t)v), (size_t)pk->Ip, s->xs ? s->xs + v : NULL, 1, nb, acc, iacc);
            }
    for (int b = 0; b < B; b++) { /* h_0 = c_0 = 0 for my units */
        size_t o = (size_t)b * Hp + (size_t)j0 * RB_FUSED_UNITS, n = (size_t)(j1 - j0) * RB_FUSED_UNITS;
        memset(s->hf + o, 0, n * sizeof(float));
        memset(s->c + o, 0, n * sizeof(float));
        if (s->hq)
            memset(s->hq + o, 128, n);
        if (s->hb)
            memset(s->hb + o, 0, n * 2);
    }
    rb_cpu_pool_barrier(pool);

    for (int t = 0; t < s->p.timesteps; t++) {
        const int cur = t & 1, nxt = cur ^ 1;
        for (int j = j0; j < j1; j++)
            for (int b0 = 0; b0 < B; b0 += s->nbm) {
                const int nb = B - b0 < s->nbm ? B - b0 : s->nbm;
                const size_t v = (size_t)t * B + b0;
                const float *pxs;
                if (s->pre) {
                    pxs = s->xp + ((size_t)j * TB + v) * blk;
                } else {
                    fill_bias(px, pk->bx + (size_t)j * blk, nb, blk);
                    segment_dot(s, 0, j, x_act(s, v), (size_t)pk->Ip, s->xs ? s->xs + v : NULL, 1, nb, px, iacc);
                    pxs = px;
                }
                fill_bias(ph, pk->bh + (size_t)j * blk, nb, blk);
                segment_dot(s, 1, j, h_act(s, cur, b0), (size_t)Hp, &h_scale, 0, nb, ph, iacc);
                const size_t u0 = (size_t)j * RB_FUSED_UNITS;
                float *hout = s->hf + ((size_t)nxt * B + b0) * Hp + u0;
                s->k->cell(s->p.cell, nb, pxs, ph, s->c + (size_t)b0 * Hp + u0, (size_t)Hp,
                           s->hf + ((size_t)cur * B + b0) * Hp + u0, hout, (size_t)Hp);
                const int nu = H - (int)u0 < RB_FUSED_UNITS ? H - (int)u0 : RB_FUSED_UNITS;
                for (int b = 0; b < nb; b++) {
                    const float *hb = hout + (size_t)b * Hp;
                    memcpy(s->y + (v + b) * H + u0, hb, (size_t)nu * sizeof(float));
                    size_t o = ((size_t)nxt * B + b0 + b) * Hp + u0;
                    if (s->hq)
                        s->k->quant_h(hb, s->hq + o, RB_FUSED_UNITS);
                    if (s->hb)
                        s->k->round_bf16(hb, s->hb + o, RB_FUSED_UNITS);
                }
            }
        rb_cpu_pool_barrier(pool);
    }
}

static int fused_run(void *vs, const float *x, float *y, double *device_ms, rb_status *st)
{
    (void)device_ms;
    (void)st;
    fused_state *s = vs;
    s->x = x;
    s->y = y;
    rb_cpu_pool_run(s->pool, fused_task, s);
    return 0;
}

static const char *prec_name(rb_fused_precision p)
{
    return p == RB_PREC_BF16 ? "bf16" : p == RB_PREC_INT8 ? "int8" : "fp32";
}

static int fused_report(void *vs, const float *x, rb_metrics *m, rb_status *st)
{
    (void)st;
    fused_state *s = vs;
    char model[96];
    rb_cpu_model(model, sizeof model);
    snprintf(m->device, sizeof m->device, "%s (cpu-fused %s, %d thread%s)", model, prec_name(s->pk.prec), s->threads,
             s->threads == 1 ? "" : "s");
    rb_metrics_extra(m, "precision", "%s", prec_name(s->pk.prec));
    rb_metrics_extra(m, "isa", "%s", rb_isa_name(s->k->isa));
    rb_metrics_extra(m, "threads", "%d", s->threads);
    rb_metrics_extra(m, "threads_from", "%s", s->thread_reason);
    rb_metrics_extra(m, "input", "%s", s->pre ? "pre" : "fused");
    rb_metrics_extra(m, "weight_bytes_per_step", "%zu",
                     rb_fused_pack_bytes_u(&s->pk) + (s->pre ? 0 : rb_fused_pack_bytes_w(&s->pk)));
    rb_metrics_extra(m, "barrier_sleeps", "%ld", rb_cpu_pool_sleeps(s->pool));
    rb_cpu_energy_window(&rb_backend_cpu_fused, s, &s->p, x, m);
    return 0;
}

const rb_backend rb_backend_cpu_fused = {
    .name = "cpu-fused",
    .summary = "CPU, one fused pass per step (threads own hidden units; fp32|bf16|int8 packed weights)",
    .kind = RB_MEASURED,
    .probe = fused_probe,
    .prepare = fused_prepare,
    .run = fused_run,
    .report = fused_report,
    .release = fused_release,
    .config = NULL,
    .options = fused_options,
    .check_options = fused_check_options,
    .error_bound = fused_error_bound,
};
