/* backends/spatial/spatial_fp8.c — the paper's mixed-precision functional execution (see spatial_fp8.h): the
 * quantisation of the weights into bf16-coded blocks of 16 rows, the operand packing, the order of the passes over
 * the weights (the x part of a chunk of steps ahead, then per step the h part for every request of the batch, row
 * blocks split over the thread pool) and the element-wise tail. The dot products run in spatial_fp8_kernel.c. */
#include "spatial_fp8.h"
#include "spatial_fp8_kernel.h"
#include "parallel.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VEC 64   /* elements per PCU vector: 16 lanes x 4 8-bit values (§4.1) */
#define LANES 16
#define TARGET_EXP 7 /* tensors are scaled so that their largest magnitude is at most 2^7 */

const sp_fp8_fmt SP_FP8_E4M3 = { "e4m3", 3, -6, 448.0, 0 };
const sp_fp8_fmt SP_FP8_E5M2 = { "e5m2", 2, -14, 57344.0, 0 };

/* Round |x| to a grid with `mbits` mantissa bits and smallest normal exponent `emin` (ties to even), saturate at
 * maxv, keep the sign. Adding and subtracting c = 1.5 x 2^(e - mbits + 23) makes the fp32 adder round at the
 * grid's unit in the last place; exact for |x| < 2^100. */
static inline float round_grid(float x, int mbits, int emin, float maxv)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    uint32_t sign = u & 0x80000000u, ax = u & 0x7fffffffu;
    int32_t e = (int32_t)(ax >> 23) - 127;
    e = e < emin ? emin : e;
    e = e > 100 ? 100 : e;
    uint32_t cb = ((uint32_t)(e - mbits + 23 + 127) << 23) | 0x400000u;
    float c, a;
    memcpy(&c, &cb, sizeof c);
    memcpy(&a, &ax, sizeof a);
    float r = (a + c) - c;
    r = r > maxv ? maxv : r;
    memcpy(&u, &r, sizeof u);
    u |= sign;
    memcpy(&r, &u, sizeof r);
    return r;
}

static inline float r16(float x) { return round_grid(x, 10, -14, 65504.0f); }

float sp_f16_round(float v) { return r16(v); }

float sp_fp8_round(float v, const sp_fp8_fmt *f) { return round_grid(v, f->mbits, f->emin, (float)f->max); }

static inline float r8(float v, const sp_fp8_fmt *f) { return round_grid(v, f->mbits, f->emin, (float)f->max); }

/* Power-of-two scale exponent k: maxabs * 2^k <= 2^TARGET_EXP. */
static int scale_exp(double maxabs)
{
    if (!(maxabs > 0) || !isfinite(maxabs))
        return 0;
    return (int)floor(TARGET_EXP - log2(maxabs));
}

static double max_abs(const float *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((double)v[i]) > m)
            m = fabs((double)v[i]);
    return m;
}

/* Are all products of two values of the format (after scaling to at most 2^TARGET_EXP) fp16 numbers? */
static int products_exact(const sp_fp8_fmt *f)
{
    int lsb = f->emin - f->mbits; /* exponent of the smallest subnormal */
    return 2 * lsb >= -24 && 2 * TARGET_EXP <= 15 && 2 * (f->mbits + 1) <= 11;
}

/* Write n values (already on the 8-bit grid times 2^k, or to be rounded) into lane-major vectors, zero-padded. */
static void pack_lane_major(float *dst, const float *src, int n, int nvec, float scale, const sp_fp8_fmt *f)
{
    memset(dst, 0, (size_t)nvec * VEC * sizeof *dst);
    for (int i = 0; i < n; i++) {
        int v = i / VEC, e = i % VEC;
        dst[v * VEC + (e % 4) * LANES + e / 4] = r8(src[i] * scale, f);
    }
}

/* One row's n values as bf16 codes of 8-bit floats into a block (vectors from v0; see spatial_fp8_kernel.h); the
 * padding stays zero. */
static void pack_block_row(uint16_t *blk, int v0, int row, const float *src, int n, float scale, const sp_fp8_fmt *f,
                           float *maxabs)
{
    for (int i = 0; i < n; i++) {
        int v = i / VEC, e = i % VEC;
        float val = r8(src[i] * scale, f);
        blk[sp8_index(v0 + v, (e % 4) * LANES + e / 4, row)] = sp8_bf16_bits(val);
        *maxabs = fmaxf(*maxabs, fabsf(val));
    }
}

/* Is every value of the format a bf16 number (the weights are stored as bf16 codes): at most 8 significant bits,
 * the smallest a normal fp32, the largest on the grid? */
