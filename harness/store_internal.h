/* harness/store_internal.h — internal to the store (store*.c): the open store's state and the pieces the store's
 * files share. Nothing outside harness/store*.c includes it. */
#ifndef RB_STORE_INTERNAL_H
#define RB_STORE_INTERNAL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "store.h"
#include "store_keyset.h"

struct rb_store {
    hid_t file, results, values; /* the file, /results, /sample_values */
    hid_t rowtype;               /* memory type of rb_record (current schema) */
    char *path;
    int run_id;                  /* current /runs entry, -1 before rb_store_begin_run */
    int failed;                  /* a write failed: nothing more is written */
    int detached;                /* after a failure: HDF5 writes to a memory file, not to the results file */
    char why[768];               /* the first failure's message */
    uint64_t rows, values_n;     /* committed lengths of /results and /sample_values */
    rb_keyset keys;
};

/* "PATH: why" into err (fmt has one %s for detail). */
void rb_store_set_err(char *err, size_t errlen, const char *path, const char *fmt, const char *detail);
/* "PATH: what (HDF5: innermost message)". */
void rb_store_set_h5_err(char *err, size_t errlen, const char *path, const char *what);

/* Opens an existing results file read-only or read-write after checking it is HDF5 and of our schema (the check
 * runs on a read-only handle, so a foreign or damaged file is never opened for writing). *version receives its
 * schema version. Returns the file id, or -1 with err set. */
hid_t rb_store_open_existing(const char *path, unsigned flags, int *version, char *err, size_t errlen);

/* Appends rows (and their samples) to an attached store. keep_run_id: leave each row's run_id as given (used when
 * copying rows); otherwise rows get the current run. Samples go first, then the rows, a flush, then the committed
 * lengths and a second flush: a failure anywhere leaves the committed part intact. 0, or -1 with err. */
int rb_store_append_rows(rb_store *s, rb_record *rows, size_t n, const double *const *samples,
                         const size_t *nsamples, int keep_run_id, char *err, size_t errlen);

/* Reserves disk space for `bytes` more bytes in the file before HDF5 writes them (store_space.c). */
int rb_store_reserve(rb_store *s, unsigned long long bytes, char *err, size_t errlen);
/* Same on an HDF5 file id that is not (yet) a store. */
int rb_store_reserve_file(hid_t file, const char *path, unsigned long long bytes, char *err, size_t errlen);
/* Records a failed write: the store refuses further writes, keeps the message (first one wins) and is detached.
 * `why` may be NULL (then "what (HDF5: ...)" is composed from HDF5's error). */
void rb_store_fail(rb_store *s, const char *why, const char *what);
/* After a failed write: HDF5's file descriptor is replaced by an anonymous memory file, so nothing HDF5 still
 * flushes reaches the results file and closing it succeeds (store_space.c). */
void rb_store_detach(rb_store *s);
/* The same for a file id that is not a store yet. 0 or -1. */
int rb_store_detach_file(hid_t file);
/* Gives back the reservation past the end of the closed file at path (best effort). */
void rb_store_release_reserve(const char *path);
/* Applies the RNNBENCH_TEST_STORE_FSIZE testing knob (see store_space.c). */
void rb_store_test_limits(void);
/* Marks HDF5's state as unsafe: an H5Fclose failed and HDF5 would crash when it shuts down. */
void rb_store_mark_hdf5_broken(void);

/* Closes file, marking HDF5 broken when H5Fclose fails. 0 or -1. */
int rb_store_close_file(hid_t file);

/* store.c: creates a new results file at path (which must not exist) and returns it as an open store. */
rb_store *rb_store_create_new(const char *path, char *err, size_t errlen);

/* store_read.c, on an open file of the given schema version: every complete row (rows with an empty key, the
 * zero-filled rows of an interrupted version-1 write, are skipped), and one row's samples. 0, or -1 with err. */
int rb_store_read_file(hid_t file, int version, const char *path, rb_record **rows, size_t *n, char *err,
                       size_t errlen);
int rb_store_read_samples_file(hid_t file, int version, const char *path, const rb_record *row, double **x,
                               size_t *n, char *err, size_t errlen);

/* store_replace.c: a name beside path for a file that will replace it ("DIR/.NAME.new-PID"). 0 or -1. */
int rb_store_sibling_path(const char *path, char *out, size_t len);
/* Takes the exclusive lock HDF5 itself takes on a file it writes (flock), without waiting: 0 with *fd holding
 * it, or -1 with why (another process has the file open through HDF5: a running campaign, h5py, ...). */
int rb_store_lock_exclusive(const char *path, int *fd, char *err, size_t errlen);
/* Renames the new file over path, then drops the lock on the old one. 0, or -1 with err (new file removed). */
int rb_store_replace_with(const char *new_path, const char *path, int lock_fd, char *err, size_t errlen);

/* store_upgrade.c: rewrites a schema-1 file as schema 2 beside it and renames it over path. 0 or -1 with err. */
int rb_store_upgrade(const char *path, char *err, size_t errlen);

#endif
