/* tests/test_scheduler.c — unit tests of the scheduler's parts in one process (MPI singleton): the backend-disable
 * knob, result packing, the forked executor lane (results, hard timeout, crash recovery) and rb_campaign_run on one
 * rank (skips, counts, no store). The multi-rank behaviour is tested with mpirun in tests/mpi.cmake. */
#include <check.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check_main.h"
#include "capability.h"
#include "executor.h"
#include "mpi_info.h"
#include "progress.h"
#include "registry.h"
#include "runner.h"
#include "scheduler.h"
#include "timing.h"

static int backend_index(const char *name)
{
    for (size_t i = 0; i < rb_backend_count(); i++)
        if (strcmp(rb_backend_at(i)->name, name) == 0)
            return (int)i;
    return -1;
}

/* n small problems (named w0, w1, ...) on one backend. */
static rb_job *make_jobs(const char *backend, int n, size_t *nj)
{
    rb_problem *p = calloc((size_t)n, sizeof *p);
    for (int i = 0; i < n; i++) {
        p[i].cell = (rb_cell)(i % 3);
        p[i].hidden = 8 + 4 * i;
        p[i].input = 8;
        p[i].batch = 1;
        p[i].timesteps = 3;
        snprintf(p[i].name, sizeof p[i].name, "w%d", i);
    }
    int idx = backend_index(backend);
    ck_assert_int_ge(idx, 0);
    static const rb_options opt; /* no options; the jobs point at them, so they outlive this function */
    rb_job *jobs = NULL;
    size_t dups = 0;
    ck_assert_int_eq(rb_jobs_build(p, (size_t)n, &idx, &opt, 1, 7, &jobs, nj, &dups), 0);
    ck_assert_uint_eq(*nj, (size_t)n);
    free(p);
    return jobs;
}

static rb_exec_config small_cfg(double timeout)
{
    rb_exec_config c;
    memset(&c, 0, sizeof c);
    rb_timing_policy_default(&c.timing);
    c.timing.warmup = 0;
    c.timing.min_reps = 2;
    c.timing.min_time_s = 0;
    c.job_timeout_s = timeout;
    c.host = "testhost";
    c.rank = 0;
    return c;
}

START_TEST(disable_knob)
{
    const char *spec = "cpu-blas:1,3; spatial:*";
    ck_assert_int_eq(rb_caps_disabled(spec, "cpu-blas", 1), 1);
    ck_assert_int_eq(rb_caps_disabled(spec, "cpu-blas", 3), 1);
    ck_assert_int_eq(rb_caps_disabled(spec, "cpu-blas", 0), 0);
    ck_assert_int_eq(rb_caps_disabled(spec, "cpu-blas", 13), 0);
    ck_assert_int_eq(rb_caps_disabled(spec, "spatial", 42), 1);
    ck_assert_int_eq(rb_caps_disabled(spec, "brainwave", 1), 0);
    ck_assert_int_eq(rb_caps_disabled(spec, "cpu", 1), 0); /* no prefix matches */
    ck_assert_int_eq(rb_caps_disabled(NULL, "cpu-blas", 1), 0);
    ck_assert_int_eq(rb_caps_disabled("", "cpu-blas", 1), 0);
}
END_TEST

START_TEST(caps_probe_honours_knob)
{
    setenv("RNNBENCH_DISABLE_BACKENDS_ON_RANKS", "cpu-blas:5", 1);
    rb_caps c;
    memset(&c, 0, sizeof c);
    rb_caps_probe(&c, 5);
    int b = backend_index("cpu-blas");
    ck_assert_int_ge(b, 0);
    ck_assert_int_eq(c.ok[b], 0);
    ck_assert_ptr_nonnull(strstr(c.why[b], "RNNBENCH_DISABLE_BACKENDS_ON_RANKS"));
    rb_caps_probe(&c, 4);
    ck_assert_int_eq(c.ok[b], 1);
    unsetenv("RNNBENCH_DISABLE_BACKENDS_ON_RANKS");
}
END_TEST

START_TEST(pack_roundtrip)
{
    rb_job_result r, back;
    memset(&r, 0, sizeof r);
    rb_record_init(&r.rec);
    strcpy(r.rec.key, "0123456789abcdef");
    strcpy(r.rec.status, "ok");
    r.job = 42;
    double s[3] = {1.5, 2.5, 3.5};
    r.samples = s;
    r.nsamples = 3;
    void *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(rb_result_pack(&r, &buf, &len), 0);
    ck_assert_int_eq(rb_result_unpack(buf, len, &back), 0);
    ck_assert_int_eq(back.job, 42);
    ck_assert_str_eq(back.rec.key, "0123456789abcdef");
    ck_assert_uint_eq(back.nsamples, 3);
    ck_assert(back.samples[2] == 3.5);
    free(back.samples);
    ck_assert_int_eq(rb_result_unpack(buf, len - 1, &back), -1); /* truncated */
    ck_assert_int_eq(rb_result_unpack(buf, 8, &back), -1);
    free(buf);
}
END_TEST