static int bf16_exact(const sp_fp8_fmt *f)
{
    float mx = (float)f->max;
    return f->mbits >= 0 && f->mbits <= 7 && f->emin - f->mbits >= -126 && (double)mx == f->max &&
           sp8_bf16_value(sp8_bf16_bits(mx)) == mx;
}

static float lut(const sp_fp8_model *q, const float *table, float v)
{
    float pos = (v - q->lut_lo) * q->lut_scale;
    int idx = pos > 0 ? (int)fminf(pos, (float)(q->lut_n - 1)) : 0; /* also NaN -> 0 */
    return table[idx];
}

int sp_fp8_init(sp_fp8_model *q, const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode,
                const sp_fp8_fmt *fmt)
{
    memset(q, 0, sizeof *q);
    if (!bf16_exact(fmt))
        return -1;
    q->cell = p->cell;
    q->G = rb_cell_gates(p->cell);
    q->H = p->hidden;
    q->I = p->input;
    q->mode = mode;
    q->fmt = *fmt;
    q->nxc = (q->I + VEC - 1) / VEC;
    q->nhc = (q->H + VEC - 1) / VEC;
    size_t GH = (size_t)q->G * q->H, nv = (size_t)(q->nxc + q->nhc);
    q->nblk = (int)((GH + SP8_ROWS - 1) / SP8_ROWS);
    q->Wh = calloc((size_t)q->nblk * nv * VEC * SP8_ROWS, sizeof *q->Wh);
    q->bias = malloc(GH * sizeof *q->bias);
    q->bun = calloc((size_t)q->H, sizeof *q->bun);
    q->lut_n = a->lut_entries;
    q->sig = malloc((size_t)q->lut_n * sizeof *q->sig);
    q->tanh = malloc((size_t)q->lut_n * sizeof *q->tanh);
    if (!q->Wh || !q->bias || !q->bun || !q->sig || !q->tanh) {
        sp_fp8_free(q);
        return -1;
    }
    double m = fmax(max_abs(w->W, GH * q->I), max_abs(w->U, GH * q->H));
    q->kw = scale_exp(m);
    float sc = ldexpf(1.0f, q->kw + fmt->scale_bias);
    for (size_t r = 0; r < GH; r++) {
        uint16_t *blk = q->Wh + (r / SP8_ROWS) * nv * VEC * SP8_ROWS;
        int row = (int)(r % SP8_ROWS);
        pack_block_row(blk, 0, row, w->W + r * q->I, q->I, sc, fmt, &q->wmax);
        pack_block_row(blk, q->nxc, row, w->U + r * q->H, q->H, sc, fmt, &q->wmax);
        int gru_n = q->cell == RB_CELL_GRU && r >= 2 * (size_t)q->H;
        q->bias[r] = w->bw[r] + (gru_n ? 0.0f : w->bu[r]);
        if (gru_n)
            q->bun[r - 2 * (size_t)q->H] = w->bu[r];
    }
    double step = (a->lut_max - a->lut_min) / a->lut_entries;
    for (int i = 0; i < q->lut_n; i++) {
        double xc = a->lut_min + (i + 0.5) * step;
        q->sig[i] = r8((float)(1.0 / (1.0 + exp(-xc))), fmt);
        q->tanh[i] = r8((float)tanh(xc), fmt);
    }
    q->lut_lo = (float)a->lut_min;
    q->lut_scale = (float)(1.0 / step);
    return 0;
}

void sp_fp8_free(sp_fp8_model *q)
{
    free(q->Wh);
    q->Wh = NULL;
    free(q->bias);
    free(q->bun);
    free(q->sig);
    free(q->tanh);
    q->bias = q->bun = q->sig = q->tanh = NULL;
}

/* The element-wise tail of one unit: pre[g] are fp32 pre-activations (gate sum x scale + bias), except the GRU
 * n gate, where nx and nh are its x and h sums already rescaled. *c and *h are the unit's 8-bit state. */
static float tail(const sp_fp8_model *q, const float *pre, float nx, float nh, float *c, float h)
{
    const sp_fp8_fmt *f = &q->fmt;
    switch (q->cell) {
    case RB_CELL_LSTM: {
        float ig = lut(q, q->sig, pre[0]), fg = lut(q, q->sig, pre[1]);
        float gg = lut(q, q->tanh, pre[2]), og = lut(q, q->sig, pre[3]);
        *c = r8(r8(fg * *c, f) + r8(ig * gg, f), f);
        return r8(og * lut(q, q->tanh, *c), f);
    }
    case RB_CELL_GRU: {
        float r = lut(q, q->sig, pre[0]), z = lut(q, q->sig, pre[1]);
        float uh = r8(nh, f), ux = r8(nx, f);
        float n = lut(q, q->tanh, r8(r8(r * uh, f) + ux, f));
        return r8(n + r8(z * r8(h - n, f), f), f);
    }
    case RB_CELL_VANILLA:
    default:
        return lut(q, q->tanh, pre[0]);
    }
}


