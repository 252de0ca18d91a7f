/* harness/store_append.c — owns appending a batch of rows and their samples to an open store: disk space reserved
 * first, the samples appended to /sample_values, the rows (naming their slice of it) to /results, a flush, then
 * the committed lengths (attributes rows_committed / values_committed) and a second flush. A failure at any step
 * leaves the committed part as it was: the store detaches the file from HDF5 (nothing more reaches it), readers
 * and the next writer ignore anything past the committed lengths. One batch costs two dataset writes and two flushes, whatever its size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "store_attrs.h"
#include "store_internal.h"
#include "store_schema.h"

#define RB_APPEND_SLACK (64 * 1024ULL) /* metadata a batch may add: chunk index nodes, object headers */

/* Chunks of `chunk` elements first touched when [have, have + add) is written. */
static unsigned long long new_chunks(uint64_t have, size_t add, unsigned long long chunk)
{
    return (have + add + chunk - 1) / chunk - (have + chunk - 1) / chunk;
}

/* A name usable as one HDF5 link name and a job key: non-empty, no '/', not "." or "..". */
static int valid_key(const char *key)
{
    return key[0] != '\0' && strchr(key, '/') == NULL && strcmp(key, ".") != 0 && strcmp(key, "..") != 0;
}

/* Extends dset to start + count elements and writes buf there. 0 or -1. */
static int write_slab(hid_t dset, hid_t memtype, uint64_t start, size_t count, const void *buf)
{
    hsize_t size[1] = {start + count}, st[1] = {start}, cnt[1] = {count};
    if (H5Dset_extent(dset, size) < 0)
        return -1;
    hid_t fs = H5Dget_space(dset);
    hid_t ms = H5Screate_simple(1, cnt, NULL);
    int rc = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, st, NULL, cnt, NULL) >= 0 &&
                     H5Dwrite(dset, memtype, ms, fs, H5P_DEFAULT, buf) >= 0
                 ? 0
                 : -1;
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

/* All samples of the batch back to back (NULL when there are none); *total receives their count. */
static double *gather_samples(size_t n, const double *const *samples, const size_t *nsamples, size_t *total,
                              int *oom)
{
    *total = 0;
    *oom = 0;
    for (size_t i = 0; samples && nsamples && i < n; i++)
        *total += samples[i] ? nsamples[i] : 0;
    if (*total == 0)
        return NULL;
    double *all = malloc(*total * sizeof *all);
    if (all == NULL) {
        *oom = 1;
        return NULL;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        if (samples[i] && nsamples[i]) {
            memcpy(all + at, samples[i], nsamples[i] * sizeof *all);
            at += nsamples[i];
        }
    return all;
}

int rb_store_append_rows(rb_store *s, rb_record *rows, size_t n, const double *const *samples,
                         const size_t *nsamples, int keep_run_id, char *err, size_t errlen)
{
    if (s->failed) {
        rb_store_set_err(err, errlen, s->path, "an earlier write to this file failed; nothing more is written%s",
                         NULL);
        return -1;
    }
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        rb_record_terminate_strings(&rows[i]);
        if (!valid_key(rows[i].key)) {
            char what[96];
            snprintf(what, sizeof what, "row %zu has an empty or invalid key; nothing appended", i);
            rb_store_set_err(err, errlen, s->path, "%s", what);
            return -1;
        }
    }
    if (n == 0)
        return 0;
    size_t total = 0;
    int oom = 0;
    double *all = gather_samples(n, samples, nsamples, &total, &oom);
    if (oom) {
        rb_store_set_err(err, errlen, s->path, "out of memory for the samples of a batch%s", NULL);
        return -1;
    }
    uint64_t at = s->values_n;
    for (size_t i = 0; i < n; i++) {
        size_t k = samples && nsamples && samples[i] ? nsamples[i] : 0;
        rows[i].samples_offset = at;
        rows[i].samples_count = k;
        at += k;
        if (!keep_run_id)
            rows[i].run_id = s->run_id;
    }
    /* chunks are allocated whole when first written and rewritten in place after that */
    unsigned long long need = new_chunks(s->rows, n, RB_RESULTS_CHUNK_ROWS) * RB_RESULTS_CHUNK_ROWS * sizeof(rb_record) +
                              new_chunks(s->values_n, total, RB_VALUES_CHUNK) * RB_VALUES_CHUNK * sizeof(double) +
                              RB_APPEND_SLACK;
    int rc = -1;
    const char *what = "cannot append rows to /results";
    if (rb_store_reserve(s, need, err, errlen) != 0) {
        rb_store_fail(s, err, NULL); /* nothing of this batch was written */
        free(all);
        return -1;
    }
    if (total > 0 && write_slab(s->values, H5T_NATIVE_DOUBLE, s->values_n, total, all) != 0)
        what = "cannot append samples to /sample_values";
    else if (write_slab(s->results, s->rowtype, s->rows, n, rows) != 0)
        what = "cannot append rows to /results";
    else if (H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        what = "cannot flush the results file";
    else if (rb_h5_write_u64_attr(s->results, RB_ATTR_ROWS_COMMITTED, s->rows + n) != 0 ||
             rb_h5_write_u64_attr(s->values, RB_ATTR_VALUES_COMMITTED, s->values_n + total) != 0 ||
             H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        what = "cannot record the appended rows as complete";
    else
        rc = 0;
    free(all);
    if (rc != 0) {
        rb_store_set_h5_err(err, errlen, s->path, what);
        rb_store_fail(s, err, what); /* the file keeps its last flushed state: the committed rows */
        return -1;
    }
    s->rows += n;
    s->values_n += total;
    for (size_t i = 0; i < n; i++) {
        if (rb_keyset_put(&s->keys, rows[i].key, rows[i].status) != 0) {
            rb_store_set_err(err, errlen, s->path, "out of memory%s", NULL);
            return -1;
        }
    }
    return 0;
}

int rb_store_append(rb_store *s, rb_record *rows, size_t n, const double *const *samples,
                    const size_t *nsamples, char *err, size_t errlen)
{
    if (s == NULL) {
        rb_store_set_err(err, errlen, NULL, "no open store%s", NULL);
        return -1;
    }
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int rc = rb_store_append_rows(s, rows, n, samples, nsamples, 0, err, errlen);
    rb_h5_quiet_end(&q);
    return rc;
}
