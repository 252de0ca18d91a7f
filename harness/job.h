/* harness/job.h — a job (one workload on one backend with its options and seed) and its stable key. */
#ifndef RB_JOB_H
#define RB_JOB_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"
#include "record.h"

typedef struct rb_job {
    rb_problem problem;
    int backend_index;   /* index in the backend registry (identical on every rank) */
    const rb_options *opts; /* this backend's options (prefix stripped): points into the array given to
                             * rb_jobs_build, which must outlive the jobs (a copy per job made 10^5 jobs take ~0.4 GB) */
    char options[224];   /* canonical "k=v,k=v", keys sorted */
    uint64_t seed;
    char key[RB_KEY_LEN];
    int index;           /* position in the campaign */
} rb_job;

/* Canonical option string (keys sorted, "k=v" joined by ','). */
void rb_options_canonical(const rb_options *o, char *out, size_t outlen);

/* Key: FNV-1a 64 over "cell|H|I|B|T|backend|options|seed", as 16 lowercase hex digits. The workload name is not
 * part of the key: the same shape in two suites is the same measurement. */
void rb_job_key(const rb_job *j, const char *backend_name, char out[RB_KEY_LEN]);

/* Cross product problems × backends. opts[b] are the options for backend_idx[b] (the jobs point into opts). Jobs ordered problem-major so
 * consecutive jobs share a workload (and its reference output). Duplicate keys are dropped (counted in *dups).
 * *out malloc'd. Returns 0 or -1 (allocation). */
int rb_jobs_build(const rb_problem *probs, size_t np, const int *backend_idx, const rb_options *opts, size_t nb,
                  uint64_t seed, rb_job **out, size_t *n, size_t *dups);

/* Fill the identifying fields of a record (key, workload, shape, backend, options, seed) from a job. */
void rb_record_from_job(rb_record *r, const rb_job *j);

#endif
