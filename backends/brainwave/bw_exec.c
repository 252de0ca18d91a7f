/* backends/brainwave/bw_exec.c — functional BFP/fp16 execution of LSTM, GRU and vanilla cells as the modeled
 * Brainwave NPU runs them (see bw_exec.h). The MFU op sequence follows the per-cell op lists counted in the
 * architecture file (mfu_ops_*). Per chunk of time steps: every input vector of the chunk (all requests) in BFP, then
 * W x for all of them, split over threads by rows; per step: each request's state in BFP, then U h and the cell
 * update, split over threads by hidden units (each unit's gate rows, then its MFU ops). */
#include "bw_exec.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bw_kernel.h"
#include "parallel.h"

#define R16(v) bw_fp16_round(v)
#define CHUNK_VECTORS 32  /* input vectors (steps x requests) whose W x is computed together */
#define ROWS_PER_TASK 64  /* W x: rows per claimed chunk of work */
#define UNITS_PER_TASK 16 /* a step: hidden units (G rows each) per claimed chunk of work */
#define STRIDE_ALIGN 64

static float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

static int stride_of(int block) { return (block + STRIDE_ALIGN - 1) / STRIDE_ALIGN * STRIDE_ALIGN; }

/* Quantises n floats into blocks of `block` values at q (stride bytes per block, zero padded); writes each block's
 * step exponent and (when sum is not NULL) the sum of its magnitudes-with-sign. */
static void quantize_blocks(const bw_bfp_format *f, const float *x, int n, int block, int stride, int8_t *q,
                            int16_t *exp, int32_t *sum)
{
    int16_t tmp[8192];
    int blocks = (n + block - 1) / block;
    for (int cb = 0; cb < blocks; cb++) {
        int c0 = cb * block;
        int len = n - c0 < block ? n - c0 : block;
        int8_t *qb = q + (size_t)cb * stride;
        exp[cb] = (int16_t)bw_bfp_quantize(f, x + c0, len, tmp);
        int32_t s = 0;
        for (int i = 0; i < len; i++) {
            qb[i] = (int8_t)tmp[i];
            s += tmp[i];
        }
        memset(qb + len, 0, (size_t)(stride - len));
        if (sum)
            sum[cb] = s;
    }
}

typedef struct matrix_ctx {
    bw_bfp_matrix *m;
    const bw_bfp_format *f;
    const float *a;
} matrix_ctx;

/* Quantises rows [r0, r1) of the matrix being made. */
static void matrix_task(void *arg, size_t r0, size_t r1)
{
    const matrix_ctx *k = arg;
    bw_bfp_matrix *m = k->m;
    size_t row_bytes = (size_t)m->col_blocks * m->stride;
    for (size_t r = r0; r < r1; r++)
        quantize_blocks(k->f, k->a + r * m->cols, m->cols, m->block, m->stride, m->q + r * row_bytes,
                        m->exp + r * m->col_blocks, NULL);
}

int bw_bfp_matrix_make(bw_bfp_matrix *m, const bw_bfp_format *f, const float *a, int rows, int cols, int block)
{
    memset(m, 0, sizeof *m);
    if (f->mag_bits > 7 || block > 8192 || block < 1 || rows < 1 || cols < 1)
        return -1;
    m->rows = rows;
    m->cols = cols;
    m->block = block;
    m->col_blocks = (cols + block - 1) / block;
    m->stride = stride_of(block);
    size_t row_bytes = (size_t)m->col_blocks * m->stride;
    m->q = malloc((size_t)rows * row_bytes);
    m->exp = malloc((size_t)rows * m->col_blocks * sizeof *m->exp);
    if (!m->q || !m->exp) {
        bw_bfp_matrix_free(m);
        return -1;
    }
    matrix_ctx k = {m, f, a};
    rb_par_for((size_t)rows, ROWS_PER_TASK, matrix_task, &k);
    return 0;
}

void bw_bfp_matrix_free(bw_bfp_matrix *m)
{
    free(m->q);
    free(m->exp);
    m->q = NULL;
    m->exp = NULL;
}

