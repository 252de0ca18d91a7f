/* backends/cpu_fused/fused_kernels_avx512_vnni.c — cpu-fused's kernels for AVX-512 + VNNI: int8 dot products with
 * vpdpbusd (u8 activations x s8 weights, four k per 32-bit lane); fp32 and bf16 as the avx512 path. */
#include <immintrin.h>
#include "fused_kernels_impl.h"

/* acc + u8 x s8 dot products; the accumulator tied to the instruction's destination (inline asm): with the
 * intrinsic, GCC 12 copied every accumulator twice per iteration and spilled some (measured: the batch-4 loop ran
 * 16 vpdpbusd and ~36 register moves per k group). */
static inline __m512i dpbusd(__m512i acc, __m512i u8, __m512i s8)
{
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u8), "vm"(s8));
    return acc;
}

/* Sum w * (s8 + 128) = sum w * u8; with one vector, odd groups of 4 k go to a second set of accumulators. */
static inline __attribute__((always_inline)) void dot_vnni_t(const int G, const int NB, const int8_t *w, int k0,
                                                              int k1, const uint8_t *z, size_t zs, int32_t *acc)
{
    __m512i a[4][4], a2[4];
    for (int g = 0; g < G; g++) {
        for (int j = 0; j < NB; j++)
            a[g][j] = _mm512_loadu_si512(acc + ((size_t)j * G + g) * RB_FUSED_UNITS);
        a2[g] = _mm512_setzero_si512();
    }
    int k = k0;
    if (NB == 1)
        for (; k + 7 < k1; k += 8) {
            const int8_t *w0 = w + (size_t)(k / 4) * G * 64, *w1 = w0 + (size_t)G * 64;
            uint32_t q0, q1;
            memcpy(&q0, z + k, 4);
            memcpy(&q1, z + k + 4, 4);
            __m512i z0 = _mm512_set1_epi32((int)q0), z1 = _mm512_set1_epi32((int)q1);
            PREFETCH_LINES(w0, 2 * G * 64);
            for (int g = 0; g < G; g++) {
                a[g][0] = dpbusd(a[g][0], z0, _mm512_loadu_si512(w0 + g * 64));
                a2[g] = dpbusd(a2[g], z1, _mm512_loadu_si512(w1 + g * 64));
            }
        }
    for (; k < k1; k += 4) {
        const int8_t *wk = w + (size_t)(k / 4) * G * 64;
        PREFETCH_LINES(wk, G * 64);
        __m512i zz[4];
        for (int j = 0; j < NB; j++) {
            uint32_t q;
            memcpy(&q, z + j * zs + k, 4);
            zz[j] = _mm512_set1_epi32((int)q);
        }
        for (int g = 0; g < G; g++) {
            __m512i wv = _mm512_loadu_si512(wk + g * 64);
            for (int j = 0; j < NB; j++)
                a[g][j] = dpbusd(a[g][j], zz[j], wv);
        }
    }
    for (int g = 0; g < G; g++) {
        a[g][0] = _mm512_add_epi32(a[g][0], a2[g]);
        for (int j = 0; j < NB; j++)
            _mm512_storeu_si512(acc + ((size_t)j * G + g) * RB_FUSED_UNITS, a[g][j]);
    }
}

static void dot_i8_vnni(const int8_t *w, int G, int k0, int k1, const uint8_t *z, size_t zs, int nb, int32_t *acc)
{
    RB_FUSED_DISPATCH(dot_vnni_t, G, nb, w, k0, k1, z, zs, acc);
}

const rb_fused_kernels rb_fused_kernels_avx512_vnni = {
    .isa = RB_ISA_AVX512_VNNI,
    .nb_max = nb_max,
    .dot_f32 = dot_f32,
    .dot_bf16 = dot_bf16_widen,
    .bf16_native = 0,
    .dot_i8 = dot_i8_vnni,
    .i8_offset = 1,
    .cell = cell_update,
    RB_FUSED_CONVERSIONS,
};
