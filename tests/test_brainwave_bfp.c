/* tests/test_brainwave_bfp.c — Brainwave numerics on hand-made vectors: shared exponent from the block
 * maximum, mantissa rounding (nearest, ties to even), saturation, zeros, negatives, exponent clamping,
 * block independence, the BFP matrix-vector product with padding, and fp16 rounding. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "check_main.h"
#include "bw_bfp.h"
#include "bw_exec.h"

static bw_bfp_format fp8; /* 5-bit shared exponent, 3 magnitude bits (ms-fp8 read with a stored leading bit; ms-fp9 as shipped) */

static void setup(void) { ck_assert_int_eq(bw_bfp_format_make(&fp8, 5, 2, 1), 0); }

static void quant(const bw_bfp_format *f, const float *x, float *out, int n)
{
    bw_bfp_round(f, x, out, n, n);
}

START_TEST(format_fields)
{
    ck_assert_int_eq(fp8.mag_bits, 3);
    ck_assert_int_eq(fp8.exp_max, 15);
    ck_assert_int_eq(fp8.exp_min, -14);
    bw_bfp_format f;
    ck_assert_int_eq(bw_bfp_format_make(&f, 5, 3, 0), 0);
    ck_assert_int_eq(f.mag_bits, 3);
    ck_assert_int_eq(bw_bfp_format_make(&f, 1, 2, 1), -1);
    ck_assert_int_eq(bw_bfp_format_make(&f, 5, 0, 1), -1);
    ck_assert_int_eq(bw_bfp_format_make(&f, 5, 2, 2), -1);
}
END_TEST

START_TEST(shared_exponent_from_block_max)
{
    ck_assert_int_eq(bw_bfp_shared_exponent(&fp8, 1.0f), 0);
    ck_assert_int_eq(bw_bfp_shared_exponent(&fp8, 1.99f), 0);
    ck_assert_int_eq(bw_bfp_shared_exponent(&fp8, 2.0f), 1);
    ck_assert_int_eq(bw_bfp_shared_exponent(&fp8, 0.75f), -1);
    ck_assert_int_eq(bw_bfp_shared_exponent(&fp8, 0.0f), -14);
    ck_assert_int_eq(bw_bfp_shared_exponent(&fp8, 1e-9f), -14); /* clamped below */
    ck_assert_int_eq(bw_bfp_shared_exponent(&fp8, 1e9f), 15);   /* clamped above */
    /* the exponent is that of the max whichever position it is in */
    float x[4] = {0.1f, -3.0f, 0.2f, 0.05f};
    int16_t q[4];
    ck_assert_int_eq(bw_bfp_quantize(&fp8, x, 4, q), 1 - 3 + 1); /* e = 1, step 2^-1 */
    ck_assert_int_eq(q[1], -6);
}
END_TEST

START_TEST(mantissa_rounding_nearest_even)
{
    /* max 1.0 -> e = 0, 3 magnitude bits -> step 0.25 */
    float x[6] = {1.0f, 0.5f, 0.3f, 0.375f, 0.625f, 0.12f};
    float y[6];
    quant(&fp8, x, y, 6);
    ck_assert_float_eq(y[0], 1.0f);
    ck_assert_float_eq(y[1], 0.5f);
    ck_assert_float_eq(y[2], 0.25f); /* 1.2 steps -> 1 */
    ck_assert_float_eq(y[3], 0.5f);  /* 1.5 -> 2 (even) */
    ck_assert_float_eq(y[4], 0.5f);  /* 2.5 -> 2 (even) */
    ck_assert_float_eq(y[5], 0.0f);  /* 0.48 -> 0: small elements lose everything */
}
END_TEST

START_TEST(saturates_at_largest_magnitude)
{
    float x[2] = {1.9f, -1.9f};
    float y[2];
    quant(&fp8, x, y, 2);
    ck_assert_float_eq(y[0], 1.75f); /* 7.6 steps rounds to 8 > 7: saturate */
    ck_assert_float_eq(y[1], -1.75f);
    float big[1] = {1e9f};
    quant(&fp8, big, y, 1);
    ck_assert_float_eq(y[0], 7.0f * 8192.0f); /* e clamped to 15, step 2^13 */
    float inf[2] = {INFINITY, 1.0f};
    quant(&fp8, inf, y, 2);
    ck_assert_float_eq(y[0], 57344.0f);
}
END_TEST

START_TEST(zeros_and_negatives)
{
    float z[5] = {0, 0, 0, 0, 0};
    float y[5] = {1, 1, 1, 1, 1};
    quant(&fp8, z, y, 5);
    for (int i = 0; i < 5; i++)
        ck_assert_float_eq(y[i], 0.0f);
    float x[5] = {0.8f, -0.3f, 0.0f, 0.61f, -0.05f};
    float nx[5], yp[5], yn[5];
    for (int i = 0; i < 5; i++)
        nx[i] = -x[i];
    quant(&fp8, x, yp, 5);
    quant(&fp8, nx, yn, 5);
    for (int i = 0; i < 5; i++)
        ck_assert_float_eq(yn[i], -yp[i]); /* sign-magnitude: symmetric */
    ck_assert_float_eq(yp[2], 0.0f);
    ck_assert_float_eq(yp[1], -0.25f); /* max 0.8 -> e = -1, step 0.125: 2.4 -> 2 */
    ck_assert_float_eq(yp[0], 0.75f);  /* 6.4 -> 6 */
    ck_assert_float_eq(yp[3], 0.625f); /* 4.88 -> 5 */
}
END_TEST

