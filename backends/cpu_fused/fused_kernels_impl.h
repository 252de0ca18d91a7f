/* backends/cpu_fused/fused_kernels_impl.h — the generic code of cpu-fused's kernels (see fused_kernels.h) in GNU C
 * vector extensions, one native vector width per instruction set (cpu_vmath.h): fp32 dot, bf16 dot by widening
 * (bf16 = the top half of an fp32, so a shift or a mask widens it exactly), int8 dot in 32-bit lanes, and the
 * in-register cell update. Included by fused_kernels_<isa>.c, which builds its table from these and, for VNNI and
 * BF16, its own intrinsic dot products. */
#include <stddef.h>
#include <stdint.h>
#include "cpu_vmath.h"
#include <math.h>
#include "fused_kernels.h"
#include "fused_pack.h"
#include "problem.h"

#define VPB (RB_FUSED_UNITS / RB_VF_LANES) /* native vectors per 16-unit row */
#if RB_VF_LANES == 16
#define ACC_BUDGET 16 /* accumulator registers (of 32) */
#else
#define ACC_BUDGET 8 /* of 16 */
#endif

/* Software prefetch of the weight stream, RB_FUSED_PF_BYTES ahead of the loads (one prefetch per 64-byte line
 * consumed): measured on the large GRUs, whose blocks stream from DRAM (see README.md). Past the last block it
 * touches addresses it never loads, which a prefetch may (it cannot fault). */
#ifndef RB_FUSED_PF_BYTES
#define RB_FUSED_PF_BYTES 1024
#endif
#define PREFETCH_LINES(p, bytes)                                                                                       \
    for (int pl = 0; pl < (int)(bytes); pl += 64)                                                                      \
        __builtin_prefetch((const char *)(p) + RB_FUSED_PF_BYTES + pl, 0, 0)

static int nb_max(int G)
{
    int n = ACC_BUDGET / (G * VPB);
    return n < 1 ? 1 : n > 4 ? 4 : n;
}

#define LOAD_ACC(a, acc, G, NB)                                                                                        \
    for (int g = 0; g < G; g++)                                                                                        \
        for (int v = 0; v < VPB; v++)                                                                                  \
            for (int j = 0; j < NB; j++)                                                                               \
    a[g][v][j] = rb_vf_load(acc + ((size_t)j * G + g) * RB_FUSED_UNITS + v * RB_VF_LANES)
#define STORE_ACC(a, acc, G, NB)                                                                                       \
    for (int g = 0; g < G; g++)                                                                                        \
        for (int v = 0; v < VPB; v++)                                                                                  \
            for (int j = 0; j < NB; j++)                                                                               \
    rb_vf_store(acc + ((size_t)j * G + g) * RB_FUSED_UNITS + v * RB_VF_LANES, a[g][v][j])

/* G and NB are constants at every call site (the switch below), so the G x VPB x NB accumulators stay in
 * registers; with one vector (NB = 1) odd k go to a second set, two independent FMA chains per row. */
static inline __attribute__((always_inline)) void dot_f32_t(const int G, const int NB, const float *w, int k0, int k1,
                                                             const float *z, size_t zs, float *acc)
{
    rb_vf a[4][VPB][4], a2[4][VPB][4];
    LOAD_ACC(a, acc, G, NB);
    for (int g = 0; g < G; g++)
        for (int v = 0; v < VPB; v++)
            for (int j = 0; j < NB; j++)
                a2[g][v][j] = (rb_vf){0};
    int k = k0;
    if (NB == 1)
        for (; k + 1 < k1; k += 2) {
            const float *w0 = w + (size_t)k * G * RB_FUSED_UNITS, *w1 = w0 + (size_t)G * RB_FUSED_UNITS;
            float z0 = z[k], z1 = z[k + 1];
            PREFETCH_LINES(w0, 2 * G * RB_FUSED_UNITS * 4);
            for (int g = 0; g < G; g++)
                for (int v = 0; v < VPB; v++) {
                    a[g][v][0] += rb_vf_load(w0 + g * RB_FUSED_UNITS + v * RB_VF_LANES) * z0;
                    a2[g][v][0] += rb_vf_load(w1 + g * RB_FUSED_UNITS + v * RB_VF_LANES) * z1;
                }
        }
    for (; k < k1; k++) {
        const float *wk = w + (size_t)k * G * RB_FUSED_UNITS;
        PREFETCH_LINES(wk, G * RB_FUSED_UNITS * 4);
        float zz[4];
        for (int j = 0; j < NB; j++)
            zz[j] = z[j * zs + k];
        for (int g = 0; g < G; g++)
            for (int v = 0; v < VPB; v++) {
                rb_vf wv = rb_vf_load(wk + g * RB_FUSED_UNITS + v * RB_VF_LANES);
                for (int j = 0; j < NB; j++)
                    a[g][v][j] += wv * zz[j];
            }
    }
    for (int g = 0; g < G; g++)
        for (int v = 0; v < VPB; v++)
            for (int j = 0; j < NB; j++)
                a[g][v][j] += a2[g][v][j];
    STORE_ACC(a, acc, G, NB);
}

