/* tests/test_spatial_func.c — functional execution in the accelerator's numerics against the fp32 reference:
 * the paper's mixed fp8/16/32 (e4m3 and e5m2) and int8/int32 with a Q16.16 tail, both with LUT activations.
 *
 * The backend declares a bound on max_rel_err (max |y - ref| / max |ref|) per numerics (error_bound). Every case
 * here must stay below it, and deliberately broken quantisers must exceed it (so the bound can fail): fp8
 * quantisers whose tensor scales are off by 2^4 (values saturate) or 2^-12 (they underflow), an e4m3 format
 * with no mantissa bits (values rounded to powers of two), an int8 quantiser that uses half its scale (weights
 * clip). The bound also sits well
 * below what an all-zero output (1.0) or a sign-flipped one (2.0) would score. The fp8 and fp16 rounding
 * functions are checked against hand-computed values (ties to even, subnormals, saturation, the number of
 * distinct values of each format). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "check_main.h"
#include "spatial_fp8.h"
#include "spatial_int8.h"
#include "spatial_load_arch.h"

extern const rb_backend rb_backend_spatial;

typedef enum { NUM_INT8, NUM_E4M3, NUM_E5M2 } num_kind;
static const char *const NUM_NAME[3] = { "int8", "fp8-e4m3", "fp8-e5m2" };

static double bound_of(num_kind k, const rb_problem *p)
{
    rb_options o = { 0 };
    if (k == NUM_INT8) {
        snprintf(o.key[0], RB_OPT_KEY_MAX, "numerics");
        snprintf(o.val[0], RB_OPT_VAL_MAX, "int8");
        o.n = 1;
    } else if (k == NUM_E5M2) {
        snprintf(o.key[0], RB_OPT_KEY_MAX, "fp8");
        snprintf(o.val[0], RB_OPT_VAL_MAX, "e5m2");
        o.n = 1;
    }
    return rb_backend_error_bound(&rb_backend_spatial, p, &o);
}

/* Runs one problem in the given numerics; a non-zero `broken` selects the deliberately broken quantiser. */
static void run_numerics(num_kind k, int broken, const rb_problem *p, sp_input_mode mode, const rb_weights *w,
                         const float *x, float *y)
{
    sp_arch a;
    load_arch("sysml19", &a);
    if (k == NUM_INT8) {
        sp_qmodel q;
        ck_assert_int_eq(sp_qmodel_init_scaled(&q, p, w, &a, mode, broken ? 0.5 : 1.0), 0);
        ck_assert_int_eq(sp_qmodel_run(&q, p, x, y), 0);
        sp_qmodel_free(&q);
    } else {
        sp_fp8_fmt f = k == NUM_E4M3 ? SP_FP8_E4M3 : SP_FP8_E5M2;
        if (broken == 1)
            f.scale_bias = 4;    /* tensors scaled 16x too large: they saturate */
        else if (broken == 2)
            f.scale_bias = -12;  /* 4096x too small: they underflow */
        else if (broken == 3)
            f.mbits = 0;         /* no mantissa: powers of two */
        sp_fp8_model q;
        ck_assert_int_eq(sp_fp8_init(&q, p, w, &a, mode, &f), 0);
        ck_assert_int_eq(sp_fp8_run(&q, p, x, y), 0);
        sp_fp8_free(&q);
    }
}

