/* tests/test_timing_ci.c — the measurement stopping rule with a CI target (rb_timing_continue), on synthetic
 * samples and synthetic elapsed times (no clock): tight samples stop at the minima, noisy samples continue until the
 * 95% CI of the median is within the target, --max-time and max_reps bound it, --reps stays a minimum, 0 turns the
 * target off; and the half-width itself (rb_stats_ci_halfwidth_pct) on hand-computed cases. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "check_main.h"
#include "stats.h"
#include "timing.h"

/* Deterministic noise: LCG uniform in [0,1). */
static double uniform(unsigned long long *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 9007199254740992.0;
}

/* Runs the rule as execute.c does: one sample per repetition, each "taking" dt seconds. Returns the count at which
 * it stops; *hw gets the rule's last half-width. */
static size_t reps_until_stop(const rb_timing_policy *p, const double *x, size_t avail, double dt, double *hw)
{
    rb_timing_state s;
    rb_timing_state_init(&s);
    size_t n = 0;
    while (n < avail && rb_timing_continue(p, &s, x, n, (double)n * dt))
        n++;
    ck_assert_msg(n < avail, "the rule never stopped within %zu samples", avail);
    *hw = s.halfwidth_pct;
    return n;
}

static rb_timing_policy policy(int reps, double min_time, double max_time, double target)
{
    rb_timing_policy p;
    rb_timing_policy_default(&p);
    p.min_reps = reps;
    p.min_time_s = min_time;
    p.max_time_s = max_time;
    p.target_ci_pct = target;
    return p;
}

START_TEST(default_target_is_5pct)
{
    rb_timing_policy p;
    rb_timing_policy_default(&p);
    ck_assert_double_eq(p.target_ci_pct, 5.0);
}
END_TEST

START_TEST(halfwidth_by_hand)
{
    /* n = 5: the CI is [min, max] (ranks clamp to 1 and 5); median 10, max - median = 3 -> 30 % */
    const double x[5] = {9.0, 10.0, 13.0, 10.0, 9.5};
    rb_stats s;
    rb_stats_compute(x, 5, &s);
    ck_assert_double_eq_tol(rb_stats_ci_halfwidth_pct(&s), 30.0, 1e-9);
    const double flat[4] = {2.0, 2.0, 2.0, 2.0};
    rb_stats_compute(flat, 4, &s);
    ck_assert_double_eq(rb_stats_ci_halfwidth_pct(&s), 0.0);
    rb_stats_compute(flat, 0, &s);
    ck_assert(isnan(rb_stats_ci_halfwidth_pct(&s)));
    const double zero[3] = {0.0, 0.0, 0.0};
    rb_stats_compute(zero, 3, &s);
    ck_assert(isnan(rb_stats_ci_halfwidth_pct(&s)));
}
END_TEST

START_TEST(tight_samples_stop_at_the_minima)
{
    double x[1000];
    unsigned long long st = 1;
    for (int i = 0; i < 1000; i++)
        x[i] = 1.0 + 0.01 * uniform(&st); /* +-0.5 % */
    double hw;
    rb_timing_policy p = policy(6, 0.0, 60.0, 5.0);
    ck_assert_uint_eq(reps_until_stop(&p, x, 1000, 0.01, &hw), 6);
    ck_assert(hw <= 5.0);
    /* fewer than 6 samples never meet a target (their [min, max] covers the median with < 95 %) */
    p = policy(2, 0.0, 60.0, 5.0);
    ck_assert_uint_eq(reps_until_stop(&p, x, 1000, 0.01, &hw), RB_CI_MIN_SAMPLES);
    p.target_ci_pct = 0.0;
    ck_assert_uint_eq(reps_until_stop(&p, x, 1000, 0.01, &hw), 2);
    /* min_time still applies: 0.2 s of 10 ms runs = 20 */
    p = policy(5, 0.2, 60.0, 5.0);
    ck_assert_uint_eq(reps_until_stop(&p, x, 1000, 0.01, &hw), 20);
}
END_TEST