void bw_bfp_vector(const bw_bfp_format *f, const float *x, int n, int block, int8_t *q, int16_t *sx)
{
    quantize_blocks(f, x, n, block, block, q, sx, NULL);
}

static int vectors_alloc(bw_bfp_vectors *v, int n, int col_blocks, int stride)
{
    v->n = n;
    v->col_blocks = col_blocks;
    v->stride = stride;
    v->q = malloc((size_t)n * col_blocks * stride);
    v->exp = malloc((size_t)n * col_blocks * sizeof *v->exp);
    v->sum = malloc((size_t)n * col_blocks * sizeof *v->sum);
    return v->q && v->exp && v->sum ? 0 : -1;
}

static void vectors_free(bw_bfp_vectors *v)
{
    free(v->q);
    free(v->exp);
    free(v->sum);
    memset(v, 0, sizeof *v);
}

/* Quantises x (n floats) into vector slot i of v. */
static void vectors_set(bw_bfp_vectors *v, int i, const bw_bfp_format *f, const float *x, int n, int block)
{
    size_t cb = (size_t)i * v->col_blocks;
    quantize_blocks(f, x, n, block, v->stride, v->q + cb * v->stride, v->exp + cb, v->sum + cb);
}

void bw_bfp_matvec(const bw_bfp_matrix *m, const int8_t *qx, const int16_t *sx, float *y)
{
    bw_bfp_vectors v;
    if (vectors_alloc(&v, 1, m->col_blocks, m->stride) != 0) {
        vectors_free(&v);
        for (int r = 0; r < m->rows; r++)
            y[r] = NAN;
        return;
    }
    /* from the contiguous layout of bw_bfp_vector (block values per block) to the padded one */
    for (int cb = 0; cb < m->col_blocks; cb++) {
        int8_t *dst = v.q + (size_t)cb * m->stride;
        memcpy(dst, qx + (size_t)cb * m->block, (size_t)m->block);
        memset(dst + m->block, 0, (size_t)(m->stride - m->block));
        int32_t s = 0;
        for (int i = 0; i < m->block; i++)
            s += dst[i];
        v.sum[cb] = s;
        v.exp[cb] = sx[cb];
    }
    bw_kernel()(m, 0, m->rows, &v, y, 0);
    vectors_free(&v);
}

void bw_exec_free(bw_exec *ex)
{
    bw_bfp_matrix_free(&ex->W);
    bw_bfp_matrix_free(&ex->U);
    vectors_free(&ex->xv);
    vectors_free(&ex->hv);
    free(ex->b_sum);
    free(ex->bw);
    free(ex->bu);
    free(ex->wx);
    free(ex->uh);
    free(ex->h);
    free(ex->c);
    free(ex->tmp);
    memset(ex, 0, sizeof *ex);
}