static void run_case(rb_cell cell, int H, int I, int B, int T, sp_input_mode mode)
{
    rb_problem p = { cell, H, I, B, T, "" };
    rb_problem_default_name(&p);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 1234), 0);
    float *x = rb_inputs_make(&p, 99);
    ck_assert_ptr_nonnull(x);
    size_t n = rb_output_len(&p);
    float *y = calloc(n, sizeof *y), *ref = calloc(n, sizeof *ref);
    ck_assert_int_eq(rb_reference_forward(&p, &w, x, ref), 0);
    for (int k = 0; k < 3; k++) {
        double bound = bound_of((num_kind)k, &p);
        ck_assert(bound > 0 && bound < 0.6);
        run_numerics((num_kind)k, 0, &p, mode, &w, x, y);
        double max_abs, rel;
        rb_compare(y, ref, n, &max_abs, &rel);
        printf("%-26s %-5s %-9s max rel %.4f (bound %.2f)\n", p.name, sp_input_mode_name(mode), NUM_NAME[k], rel,
               bound);
        ck_assert_msg(rel < bound, "%s %s: max rel error %.4f over the bound %.2f", p.name, NUM_NAME[k], rel,
                      bound);
        if (k == NUM_INT8) { /* the output really is the int8 h: every value is a multiple of 1/127 */
            for (size_t i = 0; i < n; i += 7)
                ck_assert_double_eq_tol(y[i] * 127.0, round(y[i] * 127.0), 1e-3);
        } else { /* ... or an 8-bit float of the format */
            const sp_fp8_fmt *f = k == NUM_E4M3 ? &SP_FP8_E4M3 : &SP_FP8_E5M2;
            for (size_t i = 0; i < n; i += 7)
                ck_assert_float_eq(sp_fp8_round(y[i], f), y[i]);
        }
        /* broken quantisers fail the bound */
        for (int broken = 1; broken <= (k == NUM_INT8 ? 1 : k == NUM_E4M3 ? 3 : 2); broken++) {
            run_numerics((num_kind)k, broken, &p, mode, &w, x, y);
            rb_compare(y, ref, n, &max_abs, &rel);
            printf("%-26s %-5s %-9s broken quantiser %d: max rel %.4f\n", p.name, sp_input_mode_name(mode),
                   NUM_NAME[k], broken, rel);
            ck_assert_msg(rel > bound, "%s %s broken quantiser %d: error %.4f within the bound %.2f", p.name,
                          NUM_NAME[k], broken, rel, bound);
        }
    }
    /* an all-zero or sign-flipped output is far outside every bound */
    double za, zr;
    memset(y, 0, n * sizeof *y);
    rb_compare(y, ref, n, &za, &zr);
    ck_assert(zr > 1.5 * bound_of(NUM_E5M2, &p));
    rb_weights_free(&w);
    free(x);
    free(y);
    free(ref);
}

START_TEST(lstm_full) { run_case(RB_CELL_LSTM, 64, 64, 1, 20, SP_INPUT_FULL); }
END_TEST
START_TEST(lstm_skip_batch) { run_case(RB_CELL_LSTM, 48, 32, 3, 15, SP_INPUT_SKIP); }
END_TEST
START_TEST(gru_full) { run_case(RB_CELL_GRU, 64, 64, 1, 20, SP_INPUT_FULL); }
END_TEST
START_TEST(gru_full_batch) { run_case(RB_CELL_GRU, 40, 56, 2, 15, SP_INPUT_FULL); }
END_TEST
START_TEST(gru_skip) { run_case(RB_CELL_GRU, 72, 72, 1, 12, SP_INPUT_SKIP); }
END_TEST
START_TEST(vanilla_full) { run_case(RB_CELL_VANILLA, 96, 24, 1, 12, SP_INPUT_FULL); }
END_TEST
START_TEST(larger_lstm) { run_case(RB_CELL_LSTM, 256, 256, 1, 30, SP_INPUT_FULL); }
END_TEST
START_TEST(larger_gru) { run_case(RB_CELL_GRU, 512, 512, 1, 10, SP_INPUT_FULL); }
END_TEST