START_TEST(noisy_samples_continue_until_the_target)
{
    /* uniform on [0.5, 1.5]: the median's CI at n samples spans about +-0.98/sqrt(n) in quantile, i.e. about
     * +-98/sqrt(n) % of the median: within 5 % needs n near 400, within 10 % near 100 */
    static double x[20000];
    unsigned long long st = 7;
    for (int i = 0; i < 20000; i++)
        x[i] = 0.5 + uniform(&st);
    double hw;
    rb_timing_policy p = policy(5, 0.0, 0.0, 5.0);
    size_t n5 = reps_until_stop(&p, x, 20000, 0.001, &hw);
    ck_assert_msg(n5 > 200 && n5 < 800, "stopped at %zu", n5);
    ck_assert(hw <= 5.0);
    rb_stats s;
    rb_stats_compute(x, n5, &s);
    ck_assert(rb_stats_ci_halfwidth_pct(&s) <= 5.0); /* what is recorded agrees with the rule */
    /* it stops at the first look that meets the target: looks at 6, then every time the count grew by an eighth */
    size_t look = RB_CI_MIN_SAMPLES;
    for (; look < n5; look += look / 8 > 1 ? look / 8 : 1) {
        rb_stats_compute(x, look, &s);
        ck_assert_msg(rb_stats_ci_halfwidth_pct(&s) > 5.0, "met at the look at %zu, stopped at %zu", look, n5);
    }
    ck_assert_uint_eq(look, n5);
    p.target_ci_pct = 10.0;
    size_t n10 = reps_until_stop(&p, x, 20000, 0.001, &hw);
    ck_assert_msg(n10 > 50 && n10 < n5, "10 %%: %zu, 5 %%: %zu", n10, n5);
    /* --reps is a minimum even when the target is met earlier */
    p = policy(2000, 0.0, 0.0, 10.0);
    ck_assert_uint_eq(reps_until_stop(&p, x, 20000, 0.001, &hw), 2000);
}
END_TEST

START_TEST(bounded_by_max_time_and_max_reps)
{
    /* bimodal: half near 1, half near 2: the median's CI never gets within 5 % */
    static double x[20000];
    unsigned long long st = 3;
    for (int i = 0; i < 20000; i++)
        x[i] = (i % 2 ? 1.0 : 2.0) + 0.001 * uniform(&st);
    double hw;
    rb_timing_policy p = policy(5, 0.2, 3.0, 5.0);
    ck_assert_uint_eq(reps_until_stop(&p, x, 20000, 0.01, &hw), 300); /* 3 s of 10 ms runs */
    ck_assert(hw > 5.0);
    p.max_time_s = 0.0; /* no time cap: max_reps stops it */
    p.max_reps = 1000;
    ck_assert_uint_eq(reps_until_stop(&p, x, 20000, 0.01, &hw), 1000);
    /* the minimum count beats the time cap */
    p = policy(50, 0.0, 0.1, 5.0);
    ck_assert_uint_eq(reps_until_stop(&p, x, 20000, 0.01, &hw), 50);
}
END_TEST

START_TEST(zero_turns_it_off)
{
    static double x[20000];
    for (int i = 0; i < 20000; i++)
        x[i] = i % 2 ? 1.0 : 2.0;
    double hw;
    rb_timing_policy p = policy(5, 0.2, 60.0, 0.0);
    ck_assert_uint_eq(reps_until_stop(&p, x, 20000, 0.01, &hw), 20); /* reps and min-time only, as before */
    ck_assert(isnan(hw));                                             /* never computed */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("timing_ci");
    TCase *tc = tcase_create("rule");
    tcase_add_test(tc, default_target_is_5pct);
    tcase_add_test(tc, halfwidth_by_hand);
    tcase_add_test(tc, tight_samples_stop_at_the_minima);
    tcase_add_test(tc, noisy_samples_continue_until_the_target);
    tcase_add_test(tc, bounded_by_max_time_and_max_reps);
    tcase_add_test(tc, zero_turns_it_off);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