int bw_exec_init(bw_exec *ex, const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block,
                 char *err, size_t errlen)
{
    memset(ex, 0, sizeof *ex);
    int G = rb_cell_gates(p->cell);
    int H = p->hidden, I = p->input, T = p->timesteps, B = p->batch;
    if (G <= 0 || H <= 0 || I <= 0 || T <= 0 || B <= 0 || block <= 0 || w->gates != G || w->hidden != H ||
        w->input != I) {
        snprintf(err, errlen, "weights do not match the problem (G %d/%d, H %d/%d, I %d/%d)", w->gates, G,
                 w->hidden, H, w->input, I);
        return -1;
    }
    if (fmt->mag_bits > 7 || block > 8192) {
        snprintf(err, errlen, "BFP emulation supports at most 7 magnitude bits and native_dim 8192 (got %d, %d)",
                 fmt->mag_bits, block);
        return -1;
    }
    ex->prob = *p;
    ex->fmt = *fmt;
    ex->block = block;
    size_t GH = (size_t)G * H;
    ex->chunk = B >= CHUNK_VECTORS ? 1 : CHUNK_VECTORS / B;
    if (ex->chunk > T)
        ex->chunk = T;
    size_t nvec = (size_t)ex->chunk * B;
    if (bw_bfp_matrix_make(&ex->W, fmt, w->W, (int)GH, I, block) != 0 ||
        bw_bfp_matrix_make(&ex->U, fmt, w->U, (int)GH, H, block) != 0 ||
        vectors_alloc(&ex->xv, (int)nvec, ex->W.col_blocks, ex->W.stride) != 0 ||
        vectors_alloc(&ex->hv, B, ex->U.col_blocks, ex->U.stride) != 0)
        goto oom;
    ex->b_sum = malloc(GH * sizeof(float));
    ex->bw = malloc(GH * sizeof(float));
    ex->bu = malloc(GH * sizeof(float));
    ex->wx = malloc(nvec * GH * sizeof(float));
    ex->uh = malloc((size_t)B * GH * sizeof(float));
    ex->h = malloc((size_t)B * H * sizeof(float));
    ex->c = malloc((size_t)B * H * sizeof(float));
    ex->tmp = malloc((size_t)(I > H ? I : H) * sizeof(float));
    if (!ex->b_sum || !ex->bw || !ex->bu || !ex->wx || !ex->uh || !ex->h || !ex->c || !ex->tmp)
        goto oom;
    for (size_t i = 0; i < GH; i++) {
        ex->bw[i] = R16(w->bw[i]);
        ex->bu[i] = R16(w->bu[i]);
        ex->b_sum[i] = R16(w->bw[i] + w->bu[i]);
    }
    return 0;
oom:
    bw_exec_free(ex);
    snprintf(err, errlen, "out of memory quantising weights (G*H = %zu, I = %d, T = %d)", GH, I, T);
    return -1;
}

/* ---- one chunk of W x: rows [r0, r1) for every input vector of the chunk, rounded to fp16 ---- */

typedef struct run_ctx {
    bw_exec *ex;
    bw_rows_fn kernel;
    size_t GH;
    int s;     /* step within the chunk */
    int t;     /* time step */
    float *y;
} run_ctx;

static void input_task(void *arg, size_t r0, size_t r1)
{
    run_ctx *k = arg;
    bw_exec *ex = k->ex;
    k->kernel(&ex->W, (int)r0, (int)r1, &ex->xv, ex->wx, k->GH);
    for (int v = 0; v < ex->xv.n; v++)
        for (size_t r = r0; r < r1; r++)
            ex->wx[(size_t)v * k->GH + r] = R16(ex->wx[(size_t)v * k->GH + r]);
}

/* ---- the MFU ops of one step for hidden units [j0, j1) of one request ---- */

static void step_lstm(const bw_exec *ex, const float *wx, const float *uh, float *h, float *c, int j0, int j1)
{
    const int H = ex->prob.hidden;
    const float *b = ex->b_sum;
    for (int j = j0; j < j1; j++) {
        float g4[4];
        for (int g = 0; g < 4; g++) { /* gates i, f, g, o: vv_add, vv_add bias, activation */
            int k = g * H + j;
            float pre = R16(R16(wx[k] + uh[k]) + b[k]);
            g4[g] = R16(g == 2 ? tanhf(pre) : sigmoidf(pre));
        }
        float cn = R16(R16(g4[1] * c[j]) + R16(g4[0] * g4[2]));
        c[j] = cn;
        h[j] = R16(g4[3] * R16(tanhf(cn)));
    }
}

static void step_gru(const bw_exec *ex, const float *wx, const float *uh, float *h, int j0, int j1)
{
    const int H = ex->prob.hidden;
    for (int j = j0; j < j1; j++) {
        int kr = j, kz = H + j, kn = 2 * H + j;
        float r = R16(sigmoidf(R16(R16(wx[kr] + uh[kr]) + ex->b_sum[kr])));
        float z = R16(sigmoidf(R16(R16(wx[kz] + uh[kz]) + ex->b_sum[kz])));
        float un = R16(uh[kn] + ex->bu[kn]);
        float n = R16(tanhf(R16(R16(R16(r * un) + wx[kn]) + ex->bw[kn])));
        h[j] = R16(n + R16(z * R16(h[j] - n))); /* unit j reads only its own h_{t-1}[j] */
    }
}