START_TEST(blocks_are_independent)
{
    float x[4] = {8.0f, 1.0f, 0.1f, 0.05f};
    float y[4];
    bw_bfp_round(&fp8, x, y, 4, 2);
    ck_assert_float_eq(y[0], 8.0f);
    ck_assert_float_eq(y[1], 0.0f);        /* step 2 in block 0: 0.5 -> 0 (even) */
    ck_assert_float_eq(y[2], 0.09375f);    /* block 1: e = -4, step 2^-6: 6.4 -> 6 */
    ck_assert_float_eq(y[3], 0.046875f);   /* 3.2 -> 3 */
    float all[4];
    quant(&fp8, x, all, 4); /* one block: the small values vanish */
    ck_assert_float_eq(all[2], 0.0f);
}
END_TEST

START_TEST(more_mantissa_bits_are_finer)
{
    bw_bfp_format fp9, noleading;
    ck_assert_int_eq(bw_bfp_format_make(&fp9, 5, 3, 1), 0);
    ck_assert_int_eq(bw_bfp_format_make(&noleading, 5, 2, 0), 0);
    float x[2] = {1.0f, 0.35f};
    float a[2], b[2], c[2];
    quant(&fp8, x, a, 2);
    quant(&fp9, x, b, 2);
    quant(&noleading, x, c, 2);
    ck_assert_float_eq(a[1], 0.25f);  /* step 1/4: 1.4 -> 1 */
    ck_assert_float_eq(b[1], 0.375f); /* step 1/8: 2.8 -> 3 */
    ck_assert_float_eq(c[1], 0.5f);   /* step 1/2: 0.7 -> 1 */
    ck_assert_float_eq(c[0], 1.0f);
}
END_TEST

START_TEST(matvec_with_padded_blocks)
{
    /* 2 x 5 matrix, block 2 -> 3 column blocks, the last one padded */
    const float A[10] = {1.0f, 0.3f, -0.7f, 0.2f, 0.9f, -0.5f, 0.25f, 0.1f, 0.0f, -2.0f};
    const float v[5] = {0.5f, -1.0f, 0.3f, 0.8f, -0.4f};
    bw_bfp_matrix m;
    ck_assert_int_eq(bw_bfp_matrix_make(&m, &fp8, A, 2, 5, 2), 0);
    ck_assert_int_eq(m.col_blocks, 3);
    int8_t qv[6];
    int16_t sv[3];
    bw_bfp_vector(&fp8, v, 5, 2, qv, sv);
    ck_assert_int_eq(qv[5], 0);
    float y[2];
    bw_bfp_matvec(&m, qv, sv, y);
    for (int r = 0; r < 2; r++) {
        float ar[5], vq[5];
        bw_bfp_round(&fp8, A + r * 5, ar, 5, 2);
        bw_bfp_round(&fp8, v, vq, 5, 2);
        double want = 0.0, exact = 0.0;
        for (int k = 0; k < 5; k++) {
            want += (double)ar[k] * vq[k];
            exact += (double)A[r * 5 + k] * v[k];
        }
        ck_assert_double_eq_tol(y[r], want, 1e-6);
        ck_assert_double_eq_tol(y[r], exact, 0.3); /* coarse, but close to the exact product */
    }
    bw_bfp_matrix_free(&m);
}
END_TEST

START_TEST(fp16_rounding)
{
    ck_assert_float_eq(bw_fp16_round(1.0f), 1.0f);
    ck_assert_float_eq(bw_fp16_round(1.0f + ldexpf(1, -11)), 1.0f);                    /* tie -> even */
    ck_assert_float_eq(bw_fp16_round(1.0f + 3 * ldexpf(1, -11)), 1.0f + ldexpf(1, -9)); /* tie -> even */
    ck_assert_float_eq(bw_fp16_round(0.1f), 0.0999755859375f);
    ck_assert_float_eq(bw_fp16_round(-0.1f), -0.0999755859375f);
    ck_assert_float_eq(bw_fp16_round(65504.0f), 65504.0f);
    ck_assert_float_eq(bw_fp16_round(65519.0f), 65504.0f);
    ck_assert(isinf(bw_fp16_round(65520.0f)));
    ck_assert_float_eq(bw_fp16_round(1e-8f), 0.0f);             /* below half the smallest subnormal */
    ck_assert_float_eq(bw_fp16_round(3e-8f), ldexpf(1, -24));   /* rounds up to the smallest subnormal */
    ck_assert_float_eq(bw_fp16_round(ldexpf(3, -20)), ldexpf(3, -20)); /* subnormal, exact */
    ck_assert(isnan(bw_fp16_round(NAN)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("brainwave_bfp");
    TCase *tc = tcase_create("bfp");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, format_fields);
    tcase_add_test(tc, shared_exponent_from_block_max);
    tcase_add_test(tc, mantissa_rounding_nearest_even);
    tcase_add_test(tc, saturates_at_largest_magnitude);
    tcase_add_test(tc, zeros_and_negatives);
    tcase_add_test(tc, blocks_are_independent);
    tcase_add_test(tc, more_mantissa_bits_are_finer);
    tcase_add_test(tc, matvec_with_padded_blocks);
    tcase_add_test(tc, fp16_rounding);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
