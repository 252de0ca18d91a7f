/* tests/test_stats.c — latency statistics (hand-computed values: odd/even n, n = 1, n = 2, the CI order
 * statistics) and the measurement-loop timing policy. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "stats.h"
#include "timing.h"

#define EPS 1e-12

START_TEST(empty_is_nan)
{
    rb_stats s;
    rb_stats_compute(NULL, 0, &s);
    ck_assert_uint_eq(s.n, 0);
    ck_assert(isnan(s.median) && isnan(s.min) && isnan(s.max) && isnan(s.mean) && isnan(s.stddev));
    ck_assert(isnan(s.p5) && isnan(s.p95) && isnan(s.p99) && isnan(s.ci95_lo) && isnan(s.ci95_hi));
    ck_assert(isnan(rb_quantile_sorted(NULL, 0, 0.5)));
}
END_TEST

START_TEST(one_sample)
{
    const double x[] = {3.25};
    rb_stats s;
    rb_stats_compute(x, 1, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_double_eq(s.median, 3.25);
    ck_assert_double_eq(s.min, 3.25);
    ck_assert_double_eq(s.max, 3.25);
    ck_assert_double_eq(s.mean, 3.25);
    ck_assert_double_eq(s.stddev, 0.0);
    ck_assert_double_eq(s.p5, 3.25);
    ck_assert_double_eq(s.p99, 3.25);
    ck_assert_double_eq(s.ci95_lo, 3.25); /* ranks clamp to [1, 1] */
    ck_assert_double_eq(s.ci95_hi, 3.25);
}
END_TEST

START_TEST(two_samples)
{
    const double x[] = {3.0, 1.0};
    rb_stats s;
    rb_stats_compute(x, 2, &s);
    ck_assert_double_eq_tol(s.median, 2.0, EPS);
    ck_assert_double_eq_tol(s.mean, 2.0, EPS);
    ck_assert_double_eq_tol(s.stddev, sqrt(2.0), EPS);
    ck_assert_double_eq_tol(s.p5, 1.1, EPS);  /* 1 + 0.05 * (3 - 1) */
    ck_assert_double_eq_tol(s.p95, 2.9, EPS);
    ck_assert_double_eq_tol(s.p99, 2.98, EPS);
    /* j = floor(1 - 1.386) = -1 -> 1, k = ceil(1 + 1.386) = 3 -> 2 */
    ck_assert_double_eq(s.ci95_lo, 1.0);
    ck_assert_double_eq(s.ci95_hi, 3.0);
    ck_assert_double_eq(x[0], 3.0); /* input untouched */
    ck_assert_double_eq(x[1], 1.0);
}
END_TEST

START_TEST(odd_n)
{
    const double x[] = {5.0, 1.0, 4.0, 2.0, 3.0};
    rb_stats s;
    rb_stats_compute(x, 5, &s);
    ck_assert_double_eq_tol(s.median, 3.0, EPS);
    ck_assert_double_eq(s.min, 1.0);
    ck_assert_double_eq(s.max, 5.0);
    ck_assert_double_eq_tol(s.mean, 3.0, EPS);
    ck_assert_double_eq_tol(s.stddev, sqrt(2.5), EPS); /* sum of squares 10 over n-1 = 4 */
    ck_assert_double_eq_tol(s.p5, 1.2, EPS);            /* h = 4 * 0.05 = 0.2 */
    ck_assert_double_eq_tol(s.p95, 4.8, EPS);           /* h = 3.8 */
    ck_assert_double_eq_tol(s.p99, 4.96, EPS);          /* h = 3.96 */
    /* half width 1.96 * sqrt(5) / 2 = 2.191: j = floor(0.309) = 0 -> 1, k = ceil(4.691) = 5 */
    ck_assert_double_eq(s.ci95_lo, 1.0);
    ck_assert_double_eq(s.ci95_hi, 5.0);
}
END_TEST

START_TEST(even_n)
{
    const double x[] = {4.0, 2.0, 1.0, 3.0};
    rb_stats s;
    rb_stats_compute(x, 4, &s);
    ck_assert_double_eq_tol(s.median, 2.5, EPS);
    ck_assert_double_eq_tol(s.mean, 2.5, EPS);
    ck_assert_double_eq_tol(s.stddev, sqrt(5.0 / 3.0), EPS);
    ck_assert_double_eq_tol(s.p5, 1.15, EPS); /* h = 3 * 0.05 = 0.15 */
    ck_assert_double_eq_tol(s.p95, 3.85, EPS);
}
END_TEST

/* Values 1..n in scrambled order, so every order statistic equals its rank. */
static double *ranks_scrambled(size_t n)
{
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = (double)((i * 37 + 11) % n + 1); /* 37 is coprime with 30 and 100 */
    return x;
}

