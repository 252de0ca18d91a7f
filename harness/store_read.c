/* harness/store_read.c — owns reading a results file (store.h): every complete row of /results (the rows up to the
 * committed length; rows without a key, zero-filled by an interrupted write of an old version, are skipped) and
 * a row's raw samples, in schema versions 1 (/samples/<key>) and 2 (/sample_values slices). Read-only: a file is
 * never modified by reading it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "store_attrs.h"
#include "store_internal.h"
#include "store_schema.h"

/* The length of dset that holds complete data: its committed-length attribute when present, else all of it. */
static int readable_length(hid_t dset, const char *attr, hsize_t *n)
{
    hid_t space = H5Dget_space(dset);
    hsize_t dims[1] = {0};
    int ok = space >= 0 && H5Sget_simple_extent_dims(space, dims, NULL) == 1;
    if (space >= 0)
        H5Sclose(space);
    if (!ok)
        return -1;
    unsigned long long c = dims[0];
    if (H5Aexists(dset, attr) > 0 && rb_h5_read_u64_attr(dset, attr, &c) != 0)
        return -1;
    *n = c < dims[0] ? c : dims[0];
    return 0;
}

/* Reads elements [start, start + count) of a one-dimensional dataset into buf. 0 or -1. */
static int read_slab(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, void *buf)
{
    if (count == 0)
        return 0;
    hsize_t st[1] = {start}, cnt[1] = {count};
    hid_t fs = H5Dget_space(dset);
    hid_t ms = H5Screate_simple(1, cnt, NULL);
    int rc = fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, st, NULL, cnt, NULL) >= 0 &&
                     H5Dread(dset, memtype, ms, fs, H5P_DEFAULT, buf) >= 0
                 ? 0
                 : -1;
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

int rb_store_read_file(hid_t file, int version, const char *path, rb_record **rows, size_t *n, char *err,
                       size_t errlen)
{
    *rows = NULL;
    *n = 0;
    hid_t dset = H5Dopen2(file, RB_RESULTS_TABLE, H5P_DEFAULT);
    hid_t type = rb_record_mem_type(version);
    hsize_t count = 0;
    rb_record *buf = NULL;
    int rc = -1;
    if (dset < 0 || type < 0 || readable_length(dset, RB_ATTR_ROWS_COMMITTED, &count) != 0) {
        rb_store_set_h5_err(err, errlen, path, "cannot read /results");
        goto done;
    }
    buf = calloc(count ? (size_t)count : 1, sizeof *buf);
    if (buf == NULL) {
        rb_store_set_err(err, errlen, path, "out of memory%s", NULL);
        goto done;
    }
    if (read_slab(dset, type, 0, count, buf) != 0) {
        rb_store_set_h5_err(err, errlen, path, "cannot read /results");
        goto done;
    }
    size_t kept = 0;
    for (size_t i = 0; i < (size_t)count; i++) {
        rb_record_terminate_strings(&buf[i]);
        if (buf[i].key[0] == '\0')
            continue;
        if (version < 2) { /* columns added in version 2 */
            buf[i].error_bound = NAN;
            buf[i].samples_offset = buf[i].samples_count = 0;
        }
        if (kept != i)
            buf[kept] = buf[i];
        kept++;
    }
    *rows = buf;
    *n = kept;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    if (type >= 0)
        H5Tclose(type);
    if (dset >= 0)
        H5Dclose(dset);
    return rc;
}

int rb_store_read(const char *path, rb_record **rows, size_t *n, char *err, size_t errlen)
{
    *rows = NULL;
    *n = 0;
    if (path == NULL || path[0] == '\0') {
        rb_store_set_err(err, errlen, path, "empty file name%s", NULL);
        return -1;
    }
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int version = 0, rc = -1;
    hid_t file = rb_store_open_existing(path, H5F_ACC_RDONLY, &version, err, errlen);
    if (file >= 0) {
        rc = rb_store_read_file(file, version, path, rows, n, err, errlen);
        rb_store_close_file(file);
    }
    rb_h5_quiet_end(&q);
    return rc;
}

/* Version 1: the whole /samples/<key> dataset (absent: no samples). */
static int read_legacy_samples(hid_t file, const char *path, const char *key, double **x, size_t *n, char *err,
                               size_t errlen)
{
    char name[64];
    snprintf(name, sizeof name, RB_LEGACY_SAMPLES_GROUP "/%s", key);
    if (H5Lexists(file, RB_LEGACY_SAMPLES_GROUP, H5P_DEFAULT) <= 0 || H5Lexists(file, name, H5P_DEFAULT) <= 0)
        return 0;
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    hssize_t k = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    int rc = -1;
    if (k >= 0) {
        *x = k > 0 ? malloc((size_t)k * sizeof **x) : NULL;
        if (k == 0 || (*x != NULL && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *x) >= 0)) {
            *n = (size_t)k;
            rc = 0;
        }
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (rc != 0) {
        free(*x);
        *x = NULL;
        rb_store_set_h5_err(err, errlen, path, "cannot read /samples");
    }
    return rc;
}

int rb_store_read_samples_file(hid_t file, int version, const char *path, const rb_record *row, double **x,
                               size_t *n, char *err, size_t errlen)
{
    *x = NULL;
    *n = 0;
    if (version < 2)
        return read_legacy_samples(file, path, row->key, x, n, err, errlen);
    if (row->samples_count == 0)
        return 0;
    hid_t d = H5Dopen2(file, RB_VALUES_DATASET, H5P_DEFAULT);
    hsize_t have = 0;
    int rc = -1;
    if (d >= 0 && readable_length(d, RB_ATTR_VALUES_COMMITTED, &have) == 0) {
        if (row->samples_offset > have || row->samples_count > have - row->samples_offset) {
            rb_store_set_err(err, errlen, path, "a row's samples lie past the end of /sample_values%s", NULL);
        } else {
            *x = malloc((size_t)row->samples_count * sizeof **x);
            if (*x != NULL && read_slab(d, H5T_NATIVE_DOUBLE, row->samples_offset, row->samples_count, *x) == 0) {
                *n = (size_t)row->samples_count;
                rc = 0;
            } else {
                rb_store_set_h5_err(err, errlen, path, "cannot read /sample_values");
            }
        }
    } else {
        rb_store_set_h5_err(err, errlen, path, "cannot read /sample_values");
    }
    if (d >= 0)
        H5Dclose(d);
    if (rc != 0) {
        free(*x);
        *x = NULL;
    }
    return rc;
}

int rb_store_read_samples(const char *path, const rb_record *row, double **x, size_t *n, char *err,
                          size_t errlen)
{
    *x = NULL;
    *n = 0;
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int version = 0, rc = -1;
    hid_t file = rb_store_open_existing(path, H5F_ACC_RDONLY, &version, err, errlen);
    if (file >= 0) {
        rc = rb_store_read_samples_file(file, version, path, row, x, n, err, errlen);
        rb_store_close_file(file);
    }
    rb_h5_quiet_end(&q);
    return rc;
}
