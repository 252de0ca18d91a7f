/* backends/spatial/spatial_fp8_kernel.c — the fp8 block kernels (see spatial_fp8_kernel.h) and their run-time
 * selection.
 *
 * Weights: a bf16 code is the top half of the fp32 bits, so a 32-bit word holding two codes gives the first as
 * fp32 by a left shift of 16 and the second by masking the low half (no conversion instruction).
 *
 * Every version computes, per row, the same fp32 operations in the same order as the scalar definition (the
 * portable version, which is the definition written out):
 *  - products w * x in fp32 are exact (at most 4 x 4 significant bits, far from fp32's range limits);
 *  - fp16 rounding: the portable version adds and subtracts 1.5 x 2^(e + 13) (the fp32 adder then rounds at the
 *    fp16 unit in the last place, ties to even, subnormals included) and saturates at 65504; the SIMD versions
 *    convert to fp16 and back (vcvtps2ph with round-to-nearest-even, which rounds the same way), after clamping
 *    to [-65504, 65504] when saturation can matter (rounding is monotone and 65504 is on the grid, so clamping
 *    before rounding equals saturating after);
 *  - the lane tree and the accumulation follow the lane and vector order exactly (the SIMD versions keep one row
 *    per SIMD lane, so every addition of the tree is an ordinary vertical addition).
 * Compiled with -ffp-contract=off: a fused multiply-add would round differently. */
#include "spatial_fp8_kernel.h"

#include <string.h>

#define LANES 16
#define VCHUNK 8 /* vectors per pass over the operands: 8 x 2 KiB of a block's weights stay in L1 */

uint16_t sp8_bf16_bits(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return (uint16_t)(u >> 16);
}

float sp8_bf16_value(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float r;
    memcpy(&r, &u, sizeof r);
    return r;
}

/* Round to fp16 (ties to even), saturating at 65504, through the fp32 adder (exact for |x| < 2^100). */
static inline float r16(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    uint32_t sign = u & 0x80000000u, ax = u & 0x7fffffffu;
    int32_t e = (int32_t)(ax >> 23) - 127;
    e = e < -14 ? -14 : e;
    e = e > 100 ? 100 : e;
    uint32_t cb = ((uint32_t)(e - 10 + 23 + 127) << 23) | 0x400000u;
    float c, a;
    memcpy(&c, &cb, sizeof c);
    memcpy(&a, &ax, sizeof a);
    float r = (a + c) - c;
    r = r > 65504.0f ? 65504.0f : r;
    memcpy(&u, &r, sizeof u);
    u |= sign;
    memcpy(&r, &u, sizeof r);
    return r;
}

static void block_portable(const uint16_t *w, int nvec, const float *x, size_t x_ld, int n, float *acc,
                           size_t acc_ld, int flags)
{
    const int rp = flags & SP8_ROUND_PRODUCTS;
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * x_ld;
        for (int row = 0; row < SP8_ROWS; row++) {
            float a = acc[(size_t)i * acc_ld + (size_t)row];
            for (int v = 0; v < nvec; v++) {
                const float *xv = xi + (size_t)v * SP8_VEC;
                float lane[LANES];
                for (int l = 0; l < LANES; l++) {
                    float p[4];
                    for (int q = 0; q < 4; q++) {
                        int e = q * LANES + l;
                        p[q] = sp8_bf16_value(w[sp8_index(v, e, row)]) * xv[e];
                        if (rp)
                            p[q] = r16(p[q]);
                    }
                    lane[l] = r16(p[0] + p[1]) + r16(p[2] + p[3]);
                }
                for (int half = LANES / 2; half >= 1; half /= 2)
                    for (int l = 0; l < half; l++)
                        lane[l] += lane[l + half];
                a += lane[0];
            }
            acc[(size_t)i * acc_ld + (size_t)row] = a;
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SP8_HAVE_X86 1
#define INLINE static inline __attribute__((always_inline))
#define RNE (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

/* The lane tree of one vector in the documented order, with S(l) the lane-l value: (((s0 + s8) + (s4 + s12)) +
 * ((s2 + s10) + (s6 + s14))) + (((s1 + s9) + (s5 + s13)) + ((s3 + s11) + (s7 + s15))). */
#define LANE_TREE(ADD, S)                                                                                             \
    ADD(ADD(ADD(ADD(S(0), S(8)), ADD(S(4), S(12))), ADD(ADD(S(2), S(10)), ADD(S(6), S(14)))),                      \
        ADD(ADD(ADD(S(1), S(9)), ADD(S(5), S(13))), ADD(ADD(S(3), S(11)), ADD(S(7), S(15)))))

/* ---- AVX-512: 16 rows in one register ---- */
__attribute__((target("avx512f"))) INLINE __m512 r16_512(__m512 v, int sat)
{
    if (sat)
        v = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(-65504.0f)), _mm512_set1_ps(65504.0f));
    return _mm512_cvtph_ps(_mm512_cvtps_ph(v, RNE));
}

