/* backends/brainwave/bw_bfp.c — block floating point quantisation and fp16 rounding (see bw_bfp.h). */
#include "bw_bfp.h"

#include <math.h>
#include <string.h>

int bw_bfp_format_make(bw_bfp_format *f, int exp_bits, int mantissa_bits, int leading_bit)
{
    if (exp_bits < 2 || exp_bits > 8 || mantissa_bits < 1 || (leading_bit != 0 && leading_bit != 1))
        return -1;
    int b = mantissa_bits + leading_bit;
    if (b > 12) /* keeps block dot products of up to 8192 elements exact in int32 only for small b; 12 max */
        return -1;
    int bias = (1 << (exp_bits - 1)) - 1;
    f->mag_bits = b;
    f->exp_max = bias;
    f->exp_min = 1 - bias;
    return 0;
}

int bw_bfp_shared_exponent(const bw_bfp_format *f, float maxabs)
{
    if (!(maxabs > 0.0f))
        return f->exp_min;
    if (isinf(maxabs) || isnan(maxabs))
        return f->exp_max;
    int e2;
    frexpf(maxabs, &e2); /* maxabs = m * 2^e2, m in [0.5, 1) -> floor(log2 maxabs) = e2 - 1 */
    int e = e2 - 1;
    if (e < f->exp_min)
        e = f->exp_min;
    if (e > f->exp_max)
        e = f->exp_max;
    return e;
}

int bw_bfp_quantize(const bw_bfp_format *f, const float *x, int n, int16_t *q)
{
    float maxabs = 0.0f;
    for (int i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        if (isnan(a))
            a = INFINITY;
        if (a > maxabs)
            maxabs = a;
    }
    int s = bw_bfp_shared_exponent(f, maxabs) - f->mag_bits + 1;
    const double qmax = (double)((1 << f->mag_bits) - 1);
    const double scale = ldexp(1.0, -s); /* a power of two: the scaling below is exact in double */
    for (int i = 0; i < n; i++) {
        double v = (double)x[i];
        if (isnan(v))
            v = INFINITY;
        double m = nearbyint(fabs(v) * scale); /* default rounding mode: nearest, ties to even */
        if (m > qmax)
            m = qmax;
        q[i] = (int16_t)(v < 0 ? -m : m);
    }
    return s;
}

void bw_bfp_round(const bw_bfp_format *f, const float *x, float *out, int n, int block)
{
    int16_t q[8192]; /* the architecture file caps native_dim at 8192 */
    if (block > 8192)
        block = 8192;
    if (block < 1)
        block = 1;
    for (int start = 0; start < n; start += block) {
        int len = n - start < block ? n - start : block;
        int s = bw_bfp_quantize(f, x + start, len, q);
        for (int i = 0; i < len; i++)
            out[start + i] = ldexpf((float)q[i], s);
    }
}

float bw_fp16_round(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    uint32_t sign = u & 0x80000000u, a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) /* inf, nan */
        return x;
    if (a >= 0x477ff000u) /* >= 65520: rounds beyond the largest finite half (65504) */
        return sign ? -INFINITY : INFINITY;
    float r;
    if (a < 0x38800000u) { /* below 2^-14: half subnormals, fixed step 2^-24 (scaling is exact) */
        float m;
        memcpy(&m, &a, sizeof m);
        r = nearbyintf(m * 16777216.0f) * (1.0f / 16777216.0f);
    } else { /* normal: keep 10 of the 23 mantissa bits, round to nearest even */
        a += 0x0fffu + ((a >> 13) & 1u);
        a &= ~0x1fffu;
        memcpy(&r, &a, sizeof r);
    }
    return sign ? -r : r;
}
