/* tests/test_spatial_func.c — functional execution in the accelerator's numerics (int8 weights/activations,
 * int32 accumulation, Q16.16 tail, LUT activations) against the fp32 reference.
 *
 * Error bound (max |y - ref| over the sequence): per step the int8 path adds at most
 *   h quantisation 1/254 = 0.0039, tanh LUT half a bin (8/1024) x slope 1 = 0.0078, sigmoid LUT 0.25 x that
 *   = 0.002, and weight/input quantisation: |U h| with per-tensor int8 scales errs by about
 *   sqrt(H) x (s_U/2) x |h| ~ 0.01 at H = 64 for the PyTorch-style uniform(+-1/sqrt(H)) weights,
 * i.e. about 0.02 per step in the worst case; the cells are contractive at this weight scale (gate slopes
 * <= 1, |U| spectral norm ~ 1.15 times sigmoid/tanh slopes), so errors do not grow without bound over
 * time. We allow 0.06 max abs and 0.01 mean abs. A broken implementation (wrong gate order, missing bias,
 * wrong GRU reset placement, stale h) is off by 0.1 and more: the test also checks that such corruptions
 * of the reference exceed the bound. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "spatial_int8.h"
#include "spatial_load_arch.h"

#define MAX_ABS_BOUND 0.06
#define MEAN_ABS_BOUND 0.01

static double mean_abs(const float *y, const float *r, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += fabs((double)y[i] - r[i]);
    return s / (double)n;
}

static void run_case(rb_cell cell, int H, int I, int B, int T, sp_input_mode mode)
{
    sp_arch a;
    load_arch("serving", &a);
    rb_problem p = { cell, H, I, B, T, "" };
    rb_problem_default_name(&p);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 1234), 0);
    float *x = rb_inputs_make(&p, 99);
    ck_assert_ptr_nonnull(x);
    size_t n = rb_output_len(&p);
    float *y = calloc(n, sizeof *y), *ref = calloc(n, sizeof *ref);
    ck_assert_int_eq(rb_reference_forward(&p, &w, x, ref), 0);
    sp_qmodel q;
    ck_assert_int_eq(sp_qmodel_init(&q, &p, &w, &a, mode), 0);
    ck_assert_int_eq(sp_qmodel_run(&q, &p, x, y), 0);
    double max_abs, max_rel;
    rb_compare(y, ref, n, &max_abs, &max_rel);
    double mean = mean_abs(y, ref, n);
    printf("%-26s %s: max abs %.4f, max rel %.4f, mean abs %.5f\n", p.name, sp_input_mode_name(mode), max_abs,
           max_rel, mean);
    ck_assert_msg(max_abs < MAX_ABS_BOUND, "%s: max abs error %.4f", p.name, max_abs);
    ck_assert_msg(mean < MEAN_ABS_BOUND, "%s: mean abs error %.5f", p.name, mean);
    /* the output really is the int8 h: every value is a multiple of 1/127 */
    for (size_t i = 0; i < n; i += 7) {
        double k = y[i] * 127.0;
        ck_assert_double_eq_tol(k, round(k), 1e-3);
    }
    /* corruptions a broken implementation would produce are far outside the bound */
    if (T > 1) {
        float *bad = malloc(n * sizeof *bad);
        size_t step = (size_t)B * H;
        memcpy(bad, ref + step, (n - step) * sizeof *bad); /* off by one step */
        memcpy(bad + n - step, ref + n - step, step * sizeof *bad);
        double ba, br;
        rb_compare(bad, ref, n, &ba, &br);
        ck_assert_msg(ba > 2 * MAX_ABS_BOUND, "shifted output only %.4f off", ba);
        /* other weights (a wrong gate order or permuted rows behave like this) */
        rb_weights w2;
        ck_assert_int_eq(rb_weights_init(&w2, &p, 4321), 0);
        ck_assert_int_eq(rb_reference_forward(&p, &w2, x, bad), 0);
        rb_compare(bad, ref, n, &ba, &br);
        ck_assert_msg(ba > 2 * MAX_ABS_BOUND, "other weights only %.4f off", ba);
        rb_weights_free(&w2);
        free(bad);
    }
    sp_qmodel_free(&q);
    rb_weights_free(&w);
    free(x);
    free(y);
    free(ref);
}

START_TEST(lstm_skip) { run_case(RB_CELL_LSTM, 64, 64, 1, 20, SP_INPUT_SKIP); }
END_TEST
START_TEST(lstm_full_batch) { run_case(RB_CELL_LSTM, 48, 32, 3, 15, SP_INPUT_FULL); }
END_TEST
START_TEST(gru_skip) { run_case(RB_CELL_GRU, 64, 64, 1, 20, SP_INPUT_SKIP); }
END_TEST
START_TEST(gru_full_batch) { run_case(RB_CELL_GRU, 40, 56, 2, 15, SP_INPUT_FULL); }
END_TEST
START_TEST(vanilla_skip) { run_case(RB_CELL_VANILLA, 64, 64, 1, 20, SP_INPUT_SKIP); }
END_TEST
START_TEST(vanilla_full) { run_case(RB_CELL_VANILLA, 96, 24, 1, 12, SP_INPUT_FULL); }
END_TEST
START_TEST(larger_lstm) { run_case(RB_CELL_LSTM, 256, 256, 1, 10, SP_INPUT_SKIP); }
END_TEST

START_TEST(lut_accuracy)
{
    sp_arch a;
    load_arch("serving", &a);
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
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, lut_accuracy);
    tcase_add_test(tc, lstm_skip);
    tcase_add_test(tc, lstm_full_batch);
    tcase_add_test(tc, gru_skip);
    tcase_add_test(tc, gru_full_batch);
    tcase_add_test(tc, vanilla_skip);
    tcase_add_test(tc, vanilla_full);
    tcase_add_test(tc, larger_lstm);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