START_TEST(fp8_rounding)
{
    const sp_fp8_fmt *e4 = &SP_FP8_E4M3, *e5 = &SP_FP8_E5M2;
    ck_assert_float_eq(sp_fp8_round(1.0f, e4), 1.0f);
    ck_assert_float_eq(sp_fp8_round(1.0625f, e4), 1.0f);   /* tie between 1 and 1.125: even */
    ck_assert_float_eq(sp_fp8_round(1.1875f, e4), 1.25f);  /* tie between 1.125 and 1.25: even */
    ck_assert_float_eq(sp_fp8_round(1.07f, e4), 1.125f);
    ck_assert_float_eq(sp_fp8_round(-3.3f, e4), -3.25f);
    ck_assert_float_eq(sp_fp8_round(448.0f, e4), 448.0f);
    ck_assert_float_eq(sp_fp8_round(500.0f, e4), 448.0f); /* saturates: no infinities */
    ck_assert_float_eq(sp_fp8_round(-1e9f, e4), -448.0f);
    ck_assert_float_eq(sp_fp8_round(ldexpf(1, -9), e4), ldexpf(1, -9)); /* smallest subnormal */
    ck_assert_float_eq(sp_fp8_round(ldexpf(1, -10), e4), 0.0f);         /* tie with 0: even */
    ck_assert_float_eq(sp_fp8_round(ldexpf(3, -11), e4), ldexpf(1, -9));
    ck_assert_float_eq(sp_fp8_round(ldexpf(13, -9), e4), ldexpf(13, -9)); /* subnormal 13/8 x 2^-6 */
    ck_assert_float_eq(sp_fp8_round(1.125f, e5), 1.0f); /* 2 mantissa bits: tie between 1 and 1.25 */
    ck_assert_float_eq(sp_fp8_round(1.2f, e5), 1.25f);
    ck_assert_float_eq(sp_fp8_round(57344.0f, e5), 57344.0f);
    ck_assert_float_eq(sp_fp8_round(1e6f, e5), 57344.0f);
    ck_assert_float_eq(sp_fp8_round(ldexpf(1, -16), e5), ldexpf(1, -16));
    ck_assert_float_eq(sp_f16_round(1.0f + ldexpf(1, -11)), 1.0f);
    ck_assert_float_eq(sp_f16_round(1.0f + ldexpf(3, -11)), 1.0f + ldexpf(1, -9));
    ck_assert_float_eq(sp_f16_round(65520.0f), 65504.0f);
    ck_assert_float_eq(sp_f16_round(ldexpf(1, -24)), ldexpf(1, -24));
    ck_assert_float_eq(sp_f16_round(ldexpf(1, -26)), 0.0f);
    /* every finite value of each format, reached by sweeping the range: e4m3 has 253, e5m2 247 (+-0 once) */
    const sp_fp8_fmt *fmts[2] = { e4, e5 };
    int want[2] = { 253, 247 };
    for (int fi = 0; fi < 2; fi++) {
        static float seen[512];
        int nseen = 0;
        for (double v = -70000; v <= 70000;) {
            float r = sp_fp8_round((float)v, fmts[fi]);
            int found = 0;
            for (int i = 0; i < nseen && !found; i++)
                found = seen[i] == r;
            if (!found) {
                ck_assert_int_lt(nseen, 512);
                seen[nseen++] = r;
            }
            double step = fabs(v) * 1e-3;
            v += step > 1e-7 ? step : 1e-7;
        }
        ck_assert_int_eq(nseen, want[fi]);
    }
}
END_TEST

START_TEST(lut_accuracy)
{
    sp_arch a;
    load_arch("sysml19", &a);
    sp_lut l;
    ck_assert_int_eq(sp_lut_init(&l, &a), 0);
    double bin = (a.lut_max - a.lut_min) / a.lut_entries;
    double worst_t = 0, worst_s = 0;
    for (double x = -10; x <= 10; x += 0.0037) {
        int32_t q = (int32_t)llround(x * 65536.0);
        double t = sp_lut_eval(&l, l.tanh, q) / 65536.0, s = sp_lut_eval(&l, l.sig, q) / 65536.0;
        worst_t = fmax(worst_t, fabs(t - tanh(x)));
        worst_s = fmax(worst_s, fabs(s - 1.0 / (1.0 + exp(-x))));
    }
    /* half a bin times the maximum slope (1 for tanh, 1/4 for sigmoid), plus Q16.16 rounding */
    ck_assert_msg(worst_t <= bin / 2 + 1e-4, "tanh LUT error %g", worst_t);
    ck_assert_msg(worst_s <= bin / 8 + 1e-4, "sigmoid LUT error %g", worst_s);
    ck_assert(worst_t > bin / 4); /* it really is a table, not libm */
    sp_lut_free(&l);

    sp_rescale r;
    sp_rescale_init(&r, 3.7e-6);
    ck_assert_int_eq(sp_rescale_apply(&r, 1000000), (int32_t)llround(1000000 * 3.7e-6 * 65536.0));
    ck_assert_int_eq(sp_rescale_apply(&r, -1000000), -(int32_t)llround(1000000 * 3.7e-6 * 65536.0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spatial_func");
    TCase *tc = tcase_create("func");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, fp8_rounding);
    tcase_add_test(tc, lut_accuracy);
    tcase_add_test(tc, lstm_full);
    tcase_add_test(tc, lstm_skip_batch);
    tcase_add_test(tc, gru_full);
    tcase_add_test(tc, gru_full_batch);
    tcase_add_test(tc, gru_skip);
    tcase_add_test(tc, vanilla_full);
    tcase_add_test(tc, larger_lstm);
    tcase_add_test(tc, larger_gru);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
