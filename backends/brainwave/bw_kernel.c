/* backends/brainwave/bw_kernel.c — the BFP kernels (see bw_kernel.h) and their run-time selection.
 *
 * Each block's integer dot product is exact in every version: blocks are zero-padded to a multiple of 64 bytes and
 * magnitudes are at most 127, so
 *  - AVX-512 VNNI multiplies unsigned (w + 128) by signed x (vpdpbusd, no saturation) and subtracts 128 * sum(x);
 *  - AVX2 multiplies |w| by x * sign(w) (vpmaddubsw: a pair of products is at most 2 * 127 * 127 < 32768, so it
 *    never saturates) and widens with vpmaddwd;
 *  - the portable loop multiplies int8 by int8 into int32.
 * The scaling by 2^e multiplies by an exact power of two (ldexpf where 2^e is not a float), which rounds exactly
 * as ldexpf does; the fp32 additions over blocks follow the block order. This file is compiled with
 * -ffp-contract=off: a fused multiply-add would round differently. */
#include "bw_kernel.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* v * 2^e, rounded once (as ldexpf). */
static inline __attribute__((always_inline)) float scale2(float v, int e)
{
    uint32_t bits;
    if (e >= -126 && e <= 127)
        bits = (uint32_t)(e + 127) << 23;
    else if (e >= -149 && e < -126)
        bits = UINT32_C(1) << (e + 149); /* a subnormal power of two, exact */
    else
        return ldexpf(v, e);
    float p;
    memcpy(&p, &bits, sizeof p);
    return v * p;
}

/* The rows r .. r + nr - 1 (nr <= 4) of m for a four-row kernel: their int8 blocks and block exponents; the missing
 * ones repeat row r, so that the kernel can read four rows and store only nr results. */
static inline __attribute__((always_inline)) void four_rows(const bw_bfp_matrix *m, int r, int nr,
                                                             const int8_t *rows[4], const int16_t *ew[4])
{
    for (int i = 0; i < 4; i++) {
        int ri = r + (i < nr ? i : 0);
        rows[i] = m->q + (size_t)ri * m->col_blocks * m->stride;
        ew[i] = m->exp + (size_t)ri * m->col_blocks;
    }
}

static int32_t idot_portable(const int8_t *a, const int8_t *b, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += (int32_t)a[i] * (int32_t)b[i];
    return s;
}

static void rows_portable(const bw_bfp_matrix *m, int r0, int r1, const bw_bfp_vectors *vecs, float *out,
                          size_t out_ld)
{
    const int cbn = m->col_blocks, st = m->stride;
    for (int r = r0; r < r1; r++) {
        const int8_t *row = m->q + (size_t)r * cbn * st;
        const int16_t *ew = m->exp + (size_t)r * cbn;
        for (int v = 0; v < vecs->n; v++) {
            const int8_t *x = vecs->q + (size_t)v * cbn * st;
            const int16_t *ex = vecs->exp + (size_t)v * cbn;
            float acc = 0.0f;
            for (int cb = 0; cb < cbn; cb++)
                acc += scale2((float)idot_portable(row + (size_t)cb * st, x + (size_t)cb * st, st), ew[cb] + ex[cb]);
            out[(size_t)v * out_ld + (size_t)r] = acc;
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BW_HAVE_X86 1

/* AVX2: four rows against one vector at a time (four independent accumulator chains). */
__attribute__((target("avx2"))) static inline int32_t hsum8(__m256i a)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) static inline __m256i step_avx2(__m256i acc, __m256i w, __m256i x, __m256i ones)
{
    __m256i p = _mm256_maddubs_epi16(_mm256_abs_epi8(w), _mm256_sign_epi8(x, w));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p, ones));
}

