/* tests/test_spatial_fp8_fast.c — the compact, batched, threaded, vectorised fp8 executor (spatial_fp8.c,
 * spatial_fp8_kernel.c) gives the same bits as the executor it replaced (tests/spatial_fp8_v1.c): for every block
 * kernel this CPU runs (AVX-512, AVX2 + F16C, portable), 1 to 3 threads, every cell, input=full and skip, batch 1 to
 * 5, e4m3 and e5m2, and mis-scaled quantisers (scale_bias, which makes products and sums saturate or underflow, and
 * rounds products in e4m3 too) and a mantissa-less format; odd sizes (row blocks padded, the GRU n gate starting
 * inside a block), an x part longer than the kernel's vector chunk, sequences longer than one x-part pass; and the
 * bf16 codes hold every value of both formats exactly. Also: the int8 executor gives the same bits on 1-3 threads. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "parallel.h"
#include "problem_make.h"
#include "spatial_fp8.h"
#include "spatial_fp8_kernel.h"
#include "spatial_fp8_v1.h"
#include "spatial_int8.h"
#include "spatial_load_arch.h"

/* The formats checked: both shipped ones, mis-scaled both ways, and one without mantissa bits. */
static int formats(sp_fp8_fmt *out)
{
    int n = 0;
    out[n++] = SP_FP8_E4M3;
    out[n++] = SP_FP8_E5M2;
    out[n] = SP_FP8_E4M3;
    out[n++].scale_bias = 4;
    out[n] = SP_FP8_E5M2;
    out[n++].scale_bias = 3;
    out[n] = SP_FP8_E4M3;
    out[n++].scale_bias = -12;
    out[n] = SP_FP8_E5M2;
    out[n++].mbits = 0;
    return n;
}

/* Every kernel this CPU runs was among those compared: the portable one always, the SIMD ones it has. */
static void assert_kernels_checked(int checked)
{
    ck_assert_int_ne(checked & 4, 0);
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        ck_assert_int_ne(checked & 1, 0);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c"))
        ck_assert_int_ne(checked & 2, 0);
#endif
}

/* One shape at batch sizes [b_lo, b_hi] against v1, in every format and input mode, on every kernel and 1-3
 * threads. */
static void check_shape(rb_problem base, int b_lo, int b_hi)
{
    static const char *const isas[] = {"avx512", "avx2", "portable"};
    sp_arch a;
    load_arch("sysml19", &a);
    sp_fp8_fmt fmts[8];
    int nf = formats(fmts), kernels_checked = 0;
    for (int B = b_lo; B <= b_hi; B++) {
        rb_problem p = base;
        p.batch = B;
        rb_weights w;
        ck_assert_int_eq(rb_weights_init(&w, &p, 7 + B), 0);
        float *x = rb_inputs_make(&p, 11 + B);
        size_t len = rb_output_len(&p);
        float *want = malloc(len * sizeof *want), *got = malloc(len * sizeof *got);
        ck_assert(x && want && got);
        for (int fi = 0; fi < nf; fi++)
            for (int mode = 0; mode < 2; mode++) {
                sp_input_mode m = mode ? SP_INPUT_SKIP : SP_INPUT_FULL;
                ck_assert_int_eq(sp1_fp8_forward(&p, &w, &a, m, &fmts[fi], x, want), 0);
                sp_fp8_model q;
                ck_assert_int_eq(sp_fp8_init(&q, &p, &w, &a, m, &fmts[fi]), 0);
                for (int k = 0; k < 3; k++) {
                    if (!sp8_kernel_select(isas[k]))
                        continue;
                    kernels_checked |= 1 << k;
                    for (int threads = 1; threads <= 3; threads++) {
                        rb_par_set_threads(threads);
                        memset(got, 0xff, len * sizeof *got);
                        ck_assert_int_eq(sp_fp8_run(&q, &p, x, got), 0);
                        ck_assert_msg(memcmp(got, want, len * sizeof *got) == 0,
                                      "%s H=%d I=%d B=%d T=%d %s mbits %d scale_bias %d %s: %s, %d threads differ",
                                      rb_cell_name(p.cell), p.hidden, p.input, p.batch, p.timesteps, fmts[fi].name,
                                      fmts[fi].mbits, fmts[fi].scale_bias, mode ? "skip" : "full", isas[k], threads);
                    }
                }
                sp_fp8_free(&q);
            }
        free(x);
        free(want);
        free(got);
        rb_weights_free(&w);
    }
    sp8_kernel_select(NULL);
    rb_par_set_threads(0);
    assert_kernels_checked(kernels_checked);
}