START_TEST(durations)
{
    char b[32];
    rb_format_duration(5.2, b, sizeof b);
    ck_assert_str_eq(b, "5s");
    rb_format_duration(185, b, sizeof b);
    ck_assert_str_eq(b, "3m05s");
    rb_format_duration(3720, b, sizeof b);
    ck_assert_str_eq(b, "1h02m");
    rb_format_duration(-1, b, sizeof b);
    ck_assert_str_eq(b, "?");
}
END_TEST

/* Polls until a result arrives (or 30 s pass). */
static int next_result(rb_runner *r, rb_job_result *out)
{
    double t0 = rb_now();
    while (rb_now() - t0 < 30.0)
        if (rb_runner_poll(r, 0.05, out) == 1)
            return 1;
    return 0;
}

START_TEST(forked_runner_results_in_order)
{
    size_t nj = 0;
    rb_job *jobs = make_jobs("brainwave", 4, &nj);
    rb_exec_config cfg = small_cfg(0);
    rb_runner run;
    rb_caps caps;
    memset(&caps, 0, sizeof caps);
    ck_assert_int_eq(rb_runner_start(&run, jobs, nj, &cfg, 1, &caps), 0);
    ck_assert_int_eq(run.ex.forked, 1);
    ck_assert_int_eq(caps.ok[backend_index("brainwave")], 1);
    for (int j = 0; j < 4; j++)
        ck_assert_int_eq(rb_runner_submit(&run, j), 0);
    for (int j = 0; j < 4; j++) {
        rb_job_result r;
        ck_assert_int_eq(next_result(&run, &r), 1);
        ck_assert_int_eq(r.job, j);
        ck_assert_str_eq(r.rec.key, jobs[j].key);
        ck_assert_str_eq(r.rec.status, "ok");
        ck_assert_str_eq(r.rec.host, "testhost");
        free(r.samples);
    }
    ck_assert_int_eq(run.qlen, 0);
    rb_runner_stop(&run);
    free(jobs);
}
END_TEST

START_TEST(forked_runner_hard_timeout_then_continues)
{
    size_t nj = 0;
    rb_job *jobs = make_jobs("brainwave", 3, &nj);
    setenv("RNNBENCH_TEST_STALL_WORKLOAD", "w1", 1);
    rb_exec_config cfg = small_cfg(0.1); /* hard limit 2.15 s */
    rb_runner run;
    ck_assert_int_eq(rb_runner_start(&run, jobs, nj, &cfg, 1, NULL), 0);
    for (int j = 0; j < 3; j++)
        rb_runner_submit(&run, j);
    const char *want[3] = {"ok", "timeout", "ok"};
    for (int j = 0; j < 3; j++) {
        rb_job_result r;
        ck_assert_int_eq(next_result(&run, &r), 1);
        ck_assert_int_eq(r.job, j);
        ck_assert_str_eq(r.rec.status, want[j]);
        ck_assert_str_eq(r.rec.key, jobs[j].key);
        free(r.samples);
    }
    ck_assert_int_eq(run.restarts, 1);
    unsetenv("RNNBENCH_TEST_STALL_WORKLOAD");
    rb_runner_stop(&run);
    free(jobs);
}
END_TEST

START_TEST(forked_runner_survives_executor_crash)
{
    size_t nj = 0;
    rb_job *jobs = make_jobs("brainwave", 2, &nj);
    setenv("RNNBENCH_TEST_STALL_WORKLOAD", "w0", 1);
    rb_exec_config cfg = small_cfg(0);
    rb_runner run;
    ck_assert_int_eq(rb_runner_start(&run, jobs, nj, &cfg, 1, NULL), 0);
    unsetenv("RNNBENCH_TEST_STALL_WORKLOAD"); /* the replacement child will not stall */
    rb_runner_submit(&run, 0);
    rb_runner_submit(&run, 1);
    rb_job_result r;
    ck_assert_int_eq(rb_runner_poll(&run, 0.2, &r), 0); /* stalled, no hard limit */
    kill(run.ex.pid, SIGKILL); /* as if the backend crashed (or the OOM killer struck) */
    ck_assert_int_eq(next_result(&run, &r), 1);
    ck_assert_int_eq(r.job, 0);
    ck_assert_str_eq(r.rec.status, "failed");
    ck_assert_ptr_nonnull(strstr(r.rec.message, "signal 9"));
    ck_assert_int_eq(next_result(&run, &r), 1);
    ck_assert_int_eq(r.job, 1);
    ck_assert_str_eq(r.rec.status, "ok");
    free(r.samples);
    rb_runner_stop(&run);
    free(jobs);
}
END_TEST

