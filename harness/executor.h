/* harness/executor.h — where a rank actually runs its jobs: a forked child process (the default: a job that hangs or
 * crashes can be killed and the child replaced without losing the rank) or this process itself ("inline").
 * The child never calls MPI or HDF5 and leaves with _exit. Results travel as one packed blob (also used for the MPI
 * messages to rank 0). */
#ifndef RB_EXECUTOR_H
#define RB_EXECUTOR_H

#include <stddef.h>
#include <sys/types.h>
#include "capability.h"
#include "execute.h"
#include "job.h"
#include "record.h"

typedef struct rb_job_result {
    int job;           /* index in the campaign */
    rb_record rec;
    double *samples;   /* malloc'd, may be NULL */
    size_t nsamples;
} rb_job_result;

/* Packs a result into one malloc'd buffer; 0 or -1. */
int rb_result_pack(const rb_job_result *r, void **buf, size_t *len);
/* Unpacks (samples copied into a fresh malloc'd array). 0, or -1 when the buffer is malformed/out of memory. */
int rb_result_unpack(const void *buf, size_t len, rb_job_result *r);

typedef struct rb_executor {
    int forked;          /* 1: jobs run in child `pid` */
    pid_t pid;
    int to_child, from_child;
    const rb_job *jobs;
    size_t njobs;
    rb_exec_config cfg;  /* host/rank of this rank */
} rb_executor;

/* Starts the executor. forked=1 forks a child (falls back to inline if fork fails); the child probes the backends
 * and sends *caps back (inline: probed here). caps->rank/ok/why/nb are filled. 0 or -1. */
int rb_executor_start(rb_executor *e, const rb_job *jobs, size_t n, const rb_exec_config *cfg, int forked,
                      rb_caps *caps);
/* Forked: queues job j in the child (jobs run in submission order). 0 or -1 (child gone). */
int rb_executor_send(rb_executor *e, int j);
/* Forked: waits up to timeout_s for a result to be readable: 1 readable (or the child closed the pipe), 0 not yet
 * (timeout or a signal). */
int rb_executor_wait(rb_executor *e, double timeout_s);
/* Forked: reads one result. 0, or -1 when the child died / sent garbage. */
int rb_executor_read(rb_executor *e, rb_job_result *r);
/* Inline: runs job j here. 0 or -1 (allocation). */
int rb_executor_run_here(rb_executor *e, int j, rb_job_result *r);
/* Forked: kills the child (SIGKILL) and reaps it; how it ended is described in why (may be NULL). reap_grace=1
 * first waits up to 0.1 s for a child that is already exiting (so its own signal/exit status is reported). */
void rb_executor_kill(rb_executor *e, int reap_grace, char *why, size_t len);
/* Ends the executor: forked children are killed and reaped. */
void rb_executor_stop(rb_executor *e);

/* A record for a job that produced none itself (timeout, crashed executor, no capable rank). */
void rb_result_synth(rb_job_result *r, const rb_job *job, int j, const char *status, const char *host, int rank,
                     const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#endif
