/* harness/runner.c — one rank's execution lane with hard timeouts and crash recovery (see runner.h). */
#include <stdio.h>
#include <string.h>
#include "runner.h"
#include "timing.h"

double rb_runner_hard_limit(double job_timeout_s)
{
    return job_timeout_s > 0 ? 1.5 * job_timeout_s + 2.0 : 0.0;
}

int rb_runner_start(rb_runner *r, const rb_job *jobs, size_t n, const rb_exec_config *cfg, int forked,
                    rb_caps *caps)
{
    memset(r, 0, sizeof *r);
    if (rb_executor_start(&r->ex, jobs, n, cfg, forked, caps) != 0)
        return -1;
    r->hard_limit_s = r->ex.forked ? rb_runner_hard_limit(cfg->job_timeout_s) : 0.0;
    return 0;
}

int rb_runner_submit(rb_runner *r, int j)
{
    if (r->qlen >= RB_RUNNER_DEPTH)
        return -1;
    if (r->qlen == 0)
        r->head_start = rb_now();
    r->queue[r->qlen++] = j;
    if (r->ex.forked && rb_executor_send(&r->ex, j) != 0)
        return 0; /* the child is gone: the next poll notices and records the head job */
    return 0;
}

static void pop_head(rb_runner *r)
{
    memmove(r->queue, r->queue + 1, (size_t)(r->qlen - 1) * sizeof r->queue[0]);
    r->qlen--;
    r->head_start = rb_now();
}

/* Replace a dead/killed executor and hand it the jobs that were queued behind the head. */
static void restart(rb_runner *r)
{
    rb_exec_config cfg = r->ex.cfg;
    const rb_job *jobs = r->ex.jobs;
    size_t n = r->ex.njobs;
    r->restarts++;
    if (rb_executor_start(&r->ex, jobs, n, &cfg, 1, NULL) != 0 || !r->ex.forked)
        r->hard_limit_s = 0.0; /* inline from now on */
    for (int i = 1; i < r->qlen; i++)
        if (r->ex.forked)
            rb_executor_send(&r->ex, r->queue[i]);
}

int rb_runner_poll(rb_runner *r, double wait_s, rb_job_result *out)
{
    if (r->qlen == 0)
        return 0;
    int head = r->queue[0];
    const rb_job *job = &r->ex.jobs[head];
    if (!r->ex.forked) {
        rb_executor_run_here(&r->ex, head, out);
        pop_head(r);
        return 1;
    }
    double now = rb_now();
    if (r->hard_limit_s > 0) {
        double left = r->head_start + r->hard_limit_s - now;
        if (left < wait_s)
            wait_s = left > 0 ? left : 0;
    }
    if (rb_executor_wait(&r->ex, wait_s) == 1) {
        if (rb_executor_read(&r->ex, out) == 0 && out->job == head) {
            pop_head(r);
            return 1;
        }
        char how[128];
        rb_executor_kill(&r->ex, 1, how, sizeof how);
        rb_result_synth(out, job, head, "failed", r->ex.cfg.host, r->ex.cfg.rank,
                        "executor process %s while running the job (backend crash?); replaced",
                        how[0] ? how : "stopped answering");
        restart(r);
        pop_head(r);
        return 1;
    }
    if (r->hard_limit_s > 0 && rb_now() - r->head_start >= r->hard_limit_s) {
        rb_executor_kill(&r->ex, 0, NULL, 0);
        rb_result_synth(out, job, head, "timeout", r->ex.cfg.host, r->ex.cfg.rank,
                        "no result within the hard limit of %.1f s (--job-timeout %.1f s + grace); executor killed "
                        "and replaced", r->hard_limit_s, r->ex.cfg.job_timeout_s);
        restart(r);
        pop_head(r);
        return 1;
    }
    return 0;
}

void rb_runner_stop(rb_runner *r)
{
    rb_executor_stop(&r->ex);
    r->qlen = 0;
}
