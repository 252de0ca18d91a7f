/* tests/test_progress.c — the progress line's text (counts, rate, ETA, jobs in flight per rank, summarised for many
 * ranks) and the log-line interval (at least the base, stretching to a tenth of the elapsed time, capped). */
#include <check.h>
#include <string.h>
#include "check_main.h"
#include "progress.h"

START_TEST(line_text)
{
    int fly[3] = {1, 2, 0};
    rb_progress_counts c = {.done = 40, .ok = 37, .failed = 2, .unavailable = 1, .in_flight = fly, .nranks = 3};
    char line[512];
    rb_progress_format(&c, 100, 20.0, 1, line, sizeof line);
    ck_assert_str_eq(line, "[rnnbench] 40/100 done (37 ok, 2 failed, 1 unavailable), elapsed 20s, ETA 30s, 2 jobs/s, "
                           "3 in flight (per rank: 1 2 0)");
    rb_progress_format(&c, 100, 20.0, 0, line, sizeof line); /* the live line: no per-rank list */
    ck_assert_str_eq(line, "[rnnbench] 40/100 done (37 ok, 2 failed, 1 unavailable), elapsed 20s, ETA 30s, 2 jobs/s, "
                           "3 in flight");
    rb_progress_counts slow = {.done = 3, .ok = 3};
    rb_progress_format(&slow, 10, 600.0, 1, line, sizeof line);
    ck_assert_str_eq(line, "[rnnbench] 3/10 done (3 ok, 0 failed, 0 unavailable), elapsed 10m00s, ETA 23m20s, "
                           "0.3 jobs/min, 0 in flight");
    rb_progress_counts none = {0};
    rb_progress_format(&none, 10, 5.0, 1, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, "elapsed 5s, ETA ?, 0 jobs/s"));
}
END_TEST

START_TEST(many_ranks_summarised)
{
    int fly[64] = {0};
    for (int r = 0; r < 30; r++)
        fly[r] = r == 7 ? 2 : 1;
    rb_progress_counts c = {.done = 5, .ok = 5, .in_flight = fly, .nranks = 64};
    char line[512];
    rb_progress_format(&c, 500, 1.0, 1, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, ", 31 in flight (on 30 of 64 ranks, at most 2 on one)"));
    /* a short buffer is cut, never overrun */
    char tiny[24];
    rb_progress_format(&c, 500, 1.0, 1, tiny, sizeof tiny);
    ck_assert_uint_eq(strlen(tiny), sizeof tiny - 1);
}
END_TEST

START_TEST(log_interval)
{
    ck_assert_double_eq(rb_progress_log_interval(0.0, 0.0), RB_PROGRESS_LOG_S);
    ck_assert_double_eq(rb_progress_log_interval(5.0, 30.0), 5.0);
    ck_assert_double_eq(rb_progress_log_interval(5.0, 120.0), 12.0);
    ck_assert_double_eq(rb_progress_log_interval(5.0, 3600.0), RB_PROGRESS_LOG_MAX_S);
    ck_assert_double_eq(rb_progress_log_interval(0.3, 1.0), 0.3);
    ck_assert_double_eq(rb_progress_log_interval(60.0, 3600.0), 60.0); /* never below the base */
    /* an hour-long campaign logs a bounded number of lines: under 150 */
    int lines = 0;
    for (double t = 0.0; t < 3600.0; t += rb_progress_log_interval(0.0, t))
        lines++;
    ck_assert_int_lt(lines, 150);
    ck_assert_int_gt(lines, 100);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("progress");
    tcase_add_test(tc, line_text);
    tcase_add_test(tc, many_ranks_summarised);
    tcase_add_test(tc, log_interval);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