START_TEST(lstm_small) { check_shape(make_problem(RB_CELL_LSTM, 37, 19, 1, 23), 1, 5); }
END_TEST
START_TEST(gru_long_x) { check_shape(make_problem(RB_CELL_GRU, 70, 600, 1, 9), 1, 5); }
END_TEST
START_TEST(vanilla_long_sequence) { check_shape(make_problem(RB_CELL_VANILLA, 130, 50, 1, 40), 1, 5); }
END_TEST
START_TEST(lstm_threaded_steps) { check_shape(make_problem(RB_CELL_LSTM, 300, 40, 1, 4), 1, 3); }
END_TEST
START_TEST(gru_tiny) { check_shape(make_problem(RB_CELL_GRU, 1, 1, 1, 5), 1, 2); }
END_TEST

/* Every value of both formats (subnormals m x 2^(emin - mbits), normals (1 + m / 2^mbits) x 2^e up to the maximum,
 * both signs) is a bf16 number: its code gives it back. */
START_TEST(weight_codes_exact)
{
    const sp_fp8_fmt *fs[] = {&SP_FP8_E4M3, &SP_FP8_E5M2};
    for (int k = 0; k < 2; k++) {
        const sp_fp8_fmt *f = fs[k];
        int values = 0, steps = 1 << f->mbits;
        for (int e = f->emin - 1; e < 64; e++)
            for (int m = 0; m < steps; m++) {
                float v = e < f->emin ? ldexpf((float)m, f->emin - f->mbits)
                                      : ldexpf(1.0f + (float)m / (float)steps, e);
                if (v > (float)f->max)
                    continue;
                ck_assert_float_eq(sp_fp8_round(v, f), v);
                ck_assert_float_eq(sp8_bf16_value(sp8_bf16_bits(v)), v);
                ck_assert_float_eq(sp8_bf16_value(sp8_bf16_bits(-v)), -v);
                values++;
            }
        ck_assert_int_eq(values, k == 0 ? 127 : 124); /* e4m3: 0 to 448; e5m2: 0 to 57344 */
    }
    ck_assert_float_eq(sp8_bf16_value(0x3f80), 1.0f);
    ck_assert_float_eq(sp8_bf16_value(0xc3e0), -448.0f);
}
END_TEST

/* The int8 executor splits each step's rows over the thread pool: integer, independent rows, so 2 and 3 threads
 * give the bits of 1 (problems large enough to be split), in both input modes and every cell. */
START_TEST(int8_threads_bit_identical)
{
    const rb_problem shapes[] = {make_problem(RB_CELL_LSTM, 150, 300, 2, 6), make_problem(RB_CELL_GRU, 200, 300, 3, 5),
                                 make_problem(RB_CELL_VANILLA, 400, 300, 1, 4)};
    sp_arch a;
    load_arch("sysml19", &a);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int mode = 0; mode < 2; mode++) {
            const rb_problem *p = &shapes[s];
            rb_weights w;
            ck_assert_int_eq(rb_weights_init(&w, p, 5), 0);
            float *x = rb_inputs_make(p, 6);
            size_t len = rb_output_len(p);
            float *want = malloc(len * sizeof *want), *got = malloc(len * sizeof *got);
            ck_assert(x && want && got);
            sp_qmodel q;
            ck_assert_int_eq(sp_qmodel_init_scaled(&q, p, &w, &a, mode ? SP_INPUT_SKIP : SP_INPUT_FULL, 1.0), 0);
            rb_par_set_threads(1);
            ck_assert_int_eq(sp_qmodel_run(&q, p, x, want), 0);
            for (int threads = 2; threads <= 3; threads++) {
                rb_par_set_threads(threads);
                memset(got, 0xff, len * sizeof *got);
                ck_assert_int_eq(sp_qmodel_run(&q, p, x, got), 0);
                ck_assert_msg(memcmp(got, want, len * sizeof *got) == 0, "%s int8 %s: %d threads differ",
                              rb_cell_name(p->cell), mode ? "skip" : "full", threads);
            }
            sp_qmodel_free(&q);
            free(x);
            free(want);
            free(got);
            rb_weights_free(&w);
        }
    rb_par_set_threads(0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spatial_fp8_fast");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, weight_codes_exact);
    tcase_add_test(tc, lstm_small);
    tcase_add_test(tc, gru_long_x);
    tcase_add_test(tc, vanilla_long_sequence);
    tcase_add_test(tc, lstm_threaded_steps);
    tcase_add_test(tc, gru_tiny);
    tcase_add_test(tc, int8_threads_bit_identical);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