static void campaign_on_one_rank(const char *executor)
{
    setenv("RNNBENCH_EXECUTOR", executor, 1);
    size_t nj = 0;
    rb_job *jobs = make_jobs("brainwave", 6, &nj);
    unsigned char skip[6] = {0, 1, 0, 0, 1, 0};
    rb_campaign c;
    memset(&c, 0, sizeof c);
    c.jobs = jobs;
    c.n = nj;
    c.skip = skip;
    c.exec = small_cfg(0);
    c.store = NULL; /* no store: counts only */
    c.batch_rows = 4;
    rb_campaign_result res;
    ck_assert_int_eq(rb_campaign_run(&c, &res), 0);
    ck_assert_uint_eq(res.skipped, 2);
    ck_assert_uint_eq(res.ok, 4);
    ck_assert_uint_eq(res.failed + res.timeout + res.unavailable, 0);
    ck_assert_int_eq(res.interrupted, 0);
    unsetenv("RNNBENCH_EXECUTOR");
    free(jobs);
}

START_TEST(campaign_forked)
{
    campaign_on_one_rank("fork");
}
END_TEST

START_TEST(campaign_inline)
{
    campaign_on_one_rank("inline");
}
END_TEST

START_TEST(campaign_backend_disabled_everywhere)
{
    setenv("RNNBENCH_DISABLE_BACKENDS_ON_RANKS", "brainwave:*", 1);
    size_t nj = 0;
    rb_job *jobs = make_jobs("brainwave", 3, &nj);
    rb_campaign c;
    memset(&c, 0, sizeof c);
    c.jobs = jobs;
    c.n = nj;
    c.exec = small_cfg(0);
    c.batch_rows = 1;
    rb_campaign_result res;
    ck_assert_int_eq(rb_campaign_run(&c, &res), 0);
    ck_assert_uint_eq(res.unavailable, 3);
    ck_assert_uint_eq(res.ok, 0);
    unsetenv("RNNBENCH_DISABLE_BACKENDS_ON_RANKS");
    free(jobs);
}
END_TEST

START_TEST(mpi_provenance_singleton)
{
    char hosts[256], me[64], ver[256];
    rb_hostname(me, sizeof me);
    ck_assert_int_eq(rb_mpi_hosts(hosts, sizeof hosts), 1);
    ck_assert_str_eq(hosts, me);
    rb_mpi_library_version(ver, sizeof ver);
    ck_assert_ptr_nonnull(strstr(ver, "MPI"));
    ck_assert_ptr_null(strchr(ver, '\n'));
    int id = -1, nr = -1, ns = -1;
    ck_assert_int_eq(rb_mpi_node(&id, &nr, &ns), 0);
    ck_assert_int_eq(id, 0);
    ck_assert_int_eq(nr, 0);
    ck_assert_int_eq(ns, 1);
}
END_TEST

START_TEST(blas_threads_policy)
{
    setenv("OPENBLAS_NUM_THREADS", "3", 1);
    ck_assert_int_eq(rb_blas_threads_policy(), 3); /* the user's choice wins */
    ck_assert_int_eq(rb_blas_threads_current(), 3);
    unsetenv("OPENBLAS_NUM_THREADS");
    int t = rb_blas_threads_policy(); /* one rank on this node: the cores it may use */
    ck_assert_int_ge(t, 1);
    ck_assert_int_le(t, (int)sysconf(_SC_NPROCESSORS_ONLN));
    ck_assert_int_eq(rb_blas_threads_current(), t);
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    ck_assert_int_eq(rb_blas_threads_policy(), 1);
}
END_TEST

int main(void)
{
    MPI_Init(NULL, NULL);
    Suite *s = suite_create("scheduler");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, disable_knob);
    tcase_add_test(t, caps_probe_honours_knob);
    tcase_add_test(t, pack_roundtrip);
    tcase_add_test(t, durations);
    tcase_add_test(t, forked_runner_results_in_order);
    tcase_add_test(t, forked_runner_hard_timeout_then_continues);
    tcase_add_test(t, forked_runner_survives_executor_crash);
    tcase_add_test(t, campaign_forked);
    tcase_add_test(t, campaign_inline);
    tcase_add_test(t, campaign_backend_disabled_everywhere);
    tcase_add_test(t, mpi_provenance_singleton);
    tcase_add_test(t, blas_threads_policy);
    suite_add_tcase(s, t);
    int rc = rb_check_run_fork(s, CK_NOFORK); /* MPI is initialised once in this process */
    MPI_Finalize();
    return rc;
}
