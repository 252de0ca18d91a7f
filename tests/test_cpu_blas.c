/* tests/test_cpu_blas.c — the cpu-blas backend against the fp32 reference cell, every cell type, batch 1 and 4,
 * input size equal to and different from the hidden size. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "backend.h"

extern const rb_backend rb_backend_cpu_blas;

static void check_problem(rb_cell cell, int H, int I, int B, int T)
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
    rb_options none = {0};
    ck_assert_int_eq(b->probe(&st), 0);
    ck_assert_msg(b->prepare(&p, &w, &none, &state, &st) == 0, "%s", st.msg);
    double dev = -1;
    for (int rep = 0; rep < 2; rep++) { /* the second run must not depend on state left by the first */
        ck_assert_int_eq(b->run(state, x, y, &dev, &st), 0);
        double abs_err, rel_err;
        rb_compare(y, ref, len, &abs_err, &rel_err);
        ck_assert_msg(rel_err < 1e-5, "%s: rel err %g (abs %g)", p.name, rel_err, abs_err);
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

START_TEST(test_cells)
{
    for (int cell = RB_CELL_LSTM; cell <= RB_CELL_VANILLA; cell++)
        for (int B = 1; B <= 4; B += 3) {
            check_problem((rb_cell)cell, 32, 32, B, 6);
            check_problem((rb_cell)cell, 40, 24, B, 5);
        }
}
END_TEST

START_TEST(test_rejects_unknown_option)
{
    rb_problem p = {.cell = RB_CELL_GRU, .hidden = 8, .input = 8, .batch = 1, .timesteps = 2};
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 1), 0);
    rb_options o = {.n = 1};
    snprintf(o.key[0], RB_OPT_KEY_MAX, "threads");
    snprintf(o.val[0], RB_OPT_VAL_MAX, "4");
    void *state = NULL;
    rb_status st = {{0}};
    ck_assert_int_eq(rb_backend_cpu_blas.prepare(&p, &w, &o, &state, &st), -1);
    ck_assert_ptr_nonnull(strstr(st.msg, "threads"));
    rb_weights_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_blas");
    TCase *tc = tcase_create("vs_reference");
    tcase_add_test(tc, test_cells);
    tcase_add_test(tc, test_rejects_unknown_option);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
