/* harness/store.h — the HDF5 results store (schema in results/SCHEMA.md).
 *   /results            compound table of rb_record, chunked, extendable, appended in batches
 *   /sample_values      float64, every row's raw latency samples (ms) back to back; a row names its slice
 *                       (samples_offset, samples_count)
 *   /runs/<NNNN>        group per invocation, provenance attributes (start/end, command line, hosts, ...)
 *   /backends/<name>    group per backend, configuration attributes
 * Root attributes: schema = "rnnbench-results", schema_version = 2. Version-1 files (one /samples/<key> dataset
 * per job) are read as they are and rewritten as version 2 the first time a run appends to them.
 * Only one process (MPI rank 0) ever opens a store for writing. A write that fails (disk full, file size limit,
 * I/O error) leaves the rows written before it intact: rows count only once a flush has succeeded, and the store
 * writes nothing more after a failure. */
#ifndef RB_STORE_H
#define RB_STORE_H

#include <stddef.h>
#include "record.h"

typedef struct rb_store rb_store;

#define RB_STORE_SCHEMA "rnnbench-results"
#define RB_STORE_SCHEMA_VERSION 2

/* Open for writing. A missing file is created. An existing rnnbench file is appended to (a version-1 file is first
 * rewritten as version 2 beside it and renamed over it). With force=1 an existing results file is replaced: the new
 * file is made beside it and renamed over it, and only when no other process holds it open; a file that is not an
 * rnnbench results file (or not HDF5) is an error even with force. Errors leave an existing file untouched.
 * Returns NULL with a message in err. */
rb_store *rb_store_open(const char *path, int force, char *err, size_t errlen);

/* 1 if a row with this key is already in the file. The status of the key's latest row is copied into status (may
 * be NULL); resume decides what to skip. */
int rb_store_has_key(const rb_store *s, const char *key, char *status, size_t statuslen);

/* Provenance: starts a new /runs/<id> group. Returns the run id (>= 0) or -1. */
int rb_store_begin_run(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n);
/* Adds/overwrites string attributes on the current run (e.g. end_time, exit status). 0 or -1. */
int rb_store_run_attrs(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n);

/* Backend configuration attributes under /backends/<name> (overwritten). 0 or -1. */
int rb_store_backend_config(rb_store *s, const char *backend, const char *const *keys,
                            const char *const *vals, int n);

/* Appends rows; samples[i] (nsamples[i] doubles, may be 0/NULL) is stored with row i (its samples_offset and
 * samples_count are set). The rows' run_id is set to the current run. Data is flushed to disk before returning.
 * 0, or -1 with err; after a failure the store refuses every further write (the file keeps what was committed). */
int rb_store_append(rb_store *s, rb_record *rows, size_t n, const double *const *samples,
                    const size_t *nsamples, char *err, size_t errlen);

/* 1 once a write to this store has failed. */
int rb_store_failed(const rb_store *s);
/* The message of the first failed write ("PATH: why"), or "" when none failed. */
const char *rb_store_error(const rb_store *s);

/* Flush and close. Returns 0 or -1. NULL is fine. */
int rb_store_close(rb_store *s);

/* 1 when an HDF5 file could not be closed in this process: HDF5 would then crash while shutting down (in
 * MPI_Finalize or at exit), so the process must end with _exit/MPI_Abort after its files are closed. */
int rb_store_hdf5_broken(void);

/* Read every complete row of an existing results file (read-only). *rows malloc'd. 0, or -1 with err
 * (not HDF5, not an rnnbench file, unreadable table). */
int rb_store_read(const char *path, rb_record **rows, size_t *n, char *err, size_t errlen);

/* The raw latency samples (ms) of a row returned by rb_store_read: *x malloc'd (NULL when there are none), *n
 * their count. In a version-1 file the samples of a key belong to its latest row. 0, or -1 with err. */
int rb_store_read_samples(const char *path, const rb_record *row, double **x, size_t *n, char *err,
                          size_t errlen);

#endif