START_TEST(ci_indices_n30)
{
    double *x = ranks_scrambled(30);
    rb_stats s;
    rb_stats_compute(x, 30, &s);
    /* half width 1.96 * sqrt(30) / 2 = 5.3677: j = floor(9.632) = 9, k = ceil(20.368) = 21 */
    ck_assert_double_eq(s.ci95_lo, 9.0);
    ck_assert_double_eq(s.ci95_hi, 21.0);
    ck_assert_double_eq_tol(s.median, 15.5, EPS);
    free(x);
}
END_TEST

START_TEST(ci_indices_n100)
{
    double *x = ranks_scrambled(100);
    rb_stats s;
    rb_stats_compute(x, 100, &s);
    /* half width 9.8: j = floor(40.2) = 40, k = ceil(59.8) = 60 */
    ck_assert_double_eq(s.ci95_lo, 40.0);
    ck_assert_double_eq(s.ci95_hi, 60.0);
    ck_assert_double_eq_tol(s.median, 50.5, EPS);
    ck_assert_double_eq_tol(s.mean, 50.5, EPS);
    ck_assert_double_eq_tol(s.stddev, sqrt(100.0 * 101.0 / 12.0), 1e-9);
    ck_assert_double_eq_tol(s.p5, 5.95, 1e-9);   /* h = 99 * 0.05 = 4.95 */
    ck_assert_double_eq_tol(s.p95, 95.05, 1e-9); /* h = 94.05 */
    ck_assert_double_eq_tol(s.p99, 99.01, 1e-9); /* h = 98.01 */
    ck_assert_double_eq(s.min, 1.0);
    ck_assert_double_eq(s.max, 100.0);
    free(x);
}
END_TEST

START_TEST(quantile_edges)
{
    const double sorted[] = {1.0, 2.0, 4.0};
    ck_assert_double_eq(rb_quantile_sorted(sorted, 3, 0.0), 1.0);
    ck_assert_double_eq(rb_quantile_sorted(sorted, 3, 1.0), 4.0);
    ck_assert_double_eq(rb_quantile_sorted(sorted, 3, -0.5), 1.0);
    ck_assert_double_eq(rb_quantile_sorted(sorted, 3, 1.5), 4.0);
    ck_assert_double_eq_tol(rb_quantile_sorted(sorted, 3, 0.75), 3.0, EPS); /* h = 1.5 */
    ck_assert(isnan(rb_quantile_sorted(sorted, 3, NAN)));
}
END_TEST

START_TEST(policy_defaults)
{
    rb_timing_policy p;
    rb_timing_policy_default(&p);
    ck_assert_int_eq(p.warmup, 1);
    ck_assert_int_eq(p.min_reps, 5);
    ck_assert_double_eq(p.min_time_s, 0.2);
    ck_assert_int_eq(p.max_reps, 100000);
    ck_assert_double_eq(p.max_time_s, 60.0);
}
END_TEST

START_TEST(policy_decisions)
{
    rb_timing_policy p;
    rb_timing_policy_default(&p);
    ck_assert_int_eq(rb_timing_need_more(&p, 0, 0.0), 1);
    ck_assert_int_eq(rb_timing_need_more(&p, 4, 100.0), 1);  /* min_reps beats max_time */
    ck_assert_int_eq(rb_timing_need_more(&p, 5, 0.1), 1);    /* under min_time */
    ck_assert_int_eq(rb_timing_need_more(&p, 5, 0.2), 0);    /* both minima met */
    ck_assert_int_eq(rb_timing_need_more(&p, 5000, 0.5), 0);
    ck_assert_int_eq(rb_timing_need_more(&p, 100000, 0.01), 0); /* max_reps caps a fast kernel */
    ck_assert_int_eq(rb_timing_need_more(&p, 99999, 0.01), 1);
    p.min_time_s = 100.0;
    ck_assert_int_eq(rb_timing_need_more(&p, 10, 59.9), 1);
    ck_assert_int_eq(rb_timing_need_more(&p, 10, 60.0), 0); /* max_time stops before min_time */
    p.max_time_s = 0.0;                                       /* no time cap */
    ck_assert_int_eq(rb_timing_need_more(&p, 10, 99.0), 1);
    ck_assert_int_eq(rb_timing_need_more(&p, 10, 100.0), 0);
    p.min_reps = 0; /* treated as 1: at least one sample */
    ck_assert_int_eq(rb_timing_need_more(&p, 0, 1000.0), 1);
}
END_TEST

START_TEST(clocks)
{
    double a = rb_now(), b = rb_now();
    ck_assert(b >= a);
    ck_assert(a > 0.0);
    ck_assert(rb_wall_time() > 1.5e9); /* after 2017 */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, empty_is_nan);
    tcase_add_test(tc, one_sample);
    tcase_add_test(tc, two_samples);
    tcase_add_test(tc, odd_n);
    tcase_add_test(tc, even_n);
    tcase_add_test(tc, ci_indices_n30);
    tcase_add_test(tc, ci_indices_n100);
    tcase_add_test(tc, quantile_edges);
    tcase_add_test(tc, policy_defaults);
    tcase_add_test(tc, policy_decisions);
    tcase_add_test(tc, clocks);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
