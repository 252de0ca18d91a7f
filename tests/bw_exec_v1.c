/* tests/bw1_exec_v1.c — the Brainwave BFP executor as it was before the batched, threaded, vectorised one
 * (backends/brainwave/bw1_exec.c up to commit 7a9737a), kept verbatim but renamed (bw1_*): test_brainwave_fast
 * checks that the current executor gives the same bits. */
#include "bw_bfp.h"
#include "problem.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bw1_matrix {
    int rows, cols, block, col_blocks;
    int8_t *q;    /* [rows][col_blocks * block] */
    int16_t *exp; /* [rows][col_blocks]: step exponents */
} bw1_matrix;

typedef struct bw1_exec {
    rb_problem prob;
    bw_bfp_format fmt;
    int block;              /* native dimension */
    bw1_matrix W, U;     /* gate-stacked [G*H][I] and [G*H][H] */
    float *b_sum;           /* fp16(bw + bu), [G*H] (LSTM, vanilla, GRU r and z) */
    float *bw, *bu;         /* fp16 copies, [G*H] (GRU n gate keeps them apart: linear before reset) */
    /* scratch */
    int8_t *qvec;           /* [max(padded I, padded H)] */
    int16_t *qexp;
    int8_t *qx_all;         /* [T][padded I]: every input vector of one sequence in BFP */
    int16_t *sx_all;        /* [T][I blocks] */
    float *wx_all;          /* [T][G*H]: W x_t for the whole sequence (independent of h) */
    float *xin, *uh, *h, *c, *tmp;
} bw1_exec;

#define R16(v) bw_fp16_round(v)
#define T_CHUNK 32 /* input vectors per cache block of the W x precomputation */

static void bw1_matrix_free(bw1_matrix *m);
static float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

/* Quantises one block of len values (len <= block) into int8 magnitudes; returns the step exponent. */
static int quantize_block8(const bw_bfp_format *f, const float *x, int len, int8_t *q)
{
    int16_t tmp[8192];
    int s = bw_bfp_quantize(f, x, len, tmp);
    for (int i = 0; i < len; i++)
        q[i] = (int8_t)tmp[i];
    return s;
}

static int bw1_matrix_make(bw1_matrix *m, const bw_bfp_format *f, const float *a, int rows, int cols, int block)
{
    memset(m, 0, sizeof *m);
    if (f->mag_bits > 7 || block > 8192)
        return -1;
    m->rows = rows;
    m->cols = cols;
    m->block = block;
    m->col_blocks = (cols + block - 1) / block;
    size_t padded = (size_t)m->col_blocks * block;
    m->q = calloc((size_t)rows * padded, sizeof *m->q);
    m->exp = calloc((size_t)rows * m->col_blocks, sizeof *m->exp);
    if (!m->q || !m->exp) {
        bw1_matrix_free(m);
        return -1;
    }
    for (int r = 0; r < rows; r++)
        for (int cb = 0; cb < m->col_blocks; cb++) {
            int c0 = cb * block;
            int len = cols - c0 < block ? cols - c0 : block;
            m->exp[(size_t)r * m->col_blocks + cb] =
                (int16_t)quantize_block8(f, a + (size_t)r * cols + c0, len, m->q + (size_t)r * padded + c0);
        }
    return 0;
}

static void bw1_matrix_free(bw1_matrix *m)
{
    free(m->q);
    free(m->exp);
    m->q = NULL;
    m->exp = NULL;
}

static void bw1_vector(const bw_bfp_format *f, const float *x, int n, int block, int8_t *q, int16_t *sx)
{
    int blocks = (n + block - 1) / block;
    for (int cb = 0; cb < blocks; cb++) {
        int c0 = cb * block;
        int len = n - c0 < block ? n - c0 : block;
        sx[cb] = (int16_t)quantize_block8(f, x + c0, len, q + c0);
        for (int i = len; i < block; i++)
            q[c0 + i] = 0; /* padding of the last native block */
    }
}

static int32_t block_dot(const int8_t *restrict a, const int8_t *restrict b, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += (int32_t)a[i] * (int32_t)b[i];
    return s;
}

