/* tests/test_problem.c — cell names, default names, FLOP/weight/output counts, built-in suites, rb_compare. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "problem.h"
#include "problem_make.h"

START_TEST(cells)
{
    ck_assert_str_eq(rb_cell_name(RB_CELL_LSTM), "lstm");
    ck_assert_str_eq(rb_cell_name(RB_CELL_GRU), "gru");
    ck_assert_str_eq(rb_cell_name(RB_CELL_VANILLA), "vanilla");
    ck_assert_ptr_null(rb_cell_name((rb_cell)7));
    ck_assert_ptr_null(rb_cell_name((rb_cell)-1));
    ck_assert_int_eq(rb_cell_gates(RB_CELL_LSTM), 4);
    ck_assert_int_eq(rb_cell_gates(RB_CELL_GRU), 3);
    ck_assert_int_eq(rb_cell_gates(RB_CELL_VANILLA), 1);
    ck_assert_int_eq(rb_cell_gates((rb_cell)9), 0);
    rb_cell c = RB_CELL_LSTM;
    ck_assert_int_eq(rb_cell_parse("GRU", &c), 0);
    ck_assert_int_eq(c, RB_CELL_GRU);
    ck_assert_int_eq(rb_cell_parse("Vanilla", &c), 0);
    ck_assert_int_eq(c, RB_CELL_VANILLA);
    ck_assert_int_eq(rb_cell_parse("lstm", &c), 0);
    ck_assert_int_eq(c, RB_CELL_LSTM);
    ck_assert_int_eq(rb_cell_parse("lst", &c), -1);
    ck_assert_int_eq(rb_cell_parse("lstmx", &c), -1);
    ck_assert_int_eq(rb_cell_parse("", &c), -1);
    ck_assert_int_eq(rb_cell_parse(NULL, &c), -1);
    ck_assert_int_eq(c, RB_CELL_LSTM); /* unchanged on failure */
}
END_TEST

START_TEST(default_name)
{
    rb_problem p = make_problem(RB_CELL_LSTM, 512, 256, 4, 25);
    rb_problem_default_name(&p);
    ck_assert_str_eq(p.name, "lstm-h512-i256-b4-t25");
    rb_problem q = make_problem(RB_CELL_VANILLA, 65536, 65536, 4096, 1000000);
    rb_problem_default_name(&q);
    ck_assert_str_eq(q.name, "vanilla-h65536-i65536-b4096-t1000000");
}
END_TEST

/* PAPER.md §1.3: FLOPs in MFLOP, recurrent-only and W+U, for the paper's tasks (B=1, I=H). */
START_TEST(flop_counts)
{
    struct {
        rb_cell cell;
        int h, t;
        double deepbench_mflop, full_mflop;
    } rows[] = {
        {RB_CELL_LSTM, 256, 150, 78.6, 157.3},     {RB_CELL_LSTM, 1536, 50, 943.7, 1887.4},
        {RB_CELL_GRU, 512, 1, 1.6, 3.1},           {RB_CELL_GRU, 1024, 1500, 9437.2, 18874.4},
        {RB_CELL_GRU, 2560, 375, 14745.6, 29491.2}, {RB_CELL_GRU, 2816, 750, 35684.4, 71368.7},
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        rb_problem p = make_problem(rows[k].cell, rows[k].h, rows[k].h, 1, rows[k].t);
        ck_assert_double_eq_tol(rb_flops_deepbench(&p) / 1e6, rows[k].deepbench_mflop, 0.05);
        ck_assert_double_eq_tol(rb_flops_full(&p) / 1e6, rows[k].full_mflop, 0.05);
    }
    /* Exact values; batch multiplies; input size only enters the full count. */
    rb_problem p = make_problem(RB_CELL_LSTM, 10, 3, 2, 5);
    ck_assert_double_eq(rb_flops_deepbench(&p), 2.0 * 4 * 10 * 10 * 2 * 5);
    ck_assert_double_eq(rb_flops_full(&p), 2.0 * 4 * 10 * 13 * 2 * 5);
    /* TitanXp check from PAPER.md: GRU 2816 B=1 T=1500 = 71.4 GFLOP recurrent-only. */
    rb_problem g = make_problem(RB_CELL_GRU, 2816, 2816, 1, 1500);
    ck_assert_double_eq_tol(rb_flops_deepbench(&g) / 1e9, 71.4, 0.05);
    /* Large values must not overflow int arithmetic. */
    rb_problem big = make_problem(RB_CELL_LSTM, 65536, 65536, 4096, 1000000);
    ck_assert_double_eq(rb_flops_deepbench(&big), 2.0 * 4 * 65536.0 * 65536.0 * 4096.0 * 1e6);
}
END_TEST

