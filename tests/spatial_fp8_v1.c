/* tests/spatial_fp8_v1.c — the spatial backend's fp8 functional execution as it was before the compact, batched,
 * threaded, vectorised one (backends/spatial/spatial_fp8.c up to commit 7dc563a), kept verbatim but renamed (sp1_*,
 * its model struct in spatial_fp8_v1.h): test_spatial_fp8_fast checks that the current executor gives the same bits, and
 * model-bench --v1 times it beside the current one. */
#include "spatial_fp8_v1.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define VEC 64   /* elements per PCU vector: 16 lanes x 4 8-bit values (§4.1) */
#define LANES 16
#define TARGET_EXP 7 /* tensors are scaled so that their largest magnitude is at most 2^7 */


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

/* One PCU's map-reduce over `nvec` lane-major 64-element vectors, accumulating into acc (fp32). Products are
 * rounded to fp16 unless round_products is 0, which the caller may pass when every product of two values of
 * its format is an fp16 number (e4m3: values are multiples of 2^-9, products multiples of 2^-18, above fp16's
 * 2^-24 grid, and at most 2^14 in magnitude after scaling). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define SP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SP_CLONES
#endif
SP_CLONES static float dot_vectors(const float *restrict w, const float *restrict x, int nvec, float acc,
                                   int round_products)
{
    for (int v = 0; v < nvec; v++, w += VEC, x += VEC) {
        float lane[LANES];
        if (round_products) {
            for (int l = 0; l < LANES; l++) {
                float p0 = r16(w[l] * x[l]), p1 = r16(w[LANES + l] * x[LANES + l]);
                float p2 = r16(w[2 * LANES + l] * x[2 * LANES + l]), p3 = r16(w[3 * LANES + l] * x[3 * LANES + l]);
                lane[l] = r16(p0 + p1) + r16(p2 + p3);
            }
        } else {
            for (int l = 0; l < LANES; l++) {
                float p0 = w[l] * x[l], p1 = w[LANES + l] * x[LANES + l];
                float p2 = w[2 * LANES + l] * x[2 * LANES + l], p3 = w[3 * LANES + l] * x[3 * LANES + l];
                lane[l] = r16(p0 + p1) + r16(p2 + p3);
            }
        }
        for (int half = LANES / 2; half >= 1; half /= 2)
            for (int l = 0; l < half; l++)
                lane[l] += lane[l + half];
        acc += lane[0];
    }
    return acc;
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

static float lut(const sp1_fp8_model *q, const float *table, float v)
{
    float pos = (v - q->lut_lo) * q->lut_scale;
    int idx = pos > 0 ? (int)fminf(pos, (float)(q->lut_n - 1)) : 0; /* also NaN -> 0 */
    return table[idx];
}

