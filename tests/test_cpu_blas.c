/* tests/test_cpu_blas.c — the cpu-blas backend against the fp32 reference cell: every cell type; batch 1 (SGEMV),
 * 4 (one pass over U with 4 vectors) and 12 (SGEMM); T*B = 1 (input SGEMV), 2..8 (input multi-vector GEMV) and
 * more (input SGEMM); input size equal to and different from the hidden size; kernels=tuned on every element-wise
 * instruction set this CPU runs plus the portable one, and kernels=openblas; 1, 2 and 3 threads (3 > the 2 CPUs of
 * a small machine: the barrier must not depend on spinning). Plus the option checks. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "backend.h"
#include "cpu_isa.h"
#include "cpu_pool.h"
#include "cpu_threads.h"

extern const rb_backend rb_backend_cpu_blas;
/* from OpenBLAS (not via cblas.h, whose complex.h defines a macro I) */
void openblas_set_num_threads(int n);

static void set_opt(rb_options *o, const char *k, const char *v)
{
    snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", k);
    snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%s", v);
    o->n++;
}

static void check_problem(rb_cell cell, int H, int I, int B, int T, const rb_options *opt)
{
    rb_problem p = {.cell = cell, .hidden = H, .input = I, .batch = B, .timesteps = T};
    rb_problem_default_name(&p);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 7), 0);
    float *x = rb_inputs_make(&p, 7);
    size_t len = rb_output_len(&p);
    float *ref = malloc(len * sizeof *ref), *y = malloc(len * sizeof *y);
    ck_assert(x && ref && y);
    ck_assert_int_eq(rb_reference_forward(&p, &w, x, ref), 0);

    const rb_backend *b = &rb_backend_cpu_blas;
    rb_status st = {{0}};
    void *state = NULL;
    ck_assert_int_eq(b->probe(&st), 0);
    ck_assert_int_eq(rb_options_check(b, opt, &st), 0);
    ck_assert_msg(b->prepare(&p, &w, opt, &state, &st) == 0, "%s", st.msg);
    double dev = -1, bound = rb_backend_error_bound(b, &p, opt);
    ck_assert(bound == RB_FP32_REL_ERR_BOUND);
    for (int rep = 0; rep < 2; rep++) { /* the second run must not depend on state left by the first */
        memset(y, 0xff, len * sizeof *y);
        ck_assert_int_eq(b->run(state, x, y, &dev, &st), 0);
        double abs_err, rel_err;
        rb_compare(y, ref, len, &abs_err, &rel_err);
        ck_assert_msg(rel_err < bound, "%s [%s=%s ...]: rel err %g (abs %g)", p.name, opt->n ? opt->key[0] : "",
                      opt->n ? opt->val[0] : "", rel_err, abs_err);
    }
    ck_assert(dev < 0); /* wall-clock timed by the harness */
    rb_metrics m;
    rb_metrics_init(&m);
    ck_assert_int_eq(b->report(state, x, &m, &st), 0);
    ck_assert(m.device[0] != 0);
    /* without RAPL the energy must say unavailable, with it measured */
    ck_assert(m.energy_source == RB_SRC_UNAVAILABLE || m.energy_source == RB_SRC_MEASURED);
    b->release(state);
    free(x);
    free(ref);
    free(y);
    rb_weights_free(&w);
}

static void check_shapes(const rb_options *opt)
{
    for (int cell = RB_CELL_LSTM; cell <= RB_CELL_VANILLA; cell++) {
        const int batches[] = {1, 4, 12};
        for (int i = 0; i < 3; i++) {
            check_problem((rb_cell)cell, 32, 32, batches[i], 6, opt);
            check_problem((rb_cell)cell, 40, 24, batches[i], 5, opt);
        }
        check_problem((rb_cell)cell, 48, 20, 1, 1, opt); /* T*B = 1: input SGEMV */
        check_problem((rb_cell)cell, 36, 52, 2, 3, opt); /* T*B = 6: input multi-vector GEMV */
    }
}

START_TEST(test_tuned_every_isa_and_threads)
{
    int ran = 0;
    for (int isa = RB_ISA_PORTABLE; isa <= RB_ISA_AVX512; isa++) {
        if (!rb_isa_supported((rb_isa)isa))
            continue;
        for (int threads = 1; threads <= 3; threads++) {
            rb_options o = {0};
            char t[8];
            snprintf(t, sizeof t, "%d", threads);
            set_opt(&o, "isa", rb_isa_name((rb_isa)isa));
            set_opt(&o, "threads", t);
            check_shapes(&o);
        }
        printf("cpu-blas tuned: isa %s checked at 1-3 threads\n", rb_isa_name((rb_isa)isa));
        ran++;
    }
    ck_assert_int_ge(ran, 1);
}
END_TEST