typedef uint32_t rb_vu __attribute__((vector_size(RB_VF_LANES * 4)));

static inline rb_vi vi_load(const void *p)
{
    rb_vi v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* bf16 pairs widened exactly: low half << 16 is the even k, the high half masked is the odd k. */
static inline __attribute__((always_inline)) void dot_bf16_t(const int G, const int NB, const uint32_t *w, int k0,
                                                              int k1, const float *z, size_t zs, float *acc)
{
    rb_vf a[4][VPB][4], a2[4][VPB][4];
    LOAD_ACC(a, acc, G, NB);
    for (int g = 0; g < G; g++)
        for (int v = 0; v < VPB; v++)
            for (int j = 0; j < NB; j++)
                a2[g][v][j] = (rb_vf){0};
    for (int k = k0; k < k1; k += 2) {
        const uint32_t *wk = w + (size_t)(k / 2) * G * RB_FUSED_UNITS;
        PREFETCH_LINES(wk, G * RB_FUSED_UNITS * 4);
        float z0[4], z1[4];
        for (int j = 0; j < NB; j++) {
            z0[j] = z[j * zs + k];
            z1[j] = z[j * zs + k + 1];
        }
        for (int g = 0; g < G; g++)
            for (int v = 0; v < VPB; v++) {
                rb_vi wv = vi_load(wk + g * RB_FUSED_UNITS + v * RB_VF_LANES);
                rb_vf lo = (rb_vf)((rb_vu)wv << 16), hi = (rb_vf)(wv & (int32_t)0xffff0000);
                for (int j = 0; j < NB; j++) {
                    a[g][v][j] += lo * z0[j];
                    a2[g][v][j] += hi * z1[j];
                }
            }
    }
    for (int g = 0; g < G; g++)
        for (int v = 0; v < VPB; v++)
            for (int j = 0; j < NB; j++)
                a[g][v][j] += a2[g][v][j];
    STORE_ACC(a, acc, G, NB);
}

/* int8 in 32-bit lanes: each lane holds one unit's 4 consecutive k; byte q is sign-extended by two shifts. Exact:
 * sum w * s8 with s8 = u8 - 128. */
static inline __attribute__((always_inline)) void dot_i8_t(const int G, const int NB, const int8_t *w, int k0, int k1,
                                                            const uint8_t *z, size_t zs, int32_t *acc)
{
    rb_vi a[4][VPB][4];
    for (int g = 0; g < G; g++)
        for (int v = 0; v < VPB; v++)
            for (int j = 0; j < NB; j++)
                a[g][v][j] = vi_load(acc + ((size_t)j * G + g) * RB_FUSED_UNITS + v * RB_VF_LANES);
    for (int k = k0; k < k1; k += 4) {
        const int8_t *wk = w + (size_t)(k / 4) * G * RB_FUSED_UNITS * 4;
        int32_t zq[4][4];
        for (int j = 0; j < NB; j++)
            for (int q = 0; q < 4; q++)
                zq[j][q] = (int32_t)z[j * zs + k + q] - 128;
        for (int g = 0; g < G; g++)
            for (int v = 0; v < VPB; v++) {
                rb_vi wv = vi_load(wk + (g * RB_FUSED_UNITS + v * RB_VF_LANES) * 4);
                rb_vu wu = (rb_vu)wv; /* shift left unsigned, then arithmetic right: sign extension */
                rb_vi w0 = (rb_vi)(wu << 24) >> 24, w1 = (rb_vi)(wu << 16) >> 24, w2 = (rb_vi)(wu << 8) >> 24,
                      w3 = wv >> 24;
                for (int j = 0; j < NB; j++)
                    a[g][v][j] += w0 * zq[j][0] + w1 * zq[j][1] + w2 * zq[j][2] + w3 * zq[j][3];
            }
    }
    for (int g = 0; g < G; g++)
        for (int v = 0; v < VPB; v++)
            for (int j = 0; j < NB; j++)
                memcpy(acc + ((size_t)j * G + g) * RB_FUSED_UNITS + v * RB_VF_LANES, &a[g][v][j], sizeof(rb_vi));
}

/* Dispatch (G in {1, 3, 4}, nb in 1..4) to the constant-size bodies above. */
#define RB_FUSED_DISPATCH(body, G, nb, ...)                                                                            \
    do {                                                                                                               \
        switch ((G) * 8 + (nb)) {                                                                                      \
        case 1 * 8 + 1: body(1, 1, __VA_ARGS__); break;                                                                \
        case 1 * 8 + 2: body(1, 2, __VA_ARGS__); break;                                                                \
        case 1 * 8 + 3: body(1, 3, __VA_ARGS__); break;                                                                \
        case 1 * 8 + 4: body(1, 4, __VA_ARGS__); break;                                                                \
        case 3 * 8 + 1: body(3, 1, __VA_ARGS__); break;                                                                \
        case 3 * 8 + 2: body(3, 2, __VA_ARGS__); break;                                                                \
        case 3 * 8 + 3: body(3, 3, __VA_ARGS__); break;                                                                \
        case 3 * 8 + 4: body(3, 4, __VA_ARGS__); break;                                                                \
        case 4 * 8 + 1: body(4, 1, __VA_ARGS__); break;                                                                \
        case 4 * 8 + 2: body(4, 2, __VA_ARGS__); break;                                                                \
        case 4 * 8 + 3: body(4, 3, __VA_ARGS__); break;                                                                \
        case 4 * 8 + 4: body(4, 4, __VA_ARGS__); break;                                                                \
        default: break;                                                                                                \
        }                                                                                                              \
    } while (0)

static void dot_f32(const float *w, int G, int k0, int k1, const float *z, size_t zs, int nb, float *acc)
{
    RB_FUSED_DISPATCH(dot_f32_t, G, nb, w, k0, k1, z, zs, acc);
}

__attribute__((unused)) static void dot_bf16_widen(const uint32_t *w, int G, int k0, int k1, const float *z, const uint16_t *zb, size_t zs,
                           int nb, float *acc)
{
    (void)zb;
    RB_FUSED_DISPATCH(dot_bf16_t, G, nb, w, k0, k1, z, zs, acc);
}

__attribute__((unused)) static void dot_i8_generic(const int8_t *w, int G, int k0, int k1, const uint8_t *z, size_t zs, int nb, int32_t *acc)
{
    RB_FUSED_DISPATCH(dot_i8_t, G, nb, w, k0, k1, z, zs, acc);
}

/* ---- the cell update of one block, in registers ---- */
static void cell_update(rb_cell cell, int nb, const float *px, const float *ph, float *c, size_t cs,
                        const float *hprev, float *hout, size_t hs)
{
    const int G = rb_cell_gates(cell);
    for (int b = 0; b < nb; b++)
        for (int v = 0; v < VPB; v++) {
            const size_t o = (size_t)b * G * RB_FUSED_UNITS + (size_t)v * RB_VF_LANES;
#define PRE(g) (rb_vf_load(px + o + (g) * RB_FUSED_UNITS) + rb_vf_load(ph + o + (g) * RB_FUSED_UNITS))
            float *hb = hout + b * hs + v * RB_VF_LANES;
            if (cell == RB_CELL_LSTM) {
                float *cb = c + b * cs + v * RB_VF_LANES;
                rb_vf i = rb_vsigmoid(PRE(0)), f = rb_vsigmoid(PRE(1)), gg = rb_vtanh(PRE(2)), og = rb_vsigmoid(PRE(3));
                rb_vf cn = f * rb_vf_load(cb) + i * gg;
                rb_vf_store(cb, cn);
                rb_vf_store(hb, og * rb_vtanh(cn));
            } else if (cell == RB_CELL_GRU) {
                rb_vf r = rb_vsigmoid(PRE(0)), zg = rb_vsigmoid(PRE(1));
                rb_vf n = rb_vtanh(rb_vf_load(px + o + 2 * RB_FUSED_UNITS) + r * rb_vf_load(ph + o + 2 * RB_FUSED_UNITS));
                rb_vf_store(hb, (1.0f - zg) * n + zg * rb_vf_load(hprev + b * hs + v * RB_VF_LANES));
            } else {
                rb_vf_store(hb, rb_vtanh(PRE(0)));
            }
#undef PRE
        }
}

/* ---- int8 / bf16 per-step conversions, one native vector at a time (were scalar loops in cpu_fused.c) ---- */
typedef uint8_t rb_vu8 __attribute__((vector_size(RB_VF_LANES)));
typedef uint16_t rb_vu16 __attribute__((vector_size(RB_VF_LANES * 2)));

/* out[b][r] += (float)(iacc[b][r] - off * 128 * rowsum[r]) * (scale[r] * ascale[b * as]), r < blk (a multiple of
 * 16). */
static void dequant_add_v(float *out, const int32_t *iacc, const float *scale, const int32_t *rowsum, int off,
                          const float *ascale, size_t as, int nb, int blk)
{
    for (int b = 0; b < nb; b++) {
        const rb_vf a = rb_vf_set1(ascale[b * as]);
        float *o = out + (size_t)b * blk;
        const int32_t *ia = iacc + (size_t)b * blk;
        for (int r = 0; r < blk; r += RB_VF_LANES) {
            rb_vi v = vi_load(ia + r);
            if (off)
                v -= vi_load(rowsum + r) * 128;
            rb_vf f = __builtin_convertvector(v, rb_vf);
            rb_vf_store(o + r, rb_vf_load(o + r) + f * (rb_vf_load(scale + r) * a));
        }
    }
}

/* u8 = clamp(round(v * inv), -127, 127) + 128, rounding half away from zero: the same arithmetic as rb_q8. */
static inline rb_vu8 q8_v(rb_vf v, rb_vf inv)
{
    rb_vf q = rb_vf_min(rb_vf_max(v * inv, rb_vf_set1(-127.0f)), rb_vf_set1(127.0f));
    rb_vf half = (rb_vf)(((rb_vi)q & (int32_t)0x80000000) | (rb_vi)rb_vf_set1(0.5f));
    return __builtin_convertvector(__builtin_convertvector(q + half, rb_vi) + 128, rb_vu8);
}

/* q[u] = rb_q8(h[u], 127) for u < n (a multiple of 16): h_t with the fixed scale 1/127. */
static void quant_h_v(const float *h, uint8_t *q, int n)
{
    const rb_vf inv = rb_vf_set1(127.0f);
    for (int u = 0; u < n; u += RB_VF_LANES) {
        rb_vu8 b = q8_v(rb_vf_load(h + u), inv);
        memcpy(q + u, &b, sizeof b);
    }
}

/* q[u] = rb_bf16_round(h[u]) for u < n (a multiple of 16). */
static void round_bf16_v(const float *h, uint16_t *q, int n)
{
    for (int u = 0; u < n; u += RB_VF_LANES) {
        rb_vu v = (rb_vu)rb_vf_load(h + u);
        v += 0x7fffu + ((v >> 16) & 1u);
        rb_vu16 b = __builtin_convertvector(v >> 16, rb_vu16);
        memcpy(q + u, &b, sizeof b);
    }
}

/* One x vector to u8 with its own scale (max |x| / 127; 1 when x = 0): dst[k] = rb_q8(src[k], 1 / scale) for
 * k < n, 128 (zero) up to np. Returns the scale. */
static float quant_x_v(const float *src, int n, int np, uint8_t *dst)
{
    rb_vf mv = (rb_vf){0};
    int k = 0;
    for (; k + RB_VF_LANES <= n; k += RB_VF_LANES) {
        rb_vf v = rb_vf_load(src + k);
        mv = rb_vf_max(mv, rb_vf_max(v, -v));
    }
    float m = 0;
    for (int l = 0; l < RB_VF_LANES; l++)
        m = mv[l] > m ? mv[l] : m;
    for (int kk = k; kk < n; kk++)
        m = fabsf(src[kk]) > m ? fabsf(src[kk]) : m;
    const float scale = m > 0 ? m / 127.0f : 1.0f, inv = 1.0f / scale;
    const rb_vf iv = rb_vf_set1(inv);
    for (k = 0; k + RB_VF_LANES <= n; k += RB_VF_LANES) {
        rb_vu8 b = q8_v(rb_vf_load(src + k), iv);
        memcpy(dst + k, &b, sizeof b);
    }
    for (; k < n; k++)
        dst[k] = rb_q8(src[k], inv);
    memset(dst + n, 128, (size_t)(np - n));
    return scale;
}

/* the table entries every kernel set shares */
#define RB_FUSED_CONVERSIONS .dequant_add = dequant_add_v, .quant_h = quant_h_v, .round_bf16 = round_bf16_v, \
                             .quant_x = quant_x_v