/* One output row: blocks' exact integer dot products scaled by 2^(s_w + s_x), accumulated in fp32.
 * Cloned for AVX2 where the CPU has it (GCC function multiversioning; the result is bit-identical). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static float row_dot(const bw1_matrix *m, int r, const int8_t *qx, const int16_t *sx)
{
    size_t padded = (size_t)m->col_blocks * m->block;
    const int8_t *row = m->q + (size_t)r * padded;
    const int16_t *ex = m->exp + (size_t)r * m->col_blocks;
    float acc = 0.0f;
    for (int cb = 0; cb < m->col_blocks; cb++) {
        int32_t d = block_dot(row + (size_t)cb * m->block, qx + (size_t)cb * m->block, m->block);
        acc += ldexpf((float)d, ex[cb] + sx[cb]);
    }
    return acc;
}

static void bw1_matvec(const bw1_matrix *m, const int8_t *qx, const int16_t *sx, float *y)
{
    for (int r = 0; r < m->rows; r++)
        y[r] = row_dot(m, r, qx, sx);
}

static void bw1_exec_free(bw1_exec *ex)
{
    bw1_matrix_free(&ex->W);
    bw1_matrix_free(&ex->U);
    free(ex->b_sum);
    free(ex->bw);
    free(ex->bu);
    free(ex->qvec);
    free(ex->qexp);
    free(ex->qx_all);
    free(ex->sx_all);
    free(ex->wx_all);
    free(ex->xin);
    free(ex->uh);
    free(ex->h);
    free(ex->c);
    free(ex->tmp);
    memset(ex, 0, sizeof *ex);
}

static int bw1_exec_init(bw1_exec *ex, const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block,
                 char *err, size_t errlen)
{
    memset(ex, 0, sizeof *ex);
    int G = rb_cell_gates(p->cell);
    int H = p->hidden, I = p->input, T = p->timesteps;
    if (G <= 0 || H <= 0 || I <= 0 || T <= 0 || block <= 0 || w->gates != G || w->hidden != H ||
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
    int maxdim = H > I ? H : I;
    size_t padded = ((size_t)(maxdim + block - 1) / block) * block;
    size_t in_blocks = ((size_t)I + block - 1) / block;
    if (bw1_matrix_make(&ex->W, fmt, w->W, (int)GH, I, block) != 0 ||
        bw1_matrix_make(&ex->U, fmt, w->U, (int)GH, H, block) != 0)
        goto oom;
    ex->b_sum = malloc(GH * sizeof(float));
    ex->bw = malloc(GH * sizeof(float));
    ex->bu = malloc(GH * sizeof(float));
    ex->qvec = malloc(padded * sizeof *ex->qvec);
    ex->qexp = malloc((padded / block) * sizeof *ex->qexp);
    ex->qx_all = malloc((size_t)T * in_blocks * block * sizeof *ex->qx_all);
    ex->sx_all = malloc((size_t)T * in_blocks * sizeof *ex->sx_all);
    ex->wx_all = malloc((size_t)T * GH * sizeof(float));
    ex->xin = malloc((size_t)I * sizeof(float));
    ex->uh = malloc(GH * sizeof(float));
    ex->h = malloc((size_t)H * sizeof(float));
    ex->c = malloc((size_t)H * sizeof(float));
    ex->tmp = malloc((size_t)H * sizeof(float));
    if (!ex->b_sum || !ex->bw || !ex->bu || !ex->qvec || !ex->qexp || !ex->qx_all || !ex->sx_all ||
        !ex->wx_all || !ex->xin || !ex->uh || !ex->h || !ex->c || !ex->tmp)
        goto oom;
    for (size_t i = 0; i < GH; i++) {
        ex->bw[i] = R16(w->bw[i]);
        ex->bu[i] = R16(w->bu[i]);
        ex->b_sum[i] = R16(w->bw[i] + w->bu[i]);
    }
    return 0;
oom:
    bw1_exec_free(ex);
    snprintf(err, errlen, "out of memory quantising weights (G*H = %zu, I = %d, T = %d)", GH, I, T);
    return -1;
}

/* W x_t for every step of batch entry b: inputs arrive as fp16 vectors, are converted to BFP per native
 * block, and multiply the BFP weights; results rounded to fp16. Blocked over T_CHUNK steps so a weight row
 * is reused from cache. */