__attribute__((target("avx2"))) static void rows_avx2(const bw_bfp_matrix *m, int r0, int r1,
                                                      const bw_bfp_vectors *vecs, float *out, size_t out_ld)
{
    const int cbn = m->col_blocks, st = m->stride;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int r = r0; r < r1; r += 4) {
        int nr = r1 - r < 4 ? r1 - r : 4;
        const int8_t *rows[4];
        const int16_t *ew[4];
        four_rows(m, r, nr, rows, ew);
        for (int v = 0; v < vecs->n; v++) {
            const int8_t *x = vecs->q + (size_t)v * cbn * st;
            const int16_t *ex = vecs->exp + (size_t)v * cbn;
            float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
            for (int cb = 0; cb < cbn; cb++) {
                size_t off = (size_t)cb * st;
                __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
                for (int k = 0; k < st; k += 32) {
                    __m256i xv = _mm256_loadu_si256((const __m256i *)(x + off + k));
                    a0 = step_avx2(a0, _mm256_loadu_si256((const __m256i *)(rows[0] + off + k)), xv, ones);
                    a1 = step_avx2(a1, _mm256_loadu_si256((const __m256i *)(rows[1] + off + k)), xv, ones);
                    a2 = step_avx2(a2, _mm256_loadu_si256((const __m256i *)(rows[2] + off + k)), xv, ones);
                    a3 = step_avx2(a3, _mm256_loadu_si256((const __m256i *)(rows[3] + off + k)), xv, ones);
                }
                int32_t d[4] = {hsum8(a0), hsum8(a1), hsum8(a2), hsum8(a3)};
                for (int i = 0; i < nr; i++)
                    acc[i] += scale2((float)d[i], ew[i][cb] + ex[cb]);
            }
            for (int i = 0; i < nr; i++)
                out[(size_t)v * out_ld + (size_t)(r + i)] = acc[i];
        }
    }
}

/* AVX-512 VNNI: four rows against one vector at a time; w + 128 (w xor 0x80) times x, less 128 * sum(x). */
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void rows_vnni(const bw_bfp_matrix *m, int r0, int r1,
                                                                             const bw_bfp_vectors *vecs, float *out,
                                                                             size_t out_ld)
{
    const int cbn = m->col_blocks, st = m->stride;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    for (int r = r0; r < r1; r += 4) {
        int nr = r1 - r < 4 ? r1 - r : 4;
        const int8_t *rows[4];
        const int16_t *ew[4];
        four_rows(m, r, nr, rows, ew);
        for (int v = 0; v < vecs->n; v++) {
            const int8_t *x = vecs->q + (size_t)v * cbn * st;
            const int16_t *ex = vecs->exp + (size_t)v * cbn;
            const int32_t *xs = vecs->sum + (size_t)v * cbn;
            float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
            for (int cb = 0; cb < cbn; cb++) {
                size_t off = (size_t)cb * st;
                __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
                for (int k = 0; k < st; k += 64) {
                    __m512i xv = _mm512_loadu_si512(x + off + k);
                    a0 = _mm512_dpbusd_epi32(a0, _mm512_xor_si512(_mm512_loadu_si512(rows[0] + off + k), flip), xv);
                    a1 = _mm512_dpbusd_epi32(a1, _mm512_xor_si512(_mm512_loadu_si512(rows[1] + off + k), flip), xv);
                    a2 = _mm512_dpbusd_epi32(a2, _mm512_xor_si512(_mm512_loadu_si512(rows[2] + off + k), flip), xv);
                    a3 = _mm512_dpbusd_epi32(a3, _mm512_xor_si512(_mm512_loadu_si512(rows[3] + off + k), flip), xv);
                }
                int32_t bias = 128 * xs[cb];
                int32_t d[4] = {_mm512_reduce_add_epi32(a0) - bias, _mm512_reduce_add_epi32(a1) - bias,
                                _mm512_reduce_add_epi32(a2) - bias, _mm512_reduce_add_epi32(a3) - bias};
                for (int i = 0; i < nr; i++)
                    acc[i] += scale2((float)d[i], ew[i][cb] + ex[cb]);
            }
            for (int i = 0; i < nr; i++)
                out[(size_t)v * out_ld + (size_t)(r + i)] = acc[i];
        }
    }
}
#endif

static bw_rows_fn selected;

const char *bw_kernel_select(const char *isa)
{
    int any = !isa || !*isa;
#if defined(BW_HAVE_X86)
    __builtin_cpu_init();
    if ((any || strcmp(isa, "vnni") == 0) && __builtin_cpu_supports("avx512vnni") &&
        __builtin_cpu_supports("avx512bw")) {
        selected = rows_vnni;
        return "vnni";
    }
    if ((any || strcmp(isa, "avx2") == 0) && __builtin_cpu_supports("avx2")) {
        selected = rows_avx2;
        return "avx2";
    }
#endif
    if (any || strcmp(isa, "portable") == 0) {
        selected = rows_portable;
        return "portable";
    }
    return NULL;
}

bw_rows_fn bw_kernel(void)
{
    if (!selected)
        bw_kernel_select(NULL);
    return selected;
}
