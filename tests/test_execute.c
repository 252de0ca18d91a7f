/* tests/test_execute.c — rb_execute_job in this process: a problem whose inputs cannot be allocated fails every one
 * of its jobs cleanly, with nothing half-valid left for the next job (issue 12 item 4). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "execute.h"
#include "registry.h"

static int backend_index(const char *name)
{
    for (size_t i = 0; i < rb_backend_count(); i++)
        if (strcmp(rb_backend_at(i)->name, name) == 0)
            return (int)i;
    return -1;
}

static rb_exec_config quick_cfg(void)
{
    rb_exec_config c;
    memset(&c, 0, sizeof c);
    rb_timing_policy_default(&c.timing);
    c.timing.warmup = 0;
    c.timing.min_reps = 1;
    c.timing.min_time_s = 0;
    c.host = "test";
    return c;
}

/* Jobs for one problem on the given backends, problem-major as rb_jobs_build makes them. */
static rb_job *jobs_for(const rb_problem *p, const char *const *backends, int nb, size_t *n)
{
    int idx[4];
    static const rb_options opt[4]; /* no options; the jobs point at them, so they outlive this function */
    for (int b = 0; b < nb; b++) {
        idx[b] = backend_index(backends[b]);
        ck_assert_int_ge(idx[b], 0);
    }
    rb_job *jobs = NULL;
    size_t dups = 0;
    ck_assert_int_eq(rb_jobs_build(p, 1, idx, opt, (size_t)nb, 42, &jobs, n, &dups), 0);
    ck_assert_uint_eq(*n, (size_t)nb);
    return jobs;
}

/* x is T*B*I floats = 2^48 floats (1 PiB), more than any address space: rb_inputs_make fails for real, while the
 * weights (4 Mi floats) and the output (64 Mi floats) can be allocated. Before the fix the first job left the
 * problem cache marked valid with x == NULL and the second job computed the reference from NULL (SIGSEGV). */
START_TEST(failed_input_allocation_fails_every_job)
{
    rb_problem p;
    memset(&p, 0, sizeof p);
    p.cell = RB_CELL_VANILLA;
    p.hidden = 1;
    p.input = 1 << 22;
    p.batch = 1024;
    p.timesteps = 65536;
    snprintf(p.name, sizeof p.name, "huge-inputs");
    static const char *const backends[] = {"brainwave", "spatial", "brainwave"};
    size_t n = 0;
    rb_job *jobs = jobs_for(&p, backends, 2, &n);
    rb_exec_config cfg = quick_cfg();
    for (int round = 0; round < 3; round++) {
        const rb_job *j = &jobs[round % 2];
        rb_record rec;
        double *samples = NULL;
        size_t ns = 0;
        rb_execute_job(j, &cfg, &rec, &samples, &ns);
        free(samples);
        ck_assert_msg(strcmp(rec.status, "failed") == 0, "job %d: status %s (%s)", round, rec.status, rec.message);
        ck_assert_msg(strstr(rec.message, "out of memory") != NULL, "job %d: %s", round, rec.message);
    }
    rb_execute_clear_cache();
    free(jobs);
}
END_TEST

/* After that failure a small problem runs normally (the cache holds nothing of the failed one). */
START_TEST(small_problem_after_failure)
{
    rb_problem huge;
    memset(&huge, 0, sizeof huge);
    huge.cell = RB_CELL_VANILLA;
    huge.hidden = 1;
    huge.input = 1 << 22;
    huge.batch = 1024;
    huge.timesteps = 65536;
    static const char *const bw[] = {"brainwave"};
    size_t n = 0;
    rb_job *jobs = jobs_for(&huge, bw, 1, &n);
    rb_exec_config cfg = quick_cfg();
    rb_record rec;
    double *samples = NULL;
    size_t ns = 0;
    rb_execute_job(&jobs[0], &cfg, &rec, &samples, &ns);
    ck_assert_str_eq(rec.status, "failed");
    free(jobs);
    rb_problem small = huge;
    small.hidden = 16;
    small.input = 16;
    small.batch = 2;
    small.timesteps = 5;
    jobs = jobs_for(&small, bw, 1, &n);
    rb_execute_job(&jobs[0], &cfg, &rec, &samples, &ns);
    ck_assert_msg(strcmp(rec.status, "ok") == 0, "%s: %s", rec.status, rec.message);
    ck_assert(rec.max_rel_err < 0.6);
    free(samples);
    free(jobs);
    rb_execute_clear_cache();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("execute");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, failed_input_allocation_fails_every_job);
    tcase_add_test(tc, small_problem_after_failure);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
