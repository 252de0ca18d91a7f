/* backends/cpu_fused/fused_kernels_avx512_bf16.c — cpu-fused's kernels for AVX-512 + BF16: bf16 dot products with
 * vdpbf16ps (pairs of k per 32-bit lane, bf16 activations); fp32 and int8 as the avx512 path. */
#include <immintrin.h>
#include "fused_kernels_impl.h"

/* acc + bf16 pair dot products, the accumulator tied to the destination (see dpbusd in the VNNI file). */
static inline __m512 dpbf16(__m512 acc, __m512bh a, __m512bh b)
{
    __asm__("vdpbf16ps %2, %1, %0" : "+v"(acc) : "v"(a), "vm"(b));
    return acc;
}

static inline __attribute__((always_inline)) void dot_bf16n_t(const int G, const int NB, const uint32_t *w, int k0,
                                                               int k1, const uint16_t *zb, size_t zs, float *acc)
{
    __m512 a[4][4], a2[4];
    for (int g = 0; g < G; g++) {
        for (int j = 0; j < NB; j++)
            a[g][j] = _mm512_loadu_ps(acc + ((size_t)j * G + g) * RB_FUSED_UNITS);
        a2[g] = _mm512_setzero_ps();
    }
    int k = k0;
    if (NB == 1)
        for (; k + 3 < k1; k += 4) {
            const uint32_t *w0 = w + (size_t)(k / 2) * G * RB_FUSED_UNITS, *w1 = w0 + (size_t)G * RB_FUSED_UNITS;
            uint32_t q0, q1;
            memcpy(&q0, zb + k, 4);
            memcpy(&q1, zb + k + 2, 4);
            __m512bh z0 = (__m512bh)_mm512_set1_epi32((int)q0), z1 = (__m512bh)_mm512_set1_epi32((int)q1);
            PREFETCH_LINES(w0, 2 * G * 64);
            for (int g = 0; g < G; g++) {
                a[g][0] = dpbf16(a[g][0], (__m512bh)_mm512_loadu_si512(w0 + g * RB_FUSED_UNITS), z0);
                a2[g] = dpbf16(a2[g], (__m512bh)_mm512_loadu_si512(w1 + g * RB_FUSED_UNITS), z1);
            }
        }
    for (; k < k1; k += 2) {
        const uint32_t *wk = w + (size_t)(k / 2) * G * RB_FUSED_UNITS;
        PREFETCH_LINES(wk, G * 64);
        __m512bh zz[4];
        for (int j = 0; j < NB; j++) {
            uint32_t q;
            memcpy(&q, zb + j * zs + k, 4);
            zz[j] = (__m512bh)_mm512_set1_epi32((int)q);
        }
        for (int g = 0; g < G; g++) {
            __m512bh wv = (__m512bh)_mm512_loadu_si512(wk + g * RB_FUSED_UNITS);
            for (int j = 0; j < NB; j++)
                a[g][j] = dpbf16(a[g][j], wv, zz[j]);
        }
    }
    for (int g = 0; g < G; g++) {
        a[g][0] = _mm512_add_ps(a[g][0], a2[g]);
        for (int j = 0; j < NB; j++)
            _mm512_storeu_ps(acc + ((size_t)j * G + g) * RB_FUSED_UNITS, a[g][j]);
    }
}

static void dot_bf16_native(const uint32_t *w, int G, int k0, int k1, const float *z, const uint16_t *zb, size_t zs,
                            int nb, float *acc)
{
    (void)z;
    RB_FUSED_DISPATCH(dot_bf16n_t, G, nb, w, k0, k1, zb, zs, acc);
}

const rb_fused_kernels rb_fused_kernels_avx512_bf16 = {
    .isa = RB_ISA_AVX512_BF16,
    .nb_max = nb_max,
    .dot_f32 = dot_f32,
    .dot_bf16 = dot_bf16_native,
    .bf16_native = 1,
    .dot_i8 = dot_i8_generic,
    .i8_offset = 0,
    .cell = cell_update,
    RB_FUSED_CONVERSIONS,
};
