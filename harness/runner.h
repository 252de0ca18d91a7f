/* harness/runner.h — one rank's execution lane: an executor plus the FIFO of jobs handed to it, with the hard job
 * timeout (a job that does not answer within the limit is recorded as `timeout`, its executor killed and replaced,
 * the jobs queued behind it resubmitted) and crash handling (an executor that dies records its job as `failed`). */
#ifndef RB_RUNNER_H
#define RB_RUNNER_H

#include "executor.h"

#define RB_RUNNER_DEPTH 8

typedef struct rb_runner {
    rb_executor ex;
    int queue[RB_RUNNER_DEPTH]; /* submitted jobs, head is running */
    int qlen;
    double head_start;          /* rb_now() when the head job started */
    double hard_limit_s;        /* 0 = none (inline executors cannot enforce one) */
    int restarts;
} rb_runner;

/* Hard limit used for a --job-timeout of t seconds: 1.5 t + 2 s (the backend's soft timeout fires first). */
double rb_runner_hard_limit(double job_timeout_s);

/* 0 or -1. See rb_executor_start for forked and caps. */
int rb_runner_start(rb_runner *r, const rb_job *jobs, size_t n, const rb_exec_config *cfg, int forked,
                    rb_caps *caps);
/* Queues job j (qlen < RB_RUNNER_DEPTH). 0 or -1. */
int rb_runner_submit(rb_runner *r, int j);
/* Forked: waits up to wait_s for the head job to finish. Inline: runs the head job now. Returns 1 with *out filled
 * (ok/failed/... from the job itself, or a synthesized timeout/failed record), 0 when nothing finished. */
int rb_runner_poll(rb_runner *r, double wait_s, rb_job_result *out);
void rb_runner_stop(rb_runner *r);

#endif