static void input_projection(bw1_exec *ex, const float *x, int b)
{
    const int I = ex->prob.input, B = ex->prob.batch, T = ex->prob.timesteps;
    const size_t stride = (size_t)ex->W.col_blocks * ex->block;
    for (int t = 0; t < T; t++) {
        const float *xt = x + ((size_t)t * B + b) * I;
        for (int i = 0; i < I; i++)
            ex->xin[i] = R16(xt[i]);
        bw1_vector(&ex->fmt, ex->xin, I, ex->block, ex->qx_all + t * stride,
                      ex->sx_all + (size_t)t * ex->W.col_blocks);
    }
    const int rows = ex->W.rows;
    for (int t0 = 0; t0 < T; t0 += T_CHUNK) {
        int t1 = t0 + T_CHUNK < T ? t0 + T_CHUNK : T;
        for (int r = 0; r < rows; r++)
            for (int t = t0; t < t1; t++)
                ex->wx_all[(size_t)t * rows + r] = R16(
                    row_dot(&ex->W, r, ex->qx_all + t * stride, ex->sx_all + (size_t)t * ex->W.col_blocks));
    }
}

static void step_lstm(bw1_exec *ex, const float *wx)
{
    const int H = ex->prob.hidden;
    const float *uh = ex->uh, *b = ex->b_sum;
    for (int j = 0; j < H; j++) {
        float g4[4];
        for (int g = 0; g < 4; g++) { /* gates i, f, g, o: vv_add, vv_add bias, activation */
            int k = g * H + j;
            float pre = R16(R16(wx[k] + uh[k]) + b[k]);
            g4[g] = R16(g == 2 ? tanhf(pre) : sigmoidf(pre));
        }
        float c = R16(R16(g4[1] * ex->c[j]) + R16(g4[0] * g4[2]));
        ex->c[j] = c;
        ex->h[j] = R16(g4[3] * R16(tanhf(c)));
    }
}

static void step_gru(bw1_exec *ex, const float *wx)
{
    const int H = ex->prob.hidden;
    const float *uh = ex->uh;
    for (int j = 0; j < H; j++) {
        int kr = j, kz = H + j, kn = 2 * H + j;
        float r = R16(sigmoidf(R16(R16(wx[kr] + uh[kr]) + ex->b_sum[kr])));
        float z = R16(sigmoidf(R16(R16(wx[kz] + uh[kz]) + ex->b_sum[kz])));
        float un = R16(uh[kn] + ex->bu[kn]);
        float n = R16(tanhf(R16(R16(R16(r * un) + wx[kn]) + ex->bw[kn])));
        ex->tmp[j] = R16(n + R16(z * R16(ex->h[j] - n)));
    }
    memcpy(ex->h, ex->tmp, (size_t)H * sizeof(float));
}

static void step_vanilla(bw1_exec *ex, const float *wx)
{
    const int H = ex->prob.hidden;
    for (int j = 0; j < H; j++)
        ex->h[j] = R16(tanhf(R16(R16(wx[j] + ex->uh[j]) + ex->b_sum[j])));
}

static void bw1_exec_run(bw1_exec *ex, const float *x, float *y)
{
    const int H = ex->prob.hidden, B = ex->prob.batch, T = ex->prob.timesteps;
    const size_t GH = (size_t)ex->U.rows;
    for (int b = 0; b < B; b++) { /* one request after another */
        input_projection(ex, x, b);
        memset(ex->h, 0, (size_t)H * sizeof(float));
        memset(ex->c, 0, (size_t)H * sizeof(float));
        for (int t = 0; t < T; t++) {
            const float *wx = ex->wx_all + (size_t)t * GH;
            /* U h_{t-1}: the fp16 state converted to BFP per native block, result rounded to fp16 */
            bw1_vector(&ex->fmt, ex->h, H, ex->block, ex->qvec, ex->qexp);
            bw1_matvec(&ex->U, ex->qvec, ex->qexp, ex->uh);
            for (size_t r = 0; r < GH; r++)
                ex->uh[r] = R16(ex->uh[r]);
            switch (ex->prob.cell) {
            case RB_CELL_LSTM: step_lstm(ex, wx); break;
            case RB_CELL_GRU: step_gru(ex, wx); break;
            case RB_CELL_VANILLA: step_vanilla(ex, wx); break;
            }
            memcpy(y + ((size_t)t * B + b) * H, ex->h, (size_t)H * sizeof(float));
        }
    }
}

/* The whole old executor in one call: 0, or -1 when init failed. */
int bw1_forward(const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block, const float *x,
                float *y);
int bw1_forward(const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block, const float *x,
                float *y)
{
    bw1_exec ex;
    char err[256];
    if (bw1_exec_init(&ex, p, w, fmt, block, err, sizeof err) != 0)
        return -1;
    bw1_exec_run(&ex, x, y);
    bw1_exec_free(&ex);
    return 0;
}