int sp1_fp8_init(sp1_fp8_model *q, const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode,
                const sp_fp8_fmt *fmt)
{
    memset(q, 0, sizeof *q);
    q->cell = p->cell;
    q->G = rb_cell_gates(p->cell);
    q->H = p->hidden;
    q->I = p->input;
    q->mode = mode;
    q->fmt = *fmt;
    q->nxc = (q->I + VEC - 1) / VEC;
    q->nhc = (q->H + VEC - 1) / VEC;
    size_t GH = (size_t)q->G * q->H, row = (size_t)(q->nxc + q->nhc) * VEC;
    q->Wp = malloc(GH * row * sizeof *q->Wp);
    q->bias = malloc(GH * sizeof *q->bias);
    q->bun = calloc((size_t)q->H, sizeof *q->bun);
    q->lut_n = a->lut_entries;
    q->sig = malloc((size_t)q->lut_n * sizeof *q->sig);
    q->tanh = malloc((size_t)q->lut_n * sizeof *q->tanh);
    if (!q->Wp || !q->bias || !q->bun || !q->sig || !q->tanh) {
        sp1_fp8_free(q);
        return -1;
    }
    double m = fmax(max_abs(w->W, GH * q->I), max_abs(w->U, GH * q->H));
    q->kw = scale_exp(m);
    float sc = ldexpf(1.0f, q->kw + fmt->scale_bias);
    for (size_t r = 0; r < GH; r++) {
        pack_lane_major(q->Wp + r * row, w->W + r * q->I, q->I, q->nxc, sc, fmt);
        pack_lane_major(q->Wp + r * row + (size_t)q->nxc * VEC, w->U + r * q->H, q->H, q->nhc, sc, fmt);
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

void sp1_fp8_free(sp1_fp8_model *q)
{
    free(q->Wp);
    free(q->bias);
    free(q->bun);
    free(q->sig);
    free(q->tanh);
    q->Wp = q->bias = q->bun = q->sig = q->tanh = NULL;
}

/* The element-wise tail of one unit: pre[g] are fp32 pre-activations (gate sum x scale + bias), except the GRU
 * n gate, where nx and nh are its x and h sums already rescaled. *c and *h are the unit's 8-bit state. */
static float tail(const sp1_fp8_model *q, const float *pre, float nx, float nh, float *c, float h)
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

int sp1_fp8_run(const sp1_fp8_model *q, const rb_problem *p, const float *x, float *y)
{
    const int G = q->G, H = q->H, I = q->I, B = p->batch, T = p->timesteps;
    const size_t GH = (size_t)G * H, row = (size_t)(q->nxc + q->nhc) * VEC;
    const sp_fp8_fmt *f = &q->fmt;
    size_t nx = (size_t)T * B * I;
    int rc = -1;
    float *xp = malloc((size_t)q->nxc * VEC * sizeof *xp), *hp = malloc((size_t)q->nhc * VEC * sizeof *hp);
    float *h = calloc((size_t)B * H, sizeof *h), *c = calloc((size_t)B * H, sizeof *c);
    float *ax = malloc(GH * sizeof *ax), *ah = malloc(GH * sizeof *ah);
    float *proj = NULL;
    if (!xp || !hp || !h || !c || !ax || !ah)
        goto out;
    /* one power-of-two scale for the x/h buffer: |h| <= 1, x as given */
    int kxh = scale_exp(fmax(max_abs(x, nx), 1.0));
    float sxh = ldexpf(1.0f, kxh + f->scale_bias);
    float rescale = ldexpf(1.0f, -(q->kw + kxh)); /* accumulator -> real value (the LUT PMU's multiply) */
    const int rp = !products_exact(f) || f->scale_bias != 0;

    if (q->mode == SP_INPUT_SKIP) {
        /* W x + b precomputed for every step, streamed in as 8-bit floats with one scale */
        proj = malloc((size_t)T * B * GH * sizeof *proj);
        if (!proj)
            goto out;
        double mx = 0;
        for (size_t tb = 0; tb < (size_t)T * B; tb++) {
            pack_lane_major(xp, x + tb * I, I, q->nxc, sxh, f);
            for (size_t r = 0; r < GH; r++) {
                float v = dot_vectors(q->Wp + r * row, xp, q->nxc, 0.0f, rp) * rescale + q->bias[r];
                proj[tb * GH + r] = v;
                mx = fmax(mx, fabs((double)v));
            }
        }
        int kp = scale_exp(mx);
        float sp = ldexpf(1.0f, kp + f->scale_bias), isp = ldexpf(1.0f, -kp);
        for (size_t i = 0; i < (size_t)T * B * GH; i++)
            proj[i] = r8(proj[i] * sp, f) * isp;
    }

    for (int t = 0; t < T; t++) {
        for (int b = 0; b < B; b++) {
            size_t tb = (size_t)t * B + b;
            float *hb = h + (size_t)b * H, *cb = c + (size_t)b * H;
            pack_lane_major(hp, hb, H, q->nhc, sxh, f);
            if (q->mode == SP_INPUT_FULL)
                pack_lane_major(xp, x + tb * I, I, q->nxc, sxh, f);
            for (size_t r = 0; r < GH; r++) {
                const float *wr = q->Wp + r * row;
                int split = q->cell == RB_CELL_GRU && r >= 2 * (size_t)H; /* the n gate keeps x and h apart */
                if (q->mode == SP_INPUT_SKIP) {
                    ax[r] = proj[tb * GH + r];
                    ah[r] = dot_vectors(wr + (size_t)q->nxc * VEC, hp, q->nhc, 0.0f, rp) * rescale;
                } else if (split) {
                    ax[r] = dot_vectors(wr, xp, q->nxc, 0.0f, rp) * rescale + q->bias[r];
                    ah[r] = dot_vectors(wr + (size_t)q->nxc * VEC, hp, q->nhc, 0.0f, rp) * rescale;
                } else { /* one accumulator over [x; h], x part first */
                    float acc = dot_vectors(wr, xp, q->nxc, 0.0f, rp);
                    ax[r] = dot_vectors(wr + (size_t)q->nxc * VEC, hp, q->nhc, acc, rp) * rescale + q->bias[r];
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
    rc = 0;
out:
    free(xp);
    free(hp);
    free(h);
    free(c);
    free(ax);
    free(ah);
    free(proj);
    return rc;
}

/* Quantise, run, free: the whole v1 computation on one problem. 0, or -1 on allocation failure. */
int sp1_fp8_forward(const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode,
                    const sp_fp8_fmt *fmt, const float *x, float *y)
{
    sp1_fp8_model q;
    if (sp1_fp8_init(&q, p, w, a, mode, fmt) != 0)
        return -1;
    int rc = sp1_fp8_run(&q, p, x, y);
    sp1_fp8_free(&q);
    return rc;
}
