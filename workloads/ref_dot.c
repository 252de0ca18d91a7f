/* workloads/ref_dot.c — the reference's dot-product kernel (order documented in ref_dot.h) in three versions chosen
 * at run time: AVX-512 (the eight partial sums s_0..s_7 in one vector), AVX2 (in two) and a portable one with GCC
 * vector extensions (in four 2-lane vectors; plain C without them). Every version adds the same products in the same
 * order, so all give the same bits. Up to four rows share each load of the vector. Compiled with
 * -ffp-contract=fast (CMakeLists): products of two floats are exact in double, so contraction into FMA cannot
 * change a sum. */
#include "ref_dot.h"

#include <string.h>

#if defined(__GNUC__)
/* Portable: 2-lane vectors (SSE2, NEON), the eight partial sums s_0..s_7 in four of them. */
typedef double v2d __attribute__((vector_size(16)));
typedef float v2f __attribute__((vector_size(8)));

#define LOAD(type, p) ({ type v_; memcpy(&v_, (p), sizeof v_); v_; })
#define CVT2(p) __builtin_convertvector(LOAD(v2f, p), v2d)

/* The tail (added to s_0) and the fixed reduction of one row's partial sums s[0..7]. */
static inline __attribute__((always_inline)) double finish(double s0, double s1, double s2, double s3, double s4,
                                                           double s5, double s6, double s7, const float *row,
                                                           const double *v, size_t k, size_t n)
{
    for (; k < n; k++)
        s0 += (double)row[k] * v[k];
    return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
}

/* 2-lane body (baseline SSE2, NEON): one row at a time, s_0..s_7 in four vectors. */
static void dot_rows_portable(const float *m, size_t ld, int nr, const double *v, size_t n, double *out)
{
    const size_t n8 = n & ~(size_t)7;
    const v2d zero = {0, 0};
    for (int i = 0; i < nr; i++) {
        const float *r = m + (size_t)i * ld;
        v2d a = zero, b = zero, c = zero, d = zero;
        for (size_t k = 0; k < n8; k += 8) {
            a += CVT2(r + k) * LOAD(v2d, v + k);
            b += CVT2(r + k + 2) * LOAD(v2d, v + k + 2);
            c += CVT2(r + k + 4) * LOAD(v2d, v + k + 4);
            d += CVT2(r + k + 6) * LOAD(v2d, v + k + 6);
        }
        out[i] = finish(a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1], r, v, n8, n);
    }
}

#if defined(__x86_64__)
/* x86-64: intrinsics, since GCC's generic float-to-double vector conversion splits into 128-bit halves. */
#include <immintrin.h>
#define RB_HAVE_X86_KERNELS 1

#define FINISH_STORED(acc, row) finish(acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7], row, v, n8, n)

/* AVX2: s_0..s_3 and s_4..s_7 in two 256-bit vectors; four rows share each load of v. */
__attribute__((target("avx2,fma"))) static void dot_rows_avx2(const float *m, size_t ld, int nr, const double *v,
                                                                size_t n, double *out)
{
    const size_t n8 = n & ~(size_t)7;
    double acc[8];
    int i = 0;
    for (; i + 4 <= nr; i += 4) {
        const float *r0 = m + (size_t)i * ld, *r1 = r0 + ld, *r2 = r1 + ld, *r3 = r2 + ld;
        __m256d l0 = _mm256_setzero_pd(), h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
        for (size_t k = 0; k < n8; k += 8) {
            __m256d xl = _mm256_loadu_pd(v + k), xh = _mm256_loadu_pd(v + k + 4);
            l0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r0 + k)), xl, l0);
            h0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r0 + k + 4)), xh, h0);
            l1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r1 + k)), xl, l1);
            h1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r1 + k + 4)), xh, h1);
            l2 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r2 + k)), xl, l2);
            h2 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r2 + k + 4)), xh, h2);
            l3 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r3 + k)), xl, l3);
            h3 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r3 + k + 4)), xh, h3);
        }
        const float *rows[4] = {r0, r1, r2, r3};
        __m256d lo[4] = {l0, l1, l2, l3}, hi[4] = {h0, h1, h2, h3};
        for (int q = 0; q < 4; q++) {
            _mm256_storeu_pd(acc, lo[q]);
            _mm256_storeu_pd(acc + 4, hi[q]);
            out[i + q] = FINISH_STORED(acc, rows[q]);
        }
    }
    for (; i < nr; i++) {
        const float *r = m + (size_t)i * ld;
        __m256d lo = _mm256_setzero_pd(), hi = lo;
        for (size_t k = 0; k < n8; k += 8) {
            lo = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r + k)), _mm256_loadu_pd(v + k), lo);
            hi = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(r + k + 4)), _mm256_loadu_pd(v + k + 4), hi);
        }
        _mm256_storeu_pd(acc, lo);
        _mm256_storeu_pd(acc + 4, hi);
        out[i] = FINISH_STORED(acc, r);
    }
}