START_TEST(test_default_and_openblas)
{
    rb_options none = {0};
    check_shapes(&none);
    rb_options o = {0};
    set_opt(&o, "kernels", "openblas");
    check_shapes(&o);
    set_opt(&o, "threads", "2");
    check_shapes(&o);
}
END_TEST

static void expect_rejected(const char *k, const char *v, const char *needle)
{
    rb_problem p = {.cell = RB_CELL_GRU, .hidden = 8, .input = 8, .batch = 1, .timesteps = 2};
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 1), 0);
    rb_options o = {0};
    set_opt(&o, k, v);
    rb_status st = {{0}};
    ck_assert_int_eq(rb_options_check(&rb_backend_cpu_blas, &o, &st), -1);
    ck_assert_msg(strstr(st.msg, needle) != NULL, "'%s' lacks '%s'", st.msg, needle);
    void *state = NULL;
    memset(&st, 0, sizeof st);
    ck_assert_int_eq(rb_backend_cpu_blas.prepare(&p, &w, &o, &state, &st), -1);
    ck_assert_ptr_nonnull(strstr(st.msg, needle));
    rb_weights_free(&w);
}

START_TEST(test_rejects_bad_options)
{
    expect_rejected("precision", "fp16", "unknown option");
    expect_rejected("threads", "0", "threads=0");
    expect_rejected("threads", "many", "threads=many");
    expect_rejected("kernels", "mkl", "kernels=mkl");
    expect_rejected("isa", "neon", "isa=neon");
}
END_TEST

/* The `threads` extra cpu-blas reports for p under the default options. */
static int auto_threads(rb_cell cell, int H, int B, int T)
{
    rb_problem p = {.cell = cell, .hidden = H, .input = H, .batch = B, .timesteps = T};
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 3), 0);
    float *x = rb_inputs_make(&p, 3);
    rb_options none = {0};
    rb_status st = {{0}};
    void *state = NULL;
    ck_assert_int_eq(rb_backend_cpu_blas.prepare(&p, &w, &none, &state, &st), 0);
    rb_metrics m;
    rb_metrics_init(&m);
    ck_assert_int_eq(rb_backend_cpu_blas.report(state, x, &m, &st), 0);
    int threads = -1;
    for (int i = 0; i < m.n_extras; i++)
        if (strcmp(m.extra_key[i], "threads") == 0)
            threads = atoi(m.extra_val[i]);
    rb_backend_cpu_blas.release(state);
    free(x);
    rb_weights_free(&w);
    return threads;
}

/* threads=auto: one thread per RB_BLAS_BYTES_PER_THREAD (128 MiB) of weights streamed per step, within the budget
 * the harness set (openblas_set_num_threads) and the usable CPUs: every test-sized problem gets 1 thread even with a
 * budget of 2; the rule's boundaries themselves are checked in test_cpu_common. */
START_TEST(test_auto_thread_rule)
{
    openblas_set_num_threads(2);
    ck_assert_int_eq(auto_threads(RB_CELL_LSTM, 64, 1, 3), 1);   /* U 64 KiB */
    ck_assert_int_eq(auto_threads(RB_CELL_GRU, 512, 4, 3), 1);   /* U 3 MiB */
    ck_assert_int_eq(auto_threads(RB_CELL_GRU, 256, 1, 1), 1);   /* T*B = 1: W counts too */
    int budget = rb_cpu_usable() < 2 ? 1 : 2;
    ck_assert_int_eq(rb_cpu_threads_rule(2 * RB_BLAS_BYTES_PER_THREAD - 1, RB_BLAS_BYTES_PER_THREAD, budget), 1);
    ck_assert_int_eq(rb_cpu_threads_rule(2 * RB_BLAS_BYTES_PER_THREAD, RB_BLAS_BYTES_PER_THREAD, budget), budget);
    openblas_set_num_threads(1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_blas");
    TCase *tc = tcase_create("vs_reference");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tuned_every_isa_and_threads);
    tcase_add_test(tc, test_default_and_openblas);
    tcase_add_test(tc, test_rejects_bad_options);
    tcase_add_test(tc, test_auto_thread_rule);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