/* One pass of the kernel over vectors [v0, v0 + nvec) of every row block, against n operands. */
typedef struct pass_ctx {
    const sp_fp8_model *q;
    sp8_block_fn fn;
    int flags, v0, nvec, n;
    const float *x;
    size_t x_ld;
    float *acc; /* [n][nblk * 16] */
    size_t acc_ld;
} pass_ctx;

static void pass_task(void *arg, size_t b0, size_t b1)
{
    const pass_ctx *k = arg;
    const size_t nv = (size_t)(k->q->nxc + k->q->nhc);
    for (size_t blk = b0; blk < b1; blk++)
        k->fn(k->q->Wh + (blk * nv + (size_t)k->v0) * VEC * SP8_ROWS, k->nvec, k->x, k->x_ld, k->n,
              k->acc + blk * SP8_ROWS, k->acc_ld, k->flags);
}

#define PAR_MIN_MACS (1 << 18) /* below this a pass runs on the caller: waking the pool would cost more */

static void run_pass(pass_ctx *k)
{
    size_t nblk = (size_t)k->q->nblk;
    /* saturation can matter only if a pair of products can exceed 65504 (NaN operands: no bound either) */
    float xmax = 0;
    for (int i = 0; i < k->n; i++)
        for (size_t e = 0; e < (size_t)k->nvec * VEC; e++) {
            float a = fabsf(k->x[(size_t)i * k->x_ld + e]);
            xmax = a > xmax || isnan(a) ? a : xmax;
        }
    double bound = 2.0 * (double)k->q->wmax * (double)xmax;
    k->flags = (k->flags & ~SP8_SATURATE) | (bound <= 65504.0 ? 0 : SP8_SATURATE);
    double macs = (double)nblk * SP8_ROWS * k->nvec * VEC * k->n;
    if (macs < PAR_MIN_MACS || rb_par_threads() == 1)
        pass_task(k, 0, nblk);
    else
        rb_par_for(nblk, 1, pass_task, k);
}

#define STEP_CHUNK_VECTORS 32 /* operands of one x-part pass (steps x requests): each block's W read once for them */