__attribute__((target("avx512f"))) INLINE __m512 lane_512(const uint16_t *wv, const float *xv, int l, int rp,
                                                          int sat)
{
    __m512 p[4];
    const __m512i hi = _mm512_set1_epi32((int)0xffff0000u);
    for (int q = 0; q < 4; q += 2) {
        __m512i d = _mm512_loadu_si512(wv + sp8_index(0, q * LANES + l, 0));
        __m512 w0 = _mm512_castsi512_ps(_mm512_slli_epi32(d, 16)), w1 = _mm512_castsi512_ps(_mm512_and_si512(d, hi));
        p[q] = _mm512_mul_ps(w0, _mm512_set1_ps(xv[q * LANES + l]));
        p[q + 1] = _mm512_mul_ps(w1, _mm512_set1_ps(xv[(q + 1) * LANES + l]));
    }
    if (rp)
        for (int q = 0; q < 4; q++)
            p[q] = r16_512(p[q], sat);
    return _mm512_add_ps(r16_512(_mm512_add_ps(p[0], p[1]), sat), r16_512(_mm512_add_ps(p[2], p[3]), sat));
}

__attribute__((target("avx512f"))) INLINE void body_512(const uint16_t *w, int nvec, const float *x, size_t x_ld,
                                                        int n, float *acc, size_t acc_ld, int rp, int sat)
{
    for (int v0 = 0; v0 < nvec; v0 += VCHUNK) {
        int v1 = nvec - v0 < VCHUNK ? nvec : v0 + VCHUNK;
        for (int i = 0; i < n; i++) {
            const float *xi = x + (size_t)i * x_ld;
            float *ai = acc + (size_t)i * acc_ld;
            __m512 a = _mm512_loadu_ps(ai);
            for (int v = v0; v < v1; v++) {
                const uint16_t *wv = w + sp8_index(v, 0, 0);
                const float *xv = xi + (size_t)v * SP8_VEC;
#define S(l) lane_512(wv, xv, l, rp, sat)
                a = _mm512_add_ps(a, LANE_TREE(_mm512_add_ps, S));
#undef S
            }
            _mm512_storeu_ps(ai, a);
        }
    }
}

__attribute__((target("avx512f"))) static void block_avx512(const uint16_t *w, int nvec, const float *x,
                                                            size_t x_ld, int n, float *acc, size_t acc_ld, int flags)
{
    switch (flags & (SP8_ROUND_PRODUCTS | SP8_SATURATE)) {
    case 0: body_512(w, nvec, x, x_ld, n, acc, acc_ld, 0, 0); break;
    case SP8_ROUND_PRODUCTS: body_512(w, nvec, x, x_ld, n, acc, acc_ld, 1, 0); break;
    case SP8_SATURATE: body_512(w, nvec, x, x_ld, n, acc, acc_ld, 0, 1); break;
    default: body_512(w, nvec, x, x_ld, n, acc, acc_ld, 1, 1); break;
    }
}