/* AVX-512: s_0..s_7 in one 512-bit vector per row; four rows share each load of v. */
__attribute__((target("avx512f"))) static void dot_rows_avx512(const float *m, size_t ld, int nr, const double *v,
                                                                 size_t n, double *out)
{
    const size_t n8 = n & ~(size_t)7;
    double acc[8];
    int i = 0;
    for (; i + 4 <= nr; i += 4) {
        const float *r0 = m + (size_t)i * ld, *r1 = r0 + ld, *r2 = r1 + ld, *r3 = r2 + ld;
        __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
        for (size_t k = 0; k < n8; k += 8) {
            __m512d x = _mm512_loadu_pd(v + k);
            a0 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(r0 + k)), x, a0);
            a1 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(r1 + k)), x, a1);
            a2 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(r2 + k)), x, a2);
            a3 = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(r3 + k)), x, a3);
        }
        const float *rows[4] = {r0, r1, r2, r3};
        __m512d a[4] = {a0, a1, a2, a3};
        for (int q = 0; q < 4; q++) {
            _mm512_storeu_pd(acc, a[q]);
            out[i + q] = FINISH_STORED(acc, rows[q]);
        }
    }
    for (; i < nr; i++) {
        const float *r = m + (size_t)i * ld;
        __m512d a = _mm512_setzero_pd();
        for (size_t k = 0; k < n8; k += 8)
            a = _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_loadu_ps(r + k)), _mm512_loadu_pd(v + k), a);
        _mm512_storeu_pd(acc, a);
        out[i] = FINISH_STORED(acc, r);
    }
}
#endif

#else /* no vector extensions: plain C with the same order */
static void dot_rows_portable(const float *m, size_t ld, int nr, const double *v, size_t n, double *out)
{
    for (int i = 0; i < nr; i++) {
        const float *r = m + (size_t)i * ld;
        double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        size_t k = 0;
        for (; k + 8 <= n; k += 8)
            for (int j = 0; j < 8; j++)
                s[j] += (double)r[k + j] * v[k + j];
        for (; k < n; k++)
            s[0] += (double)r[k] * v[k];
        out[i] = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    }
}
#endif

static rb_dot_rows_fn selected;

const char *rb_dot_rows_select(const char *isa)
{
    int any = !isa || !*isa;
#if defined(RB_HAVE_X86_KERNELS)
    __builtin_cpu_init();
    if ((any || strcmp(isa, "avx512") == 0) && __builtin_cpu_supports("avx512f")) {
        selected = dot_rows_avx512;
        return "avx512";
    }
    if ((any || strcmp(isa, "avx2") == 0) && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        selected = dot_rows_avx2;
        return "avx2";
    }
#endif
    if (any || strcmp(isa, "portable") == 0) {
        selected = dot_rows_portable;
        return "portable";
    }
    return NULL;
}

rb_dot_rows_fn rb_dot_rows(void)
{
    if (!selected)
        rb_dot_rows_select(NULL);
    return selected;
}