START_TEST(weight_elems_and_output_len)
{
    rb_problem p = make_problem(RB_CELL_GRU, 2816, 2816, 1, 750);
    /* 8-bit bytes of W+U: 47.58 MB (PAPER.md §1.3). */
    ck_assert_double_eq_tol(rb_weight_elems(&p) / 1e6, 47.58, 0.005);
    rb_problem q = make_problem(RB_CELL_LSTM, 7, 5, 3, 2);
    ck_assert_double_eq(rb_weight_elems(&q), 4.0 * 7 * (5 + 7));
    ck_assert_uint_eq(rb_output_len(&q), 2u * 3u * 7u);
    rb_problem big = make_problem(RB_CELL_VANILLA, 65536, 1, 4096, 1000000);
    ck_assert_uint_eq(rb_output_len(&big), (size_t)65536 * 4096 * 1000000);
}
END_TEST

static void check_suite(const char *name, size_t expect_n)
{
    rb_problem *p = NULL;
    size_t n = 0;
    ck_assert_int_eq(rb_suite_get(name, &p, &n), 0);
    ck_assert_uint_eq(n, expect_n);
    ck_assert_ptr_nonnull(rb_suite_summary(name));
    for (size_t k = 0; k < n; k++) {
        ck_assert_int_eq(p[k].input, p[k].hidden);
        ck_assert_int_gt(p[k].hidden, 0);
        ck_assert_int_gt(p[k].batch, 0);
        ck_assert_int_gt(p[k].timesteps, 0);
        ck_assert_int_gt((int)strlen(p[k].name), 0);
        for (size_t j = 0; j < k; j++)
            ck_assert_str_ne(p[j].name, p[k].name);
    }
    free(p);
}

START_TEST(suite_sizes)
{
    check_suite("paper", 11);
    check_suite("deepbench-inference", 69);
    check_suite("deepbench-device", 3);
    check_suite("deepbench-train", 53);
    rb_problem *p = (rb_problem *)0x1;
    size_t n = 99;
    ck_assert_int_eq(rb_suite_get("nope", &p, &n), -1);
    ck_assert_ptr_null(rb_suite_summary("nope"));
    /* Every listed name resolves, and the list has exactly the four suites. */
    const char *const *names = rb_suite_names();
    size_t count = 0;
    for (; names[count] != NULL; count++) {
        rb_problem *q = NULL;
        ck_assert_int_eq(rb_suite_get(names[count], &q, &n), 0);
        free(q);
    }
    ck_assert_uint_eq(count, 4);
}
END_TEST

static rb_problem suite_row(const char *suite, size_t k)
{
    rb_problem *p = NULL;
    size_t n = 0;
    ck_assert_int_eq(rb_suite_get(suite, &p, &n), 0);
    ck_assert_uint_lt(k, n);
    rb_problem r = p[k];
    free(p);
    return r;
}