int sp_fp8_run(const sp_fp8_model *q, const rb_problem *p, const float *x, float *y)
{
    const int G = q->G, H = q->H, I = q->I, B = p->batch, T = p->timesteps;
    const size_t GH = (size_t)G * H, ld = (size_t)q->nblk * SP8_ROWS;
    const size_t xl = (size_t)q->nxc * VEC, hl = (size_t)q->nhc * VEC;
    const sp_fp8_fmt *f = &q->fmt;
    const int tc = B >= STEP_CHUNK_VECTORS ? 1 : STEP_CHUNK_VECTORS / B; /* steps per x-part pass */
    size_t nx = (size_t)T * B * I;
    int rc = -1;
    float *xp = malloc((size_t)tc * B * xl * sizeof *xp), *hp = malloc((size_t)B * hl * sizeof *hp);
    float *h = calloc((size_t)B * H, sizeof *h), *c = calloc((size_t)B * H, sizeof *c);
    float *ax0 = malloc((size_t)tc * B * ld * sizeof *ax0), *acc = malloc((size_t)B * ld * sizeof *acc);
    float *ax = malloc(GH * sizeof *ax), *ah = malloc(GH * sizeof *ah);
    float *proj = NULL;
    if (!xp || !hp || !h || !c || !ax0 || !acc || !ax || !ah)
        goto out;
    /* one power-of-two scale for the x/h buffer: |h| <= 1, x as given */
    int kxh = scale_exp(fmax(max_abs(x, nx), 1.0));
    float sxh = ldexpf(1.0f, kxh + f->scale_bias);
    float rescale = ldexpf(1.0f, -(q->kw + kxh)); /* accumulator -> real value (the LUT PMU's multiply) */
    const int rp = !products_exact(f) || f->scale_bias != 0;
    const int flags = rp ? SP8_ROUND_PRODUCTS : 0;
    pass_ctx xpass = {q, sp8_kernel(), flags, 0, q->nxc, 0, xp, xl, ax0, ld};
    pass_ctx hpass = {q, xpass.fn, flags, q->nxc, q->nhc, B, hp, hl, acc, ld};

    if (q->mode == SP_INPUT_SKIP) {
        /* W x + b precomputed for every step, streamed in as 8-bit floats with one scale */
        proj = malloc((size_t)T * B * GH * sizeof *proj);
        if (!proj)
            goto out;
        double mx = 0;
        for (int t0 = 0; t0 < T; t0 += tc) {
            int nt = T - t0 < tc ? T - t0 : tc;
            size_t tb0 = (size_t)t0 * B, n = (size_t)nt * B;
            for (size_t j = 0; j < n; j++)
                pack_lane_major(xp + j * xl, x + (tb0 + j) * I, I, q->nxc, sxh, f);
            memset(ax0, 0, n * ld * sizeof *ax0);
            xpass.n = (int)n;
            run_pass(&xpass);
            for (size_t j = 0; j < n; j++)
                for (size_t r = 0; r < GH; r++) {
                    float v = ax0[j * ld + r] * rescale + q->bias[r];
                    proj[(tb0 + j) * GH + r] = v;
                    mx = fmax(mx, fabs((double)v));
                }
        }
        int kp = scale_exp(mx);
        float sp = ldexpf(1.0f, kp + f->scale_bias), isp = ldexpf(1.0f, -kp);
        for (size_t i = 0; i < (size_t)T * B * GH; i++)
            proj[i] = r8(proj[i] * sp, f) * isp;
    }

    for (int t0 = 0; t0 < T; t0 += tc) {
        int nt = T - t0 < tc ? T - t0 : tc;
        if (q->mode == SP_INPUT_FULL) { /* the x part of every row for these steps: W read once for all of them */
            size_t tb0 = (size_t)t0 * B, n = (size_t)nt * B;
            for (size_t j = 0; j < n; j++)
                pack_lane_major(xp + j * xl, x + (tb0 + j) * I, I, q->nxc, sxh, f);
            memset(ax0, 0, n * ld * sizeof *ax0);
            xpass.n = (int)n;
            run_pass(&xpass);
        }
        for (int s = 0; s < nt; s++) {
            int t = t0 + s;
            for (int b = 0; b < B; b++) {
                pack_lane_major(hp + (size_t)b * hl, h + (size_t)b * H, H, q->nhc, sxh, f);
                float *ab = acc + (size_t)b * ld;
                if (q->mode == SP_INPUT_SKIP) {
                    memset(ab, 0, ld * sizeof *ab);
                } else { /* one accumulator over [x; h], x part first; the GRU n gate keeps x and h apart */
                    memcpy(ab, ax0 + ((size_t)s * B + b) * ld, ld * sizeof *ab);
                    if (q->cell == RB_CELL_GRU)
                        memset(ab + 2 * (size_t)H, 0, H * sizeof *ab);
                }
            }
            run_pass(&hpass);
            for (int b = 0; b < B; b++) {
                size_t tb = (size_t)t * B + b;
                const float *ab = acc + (size_t)b * ld, *xb = ax0 + ((size_t)s * B + b) * ld;
                float *hb = h + (size_t)b * H, *cb = c + (size_t)b * H;
                for (size_t r = 0; r < GH; r++) {
                    int split = q->cell == RB_CELL_GRU && r >= 2 * (size_t)H;
                    if (q->mode == SP_INPUT_SKIP) {
                        ax[r] = proj[tb * GH + r];
                        ah[r] = ab[r] * rescale;
                    } else if (split) {
                        ax[r] = xb[r] * rescale + q->bias[r];
                        ah[r] = ab[r] * rescale;
                    } else {
                        ax[r] = ab[r] * rescale + q->bias[r];
                        ah[r] = 0;
                    }
                }
                for (int i = 0; i < H; i++) {
                    float pre[4] = { 0, 0, 0, 0 }, nxv = 0, nhv = 0;
                    for (int g = 0; g < G; g++) {
                        size_t r = (size_t)g * H + i;
                        pre[g] = ax[r] + ah[r];
                    }
                    if (q->cell == RB_CELL_GRU) {
                        nxv = ax[2 * (size_t)H + i];
                        nhv = ah[2 * (size_t)H + i] + q->bun[i];
                    }
                    hb[i] = tail(q, pre, nxv, nhv, &cb[i], hb[i]);
                    y[tb * H + i] = hb[i];
                }
            }
        }
    }
    rc = 0;
out:
    free(xp);
    free(hp);
    free(h);
    free(c);
    free(ax0);
    free(acc);
    free(ax);
    free(ah);
    free(proj);
    return rc;
}
