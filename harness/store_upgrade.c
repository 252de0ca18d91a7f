/* harness/store_upgrade.c — owns the one-way upgrade of a schema-1 results file (one /samples/<key> dataset per job)
 * to schema 2 (one shared /sample_values): the rows, the samples of each key's latest row (the only ones version 1
 * kept), /runs and /backends are written into a new file beside the old one, which is renamed over it while we
 * hold its lock. Zero-filled rows without a key (an interrupted version-1 write) are dropped. The old file is
 * never modified: any failure leaves it as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "store_internal.h"
#include "store_keyset.h"
#include "store_schema.h"

#define RB_UPGRADE_BATCH 4096

/* latest[i] = 1 when row i is the last row of its key. */
static unsigned char *latest_rows(const rb_record *rows, size_t n)
{
    unsigned char *latest = calloc(n ? n : 1, 1);
    rb_keyset seen;
    rb_keyset_init(&seen);
    for (size_t i = n; latest && i-- > 0;) {
        if (rb_keyset_get(&seen, rows[i].key) != NULL)
            continue;
        latest[i] = 1;
        if (rb_keyset_put(&seen, rows[i].key, "") != 0) {
            free(latest);
            latest = NULL;
        }
    }
    rb_keyset_free(&seen);
    return latest;
}

/* Copies group `name` (with its subgroups and attributes) from src to dst, replacing dst's. */
static int copy_group(hid_t src, hid_t dst, const char *name)
{
    if (H5Lexists(src, name, H5P_DEFAULT) <= 0)
        return 0;
    if (H5Lexists(dst, name, H5P_DEFAULT) > 0 && H5Ldelete(dst, name, H5P_DEFAULT) < 0)
        return -1;
    return H5Ocopy(src, name, dst, name, H5P_DEFAULT, H5P_DEFAULT) < 0 ? -1 : 0;
}

/* Writes src's rows (with the latest rows' samples) into the new store s, in batches. */
static int copy_rows(hid_t src, const char *path, rb_store *s, char *err, size_t errlen)
{
    rb_record *rows = NULL;
    size_t n = 0;
    if (rb_store_read_file(src, 1, path, &rows, &n, err, errlen) != 0)
        return -1;
    unsigned char *latest = latest_rows(rows, n);
    double **x = calloc(RB_UPGRADE_BATCH, sizeof *x);
    size_t *nx = calloc(RB_UPGRADE_BATCH, sizeof *nx);
    int rc = latest && x && nx ? 0 : -1;
    if (rc != 0)
        rb_store_set_err(err, errlen, path, "out of memory%s", NULL);
    for (size_t at = 0; rc == 0 && at < n; at += RB_UPGRADE_BATCH) {
        size_t k = n - at < RB_UPGRADE_BATCH ? n - at : RB_UPGRADE_BATCH;
        for (size_t i = 0; rc == 0 && i < k; i++)
            if (latest[at + i])
                rc = rb_store_read_samples_file(src, 1, path, &rows[at + i], &x[i], &nx[i], err, errlen);
        if (rc == 0)
            rc = rb_store_append_rows(s, rows + at, k, (const double *const *)x, nx, 1, err, errlen);
        for (size_t i = 0; i < k; i++) {
            free(x[i]);
            x[i] = NULL;
            nx[i] = 0;
        }
    }
    free(x);
    free(nx);
    free(latest);
    free(rows);
    return rc;
}

int rb_store_upgrade(const char *path, char *err, size_t errlen)
{
    char tmp[4096];
    int lock = -1;
    if (rb_store_sibling_path(path, tmp, sizeof tmp) != 0) {
        rb_store_set_err(err, errlen, path, "file name too long%s", NULL);
        return -1;
    }
    if (rb_store_lock_exclusive(path, &lock, err, errlen) != 0)
        return -1;
    /* we hold the exclusive lock ourselves: open without HDF5's own lock, which would conflict with ours */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t src = fapl >= 0 && H5Pset_file_locking(fapl, 0, 1) >= 0 ? H5Fopen(path, H5F_ACC_RDONLY, fapl) : -1;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (src < 0) {
        rb_store_set_h5_err(err, errlen, path, "cannot open the version-1 file to upgrade it");
        close(lock);
        return -1;
    }
    unlink(tmp); /* a leftover of a killed run of ours (the name has our pid) */
    rb_store *s = rb_store_create_new(tmp, err, errlen);
    int rc = s ? copy_rows(src, path, s, err, errlen) : -1;
    if (rc == 0 && (copy_group(src, s->file, "runs") != 0 || copy_group(src, s->file, "backends") != 0)) {
        rb_store_set_h5_err(err, errlen, path, "cannot copy /runs and /backends while upgrading");
        rc = -1;
    }
    if (s != NULL && rb_store_close(s) != 0 && rc == 0) {
        rb_store_set_err(err, errlen, path, "cannot write the upgraded copy%s", NULL);
        rc = -1;
    }
    rb_store_close_file(src);
    if (rc == 0) {
        rc = rb_store_replace_with(tmp, path, lock, err, errlen);
        lock = -1;
    }
    if (rc != 0 && s != NULL)
        unlink(tmp);
    if (lock >= 0)
        close(lock);
    return rc;
}