static void step_vanilla(const bw_exec *ex, const float *wx, const float *uh, float *h, int j0, int j1)
{
    for (int j = j0; j < j1; j++)
        h[j] = R16(tanhf(R16(R16(wx[j] + uh[j]) + ex->b_sum[j])));
}

/* U h_{t-1} for the gate rows of units [j0, j1) of every request (the states are already in BFP), rounded to fp16,
 * then those units' MFU ops; h_t goes to y. */
static void step_task(void *arg, size_t j0, size_t j1)
{
    run_ctx *k = arg;
    bw_exec *ex = k->ex;
    const int H = ex->prob.hidden, B = ex->prob.batch, G = rb_cell_gates(ex->prob.cell);
    for (int g = 0; g < G; g++) {
        int r0 = g * H + (int)j0, r1 = g * H + (int)j1;
        k->kernel(&ex->U, r0, r1, &ex->hv, ex->uh, k->GH);
        for (int b = 0; b < B; b++)
            for (int r = r0; r < r1; r++)
                ex->uh[(size_t)b * k->GH + r] = R16(ex->uh[(size_t)b * k->GH + r]);
    }
    for (int b = 0; b < B; b++) {
        const float *wx = ex->wx + ((size_t)k->s * B + b) * k->GH, *uh = ex->uh + (size_t)b * k->GH;
        float *h = ex->h + (size_t)b * H, *c = ex->c + (size_t)b * H;
        switch (ex->prob.cell) {
        case RB_CELL_LSTM: step_lstm(ex, wx, uh, h, c, (int)j0, (int)j1); break;
        case RB_CELL_GRU: step_gru(ex, wx, uh, h, (int)j0, (int)j1); break;
        case RB_CELL_VANILLA: step_vanilla(ex, wx, uh, h, (int)j0, (int)j1); break;
        }
        memcpy(k->y + ((size_t)k->t * B + b) * H + j0, h + j0, (j1 - j0) * sizeof(float));
    }
}

void bw_exec_run(bw_exec *ex, const float *x, float *y)
{
    const int H = ex->prob.hidden, I = ex->prob.input, B = ex->prob.batch, T = ex->prob.timesteps;
    run_ctx k = {.ex = ex, .kernel = bw_kernel(), .GH = (size_t)ex->U.rows, .y = y};
    memset(ex->h, 0, (size_t)B * H * sizeof(float));
    memset(ex->c, 0, (size_t)B * H * sizeof(float));
    for (int t0 = 0; t0 < T; t0 += ex->chunk) {
        int steps = T - t0 < ex->chunk ? T - t0 : ex->chunk;
        /* inputs arrive as fp16 vectors and are converted to BFP per native block */
        for (int s = 0; s < steps; s++)
            for (int b = 0; b < B; b++) {
                const float *xt = x + ((size_t)(t0 + s) * B + b) * I;
                for (int i = 0; i < I; i++)
                    ex->tmp[i] = R16(xt[i]);
                vectors_set(&ex->xv, s * B + b, &ex->fmt, ex->tmp, I, ex->block);
            }
        int nvec = ex->xv.n;
        ex->xv.n = steps * B;
        rb_par_for(k.GH, ROWS_PER_TASK, input_task, &k);
        ex->xv.n = nvec;
        for (int s = 0; s < steps; s++) {
            k.s = s;
            k.t = t0 + s;
            /* each request's fp16 state converted to BFP per native block */
            for (int b = 0; b < B; b++)
                vectors_set(&ex->hv, b, &ex->fmt, ex->h + (size_t)b * H, H, ex->block);
            rb_par_for((size_t)H, UNITS_PER_TASK, step_task, &k);
        }
    }
}