/* ---- AVX2 + F16C: 8 rows in one register, a block in two halves ---- */
__attribute__((target("avx2,f16c"))) INLINE __m256 r16_256(__m256 v, int sat)
{
    if (sat)
        v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-65504.0f)), _mm256_set1_ps(65504.0f));
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, RNE));
}

__attribute__((target("avx2,f16c"))) INLINE __m256 lane_256(const uint16_t *wv, const float *xv, int l, int rp,
                                                            int sat)
{
    __m256 p[4];
    const __m256i hi = _mm256_set1_epi32((int)0xffff0000u);
    for (int q = 0; q < 4; q += 2) {
        __m256i d = _mm256_loadu_si256((const __m256i *)(wv + sp8_index(0, q * LANES + l, 0)));
        __m256 w0 = _mm256_castsi256_ps(_mm256_slli_epi32(d, 16)), w1 = _mm256_castsi256_ps(_mm256_and_si256(d, hi));
        p[q] = _mm256_mul_ps(w0, _mm256_set1_ps(xv[q * LANES + l]));
        p[q + 1] = _mm256_mul_ps(w1, _mm256_set1_ps(xv[(q + 1) * LANES + l]));
    }
    if (rp)
        for (int q = 0; q < 4; q++)
            p[q] = r16_256(p[q], sat);
    return _mm256_add_ps(r16_256(_mm256_add_ps(p[0], p[1]), sat), r16_256(_mm256_add_ps(p[2], p[3]), sat));
}

__attribute__((target("avx2,f16c"))) INLINE void body_256(const uint16_t *w, int nvec, const float *x, size_t x_ld,
                                                          int n, float *acc, size_t acc_ld, int rp, int sat)
{
    for (int v0 = 0; v0 < nvec; v0 += VCHUNK) {
        int v1 = nvec - v0 < VCHUNK ? nvec : v0 + VCHUNK;
        for (int i = 0; i < n; i++) {
            const float *xi = x + (size_t)i * x_ld;
            for (int half = 0; half < 2; half++) {
                float *ai = acc + (size_t)i * acc_ld + (size_t)half * 8;
                __m256 a = _mm256_loadu_ps(ai);
                for (int v = v0; v < v1; v++) {
                    const uint16_t *wv = w + sp8_index(v, 0, half * 8);
                    const float *xv = xi + (size_t)v * SP8_VEC;
#define S(l) lane_256(wv, xv, l, rp, sat)
                    a = _mm256_add_ps(a, LANE_TREE(_mm256_add_ps, S));
#undef S
                }
                _mm256_storeu_ps(ai, a);
            }
        }
    }
}

__attribute__((target("avx2,f16c"))) static void block_avx2(const uint16_t *w, int nvec, const float *x, size_t x_ld,
                                                            int n, float *acc, size_t acc_ld, int flags)
{
    switch (flags & (SP8_ROUND_PRODUCTS | SP8_SATURATE)) {
    case 0: body_256(w, nvec, x, x_ld, n, acc, acc_ld, 0, 0); break;
    case SP8_ROUND_PRODUCTS: body_256(w, nvec, x, x_ld, n, acc, acc_ld, 1, 0); break;
    case SP8_SATURATE: body_256(w, nvec, x, x_ld, n, acc, acc_ld, 0, 1); break;
    default: body_256(w, nvec, x, x_ld, n, acc, acc_ld, 1, 1); break;
    }
}
#endif

static sp8_block_fn selected;

const char *sp8_kernel_select(const char *isa)
{
    int any = !isa || !*isa;
#if defined(SP8_HAVE_X86)
    __builtin_cpu_init();
    if ((any || strcmp(isa, "avx512") == 0) && __builtin_cpu_supports("avx512f")) {
        selected = block_avx512;
        return "avx512";
    }
    if ((any || strcmp(isa, "avx2") == 0) && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c")) {
        selected = block_avx2;
        return "avx2";
    }
#endif
    if (any || strcmp(isa, "portable") == 0) {
        selected = block_portable;
        return "portable";
    }
    return NULL;
}

sp8_block_fn sp8_kernel(void)
{
    if (!selected)
        sp8_kernel_select(NULL);
    return selected;
}
