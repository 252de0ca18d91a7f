/* harness/store.h — the HDF5 results store (schema in results/SCHEMA.md).
 *   /results            H5TB compound table of rb_record, chunked, extendable, appended in batches
 *   /samples/<key>      float64 raw latency samples (ms) of a job; its attributes hold the job's extras
 *   /runs/<NNNN>        group per invocation, provenance attributes (start/end, command line, hosts, ...)
 *   /backends/<name>    group per backend, configuration attributes
 * Root attributes: schema = "rnnbench-results", schema_version = 1.
 * Only one process (MPI rank 0) ever opens a store for writing. */
#ifndef RB_STORE_H
#define RB_STORE_H

#include <stddef.h>
#include "record.h"

typedef struct rb_store rb_store;

#define RB_STORE_SCHEMA "rnnbench-results"
#define RB_STORE_SCHEMA_VERSION 1

/* Open for writing. A missing file is created. An existing rnnbench file is appended to; with force=1 it is
 * replaced. An existing file that is not an rnnbench results file (or not HDF5) is an error and is left
 * untouched. Returns NULL with a message in err. */
rb_store *rb_store_open(const char *path, int force, char *err, size_t errlen);

/* 1 if a row with this key is already in the file (rows with status ok, unavailable or failed all count;
 * resume decides what to skip). Status of that row is copied into status (may be NULL). */
int rb_store_has_key(const rb_store *s, const char *key, char *status, size_t statuslen);

/* Provenance: starts a new /runs/<id> group. Returns the run id (>= 0) or -1. */
int rb_store_begin_run(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n);
/* Adds/overwrites string attributes on the current run (e.g. end_time, exit status). 0 or -1. */
int rb_store_run_attrs(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n);

/* Backend configuration attributes under /backends/<name> (overwritten). 0 or -1. */
int rb_store_backend_config(rb_store *s, const char *backend, const char *const *keys,
                            const char *const *vals, int n);

/* Appends rows; samples[i] (nsamples[i] doubles, may be 0/NULL) goes to /samples/<key>. The rows'
 * run_id is set to the current run. Data is flushed to disk before returning. 0 or -1 (err in message). */
int rb_store_append(rb_store *s, rb_record *rows, size_t n, const double *const *samples,
                    const size_t *nsamples, char *err, size_t errlen);

/* Flush and close. Returns 0 or -1. NULL is fine. */
int rb_store_close(rb_store *s);

/* Read every row of an existing results file (read-only). *rows malloc'd. 0, or -1 with err
 * (not HDF5, not an rnnbench file, unreadable table). */
int rb_store_read(const char *path, rb_record **rows, size_t *n, char *err, size_t errlen);

#endif
