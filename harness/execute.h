/* harness/execute.h — runs one job on this process: prepare, verify against the fp32 reference, time or ask the
 * backend for its figures, fill the record. Knows nothing about MPI or HDF5. */
#ifndef RB_EXECUTE_H
#define RB_EXECUTE_H

#include <stddef.h>
#include "job.h"
#include "record.h"
#include "timing.h"

typedef struct rb_exec_config {
    rb_timing_policy timing;
    double job_timeout_s; /* 0 = none; a measured job whose timing loop passes it stops with status "timeout" */
    const char *host;     /* recorded in the row */
    int rank;             /* recorded in the row */
    int threads;          /* threads of the functional computations (parallel.h); 0 = leave as is */
} rb_exec_config;

/* Runs the job and fills *rec (always: status ok/failed/inaccurate/unavailable/timeout with a message; inaccurate:
 * max_rel_err over rb_backend_error_bound, which is stored in rec->error_bound). *samples gets the
 * malloc'd latency samples in ms (NULL/0 for simulated/modeled). Returns 0 when the record is complete (whatever the
 * status), -1 only on allocation failure of the harness itself. The backend is probed once per process. */
int rb_execute_job(const rb_job *job, const rb_exec_config *cfg, rb_record *rec, double **samples,
                   size_t *nsamples);

/* The same with the backend given (tests run a backend that is not registered); the job's backend_index is used
 * for nothing but the record's identifying fields, which then name b. No probe. */
int rb_execute_with(const rb_backend *b, const rb_job *job, const rb_exec_config *cfg, rb_record *rec,
                    double **samples, size_t *nsamples);

/* Drops the weights, inputs and reference output kept between consecutive jobs on the same problem and seed (the
 * on-disk output cache is not touched). */
void rb_execute_clear_cache(void);

#endif