START_TEST(suite_rows)
{
    rb_problem r = suite_row("paper", 0);
    ck_assert_str_eq(r.name, "lstm-256-t150");
    ck_assert_int_eq(r.cell, RB_CELL_LSTM);
    ck_assert_int_eq(r.hidden, 256);
    ck_assert_int_eq(r.batch, 1);
    ck_assert_int_eq(r.timesteps, 150);
    r = suite_row("paper", 10);
    ck_assert_str_eq(r.name, "gru-2816-t750");
    ck_assert_int_eq(r.cell, RB_CELL_GRU);
    ck_assert_int_eq(r.hidden, 2816);
    ck_assert_int_eq(r.timesteps, 750);
    r = suite_row("paper", 5);
    ck_assert_str_eq(r.name, "gru-512-t1");
    /* All paper rows are batch 1 and appear in deepbench-inference. */
    rb_problem *paper = NULL, *inf = NULL;
    size_t np = 0, ni = 0;
    ck_assert_int_eq(rb_suite_get("paper", &paper, &np), 0);
    ck_assert_int_eq(rb_suite_get("deepbench-inference", &inf, &ni), 0);
    for (size_t k = 0; k < np; k++) {
        int found = 0;
        ck_assert_int_eq(paper[k].batch, 1);
        for (size_t j = 0; j < ni; j++)
            found |= inf[j].cell == paper[k].cell && inf[j].hidden == paper[k].hidden && inf[j].batch == 1 &&
                     inf[j].timesteps == paper[k].timesteps;
        ck_assert_msg(found, "%s not in deepbench-inference", paper[k].name);
    }
    free(paper);
    free(inf);
    /* First and last rows of each DeepBench set, as in rnn_problems.h. */
    r = suite_row("deepbench-inference", 0);
    ck_assert_str_eq(r.name, "lstm-512-b1-t25");
    r = suite_row("deepbench-inference", 68);
    ck_assert_str_eq(r.name, "gru-1024-b4-t1500");
    r = suite_row("deepbench-device", 0);
    ck_assert_str_eq(r.name, "vanilla-32-b1-t672");
    ck_assert_int_eq(r.cell, RB_CELL_VANILLA);
    r = suite_row("deepbench-device", 2);
    ck_assert_str_eq(r.name, "lstm-256-b1-t150");
    r = suite_row("deepbench-train", 0);
    ck_assert_str_eq(r.name, "vanilla-1760-b16-t50");
    ck_assert_int_eq(r.batch, 16);
    r = suite_row("deepbench-train", 52);
    ck_assert_str_eq(r.name, "gru-1024-b64-t1500");
    ck_assert_int_eq(r.input, 1024);
}
END_TEST

START_TEST(compare_basic)
{
    float ref[4] = {1.0f, -4.0f, 2.0f, 0.0f};
    float y[4] = {1.5f, -4.0f, 1.0f, 0.25f};
    double a = -1, r = -1;
    rb_compare(y, ref, 4, &a, &r);
    ck_assert_double_eq(a, 1.0);
    ck_assert_double_eq(r, 0.25);
    rb_compare(ref, ref, 4, &a, &r);
    ck_assert_double_eq(a, 0.0);
    ck_assert_double_eq(r, 0.0);
    rb_compare(NULL, NULL, 0, &a, &r);
    ck_assert_double_eq(a, 0.0);
    ck_assert_double_eq(r, 0.0);
}
END_TEST

START_TEST(compare_edges)
{
    double a = 0, r = 0;
    float ref[3] = {1.0f, 2.0f, 3.0f};
    float y[3] = {1.0f, NAN, 3.0f};
    rb_compare(y, ref, 3, &a, &r);
    ck_assert(isinf(a) && a > 0);
    ck_assert(isinf(r) && r > 0);
    float y_last_nan[3] = {1.0f, 2.0f, -NAN};
    rb_compare(y_last_nan, ref, 3, &a, &r);
    ck_assert(isinf(a) && isinf(r));
    float y_inf[3] = {1.0f, INFINITY, 3.0f};
    rb_compare(y_inf, ref, 3, &a, &r);
    ck_assert(isinf(a) && isinf(r));
    /* All-zero reference: equal gives 0, any difference an infinite relative error. */
    float zero[2] = {0.0f, 0.0f}, small[2] = {0.0f, 1e-3f};
    rb_compare(zero, zero, 2, &a, &r);
    ck_assert_double_eq(a, 0.0);
    ck_assert_double_eq(r, 0.0);
    rb_compare(small, zero, 2, &a, &r);
    ck_assert_double_eq_tol(a, 1e-3, 1e-9);
    ck_assert(isinf(r));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("problem");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cells);
    tcase_add_test(tc, default_name);
    tcase_add_test(tc, flop_counts);
    tcase_add_test(tc, weight_elems_and_output_len);
    tcase_add_test(tc, suite_sizes);
    tcase_add_test(tc, suite_rows);
    tcase_add_test(tc, compare_basic);
    tcase_add_test(tc, compare_edges);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
