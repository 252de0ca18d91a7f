/* backends/cpu_blas/cpu_vmath.h — exp, expm1, sigmoid and tanh on one native vector of floats at a time, in GNU C
 * vector extensions (no ISA-specific code: the including file's compile flags decide the instruction set, and the
 * vector width follows it — 16 lanes with AVX-512, 8 with AVX2, 4 otherwise; GCC lowers wider generic vectors
 * through memory). Shared by cpu-blas's element-wise passes and cpu-fused's in-register cell update.
 *
 * Method: x = n ln2 + r with n = round(x / ln2) (Cody-Waite split of ln2, |r| <= ln2/2), e^r - 1 by its Taylor
 * polynomial to degree 7 (truncation < 2e-8 relative), 2^n from the exponent bits. expm1 = 2^n (p + 1) - 1 is
 * formed as 2^n p + (2^n - 1), exact for n = 0, so it stays accurate near 0; tanh|x| = -em / (em + 2) with
 * em = expm1(-2|x|) has no cancellation anywhere; sigmoid = 1 / (1 + e^-x).
 *
 * Documented error bound (tests/test_cpu_vmath.c checks it for every compiled path against double-precision libm
 * on 2 million points in [-90, 90] and near 0): relative error <= RB_VMATH_REL_ERR (3e-7, 2.5 ulp of 1.0; measured max 1.9e-7)
 * for exp and expm1 on [-87, 88], and for sigmoid and tanh on all inputs, plus an absolute error <= 1e-37 where
 * the true value underflows (sigmoid below -87). Inputs are clamped to [-87, 88] inside exp, so exp saturates at
 * e^88 and e^-87 instead of overflowing or going subnormal. NaN inputs are not supported. */
#ifndef RB_CPU_VMATH_H
#define RB_CPU_VMATH_H

#include <stdint.h>
#include <string.h>

#define RB_VMATH_REL_ERR 3.0e-7

#if defined(__AVX512F__)
#define RB_VF_LANES 16
#elif defined(__AVX2__)
#define RB_VF_LANES 8
#else
#define RB_VF_LANES 4
#endif
typedef float rb_vf __attribute__((vector_size(RB_VF_LANES * 4)));
typedef int32_t rb_vi __attribute__((vector_size(RB_VF_LANES * 4)));

static inline rb_vf rb_vf_load(const float *p)
{
    rb_vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void rb_vf_store(float *p, rb_vf v)
{
    memcpy(p, &v, sizeof v);
}

static inline rb_vf rb_vf_set1(float a)
{
    return (rb_vf){0} + a;
}

/* m ? a : b, with m a comparison result (all ones / all zeros per lane). */
static inline rb_vf rb_vf_select(rb_vi m, rb_vf a, rb_vf b)
{
    return (rb_vf)(((rb_vi)a & m) | ((rb_vi)b & ~m));
}

static inline rb_vf rb_vf_min(rb_vf a, rb_vf b)
{
    return rb_vf_select(a < b, a, b);
}

static inline rb_vf rb_vf_max(rb_vf a, rb_vf b)
{
    return rb_vf_select(a > b, a, b);
}

/* e^x = scale * (pm1 + 1), with scale = 2^n and pm1 = e^r - 1. */
static inline void rb_vexp_parts(rb_vf x, rb_vf *scale, rb_vf *pm1)
{
    const float magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits */
    x = rb_vf_min(rb_vf_max(x, rb_vf_set1(-87.0f)), rb_vf_set1(88.0f));
    rb_vf t = x * 1.44269504088896341f + magic;
    rb_vf n = t - magic;
    rb_vf r = x - n * 0.693145751953125f; /* ln2 split: hi has 16 significant bits, so n * hi is exact */
    r = r - n * 1.428606765330187045e-6f;
    rb_vf p = r * (1.0f / 5040) + (1.0f / 720);
    p = p * r + (1.0f / 120);
    p = p * r + (1.0f / 24);
    p = p * r + (1.0f / 6);
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    *pm1 = p * r;
    rb_vi ni = (rb_vi)t - 0x4B400000; /* the integer n from t's bits */
    *scale = (rb_vf)((ni + 127) << 23);
}

static inline rb_vf rb_vexp(rb_vf x)
{
    rb_vf s, pm1;
    rb_vexp_parts(x, &s, &pm1);
    return s * pm1 + s;
}

static inline rb_vf rb_vexpm1(rb_vf x)
{
    rb_vf s, pm1;
    rb_vexp_parts(x, &s, &pm1);
    return s * pm1 + (s - 1.0f);
}

static inline rb_vf rb_vsigmoid(rb_vf x)
{
    return 1.0f / (1.0f + rb_vexp(-x));
}

static inline rb_vf rb_vtanh(rb_vf x)
{
    rb_vi sign = (rb_vi)x & (int32_t)0x80000000;
    rb_vf a = (rb_vf)((rb_vi)x & 0x7fffffff);
    rb_vf em = rb_vexpm1(a * -2.0f); /* in (-1, 0] */
    rb_vf t = -em / (em + 2.0f);
    return (rb_vf)((rb_vi)t | sign);
}

/* Loads n < RB_VF_LANES floats (the rest 0) / stores the first n lanes: the tails of element-wise loops. */
static inline rb_vf rb_vf_load_n(const float *p, int n)
{
    float tmp[RB_VF_LANES] = {0};
    memcpy(tmp, p, (size_t)n * sizeof(float));
    return rb_vf_load(tmp);
}

static inline void rb_vf_store_n(float *p, rb_vf v, int n)
{
    float tmp[RB_VF_LANES];
    rb_vf_store(tmp, v);
    memcpy(p, tmp, (size_t)n * sizeof(float));
}

#endif
