/* harness/store.c — owns the write handle of the HDF5 results store (store.h): opening, creating or replacing a
 * campaign file, attaching to its datasets (a tail that was never committed is dropped), the key set, provenance
 * groups, and closing. Appending is in store_append.c, reading in store_read.c, disk reservation in store_space.c,
 * replacing a file in store_replace.c, the version-1 upgrade in store_upgrade.c; layout and types live in
 * store_schema.c, attribute helpers in store_attrs.c, the key set in store_keyset.c. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "store_attrs.h"
#include "store_internal.h"
#include "store_schema.h"

#define RB_KIB 1024ULL
#define RB_LAYOUT_RESERVE (64 * RB_KIB)  /* a new file's layout, with room to spare */
#define RB_SMALL_RESERVE (64 * RB_KIB)    /* provenance attributes, a final flush */

static int hdf5_broken;

void rb_store_mark_hdf5_broken(void)
{
    hdf5_broken = 1;
}

int rb_store_hdf5_broken(void)
{
    return hdf5_broken;
}

int rb_store_close_file(hid_t file)
{
    if (file < 0)
        return 0;
    if (H5Fclose(file) < 0) {
        /* HDF5 1.10 keeps the id of a file whose close failed, pointing at freed state: its shutdown (MPI_Finalize,
         * exit) would crash on it */
        hdf5_broken = 1;
        return -1;
    }
    return 0;
}

void rb_store_set_err(char *err, size_t errlen, const char *path, const char *fmt, const char *detail)
{
    if (err == NULL || errlen == 0)
        return;
    char why[768];
    snprintf(why, sizeof why, fmt, detail ? detail : "");
    snprintf(err, errlen, "%s: %s", path && path[0] ? path : "(no file name)", why);
}

void rb_store_set_h5_err(char *err, size_t errlen, const char *path, const char *what)
{
    char h5[512], msg[768];
    rb_h5_last_error(h5, sizeof h5);
    snprintf(msg, sizeof msg, "%s (HDF5: %s)", what, h5);
    rb_store_set_err(err, errlen, path, "%s", msg);
}

static int is_hdf5(const char *path)
{
#if H5_VERSION_GE(1, 12, 0)
    return H5Fis_accessible(path, H5P_DEFAULT);
#else
    return H5Fis_hdf5(path);
#endif
}

hid_t rb_store_open_existing(const char *path, unsigned flags, int *version, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        rb_store_set_err(err, errlen, path, "no such file%s", NULL);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        rb_store_set_err(err, errlen, path, "not a regular file%s", NULL);
        return -1;
    }
    int hdf5 = is_hdf5(path);
    if (hdf5 == 0) {
        rb_store_set_err(err, errlen, path, "not an HDF5 file (left untouched)%s", NULL);
        return -1;
    }
    if (hdf5 < 0) {
        rb_store_set_h5_err(err, errlen, path, "cannot read the file");
        return -1;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        rb_store_set_h5_err(err, errlen, path, "cannot open the HDF5 file");
        return -1;
    }
    char why[384];
    if (rb_store_layout_validate(file, version, why, sizeof why) != 0) {
        rb_store_close_file(file);
        rb_store_set_err(err, errlen, path, "%s; left untouched", why);
        return -1;
    }
    if (flags == H5F_ACC_RDONLY)
        return file;
    rb_store_close_file(file);
    file = H5Fopen(path, flags, H5P_DEFAULT);
    if (file < 0)
        rb_store_set_h5_err(err, errlen, path, "cannot open the results file for writing");
    return file;
}

typedef struct key_status {
    char key[RB_KEY_LEN];
    char status[RB_STATUS_LEN];
} key_status;

/* A memory type holding only the key and status columns (HDF5 converts the rows' subset by member name). */
static hid_t key_status_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(key_status));
    hid_t k = H5Tcopy(H5T_C_S1), st = H5Tcopy(H5T_C_S1);
    int ok = t >= 0 && k >= 0 && st >= 0 && H5Tset_size(k, RB_KEY_LEN) >= 0 && H5Tset_size(st, RB_STATUS_LEN) >= 0 &&
             H5Tinsert(t, "key", offsetof(key_status, key), k) >= 0 &&
             H5Tinsert(t, "status", offsetof(key_status, status), st) >= 0;
    if (k >= 0)
        H5Tclose(k);
    if (st >= 0)
        H5Tclose(st);
    if (!ok && t >= 0) {
        H5Tclose(t);
        t = -1;
    }
    return t;
}

/* Loads the key and status of every committed row into the key set (later rows win). */
static int load_keys(rb_store *s)
{
    if (s->rows == 0)
        return 0;
    key_status *rows = calloc((size_t)s->rows, sizeof *rows);
    hid_t type = key_status_type();
    hid_t fs = H5Dget_space(s->results);
    hsize_t start[1] = {0}, count[1] = {s->rows};
    hid_t ms = H5Screate_simple(1, count, NULL);
    int rc = rows != NULL && type >= 0 && fs >= 0 && ms >= 0 &&
                     H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                     H5Dread(s->results, type, ms, fs, H5P_DEFAULT, rows) >= 0
                 ? 0
                 : -1;
    for (size_t i = 0; rc == 0 && i < (size_t)s->rows; i++) {
        rows[i].key[RB_KEY_LEN - 1] = rows[i].status[RB_STATUS_LEN - 1] = '\0';
        rc = rb_keyset_put(&s->keys, rows[i].key, rows[i].status);
    }
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    if (type >= 0)
        H5Tclose(type);
    free(rows);
    return rc;
}

/* The committed length of dset: its attribute, or (a file that has none) its whole length. */
static int committed_length(hid_t dset, const char *attr, uint64_t *committed, hsize_t *length)
{
    hid_t space = H5Dget_space(dset);
    hsize_t dims[1] = {0};
    int ok = space >= 0 && H5Sget_simple_extent_dims(space, dims, NULL) == 1;
    if (space >= 0)
        H5Sclose(space);
    if (!ok)
        return -1;
    *length = dims[0];
    unsigned long long c = dims[0];
    if (H5Aexists(dset, attr) > 0 && rb_h5_read_u64_attr(dset, attr, &c) != 0)
        return -1;
    *committed = c < dims[0] ? c : dims[0];
    return 0;
}

/* Opens /results and /sample_values of s->file, drops rows and values past the committed lengths (an append that
 * failed half-way in an earlier run) and loads the keys. 0, or -1 with err. */
static int attach(rb_store *s, char *err, size_t errlen)
{
    s->results = H5Dopen2(s->file, RB_RESULTS_TABLE, H5P_DEFAULT);
    s->values = H5Dopen2(s->file, RB_VALUES_DATASET, H5P_DEFAULT);
    s->rowtype = rb_record_mem_type(RB_STORE_SCHEMA_VERSION);
    hsize_t nrows = 0, nvalues = 0;
    if (s->results < 0 || s->values < 0 || s->rowtype < 0 ||
        committed_length(s->results, RB_ATTR_ROWS_COMMITTED, &s->rows, &nrows) != 0 ||
        committed_length(s->values, RB_ATTR_VALUES_COMMITTED, &s->values_n, &nvalues) != 0) {
        rb_store_set_h5_err(err, errlen, s->path, "cannot open /results and /sample_values");
        return -1;
    }
    if (nrows > s->rows || nvalues > s->values_n) {
        hsize_t r[1] = {s->rows}, v[1] = {s->values_n};
        if (rb_store_reserve(s, RB_SMALL_RESERVE, err, errlen) != 0) {
            rb_store_fail(s, err, NULL);
            return -1;
        }
        if (H5Dset_extent(s->results, r) < 0 || H5Dset_extent(s->values, v) < 0 ||
            H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0) {
            rb_store_set_h5_err(err, errlen, s->path, "cannot drop the incomplete rows of an earlier failed write");
            rb_store_fail(s, err, NULL);
            return -1;
        }
    }
    if (load_keys(s) != 0) {
        rb_store_set_h5_err(err, errlen, s->path, "cannot read the keys of /results");
        return -1;
    }
    return 0;
}

static rb_store *store_alloc(const char *path)
{
    rb_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->file = s->results = s->values = s->rowtype = -1;
    s->run_id = -1;
    rb_keyset_init(&s->keys);
    s->path = strdup(path);
    if (s->path == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

/* Closes everything s holds. 0, or -1 when an object was left open or the file did not close. */
static int store_free(rb_store *s)
{
    int rc = 0;
    if (s->rowtype >= 0)
        H5Tclose(s->rowtype);
    if (s->values >= 0)
        H5Dclose(s->values);
    if (s->results >= 0)
        H5Dclose(s->results);
    if (s->file >= 0) {
        /* every object the store opened must be closed by now; a leak would keep the file open */
        if (H5Fget_obj_count(s->file, H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR) != 0)
            rc = -1;
        if (rb_store_close_file(s->file) != 0)
            rc = -1;
        rb_store_release_reserve(s->path);
    }
    rb_keyset_free(&s->keys);
    free(s->path);
    free(s);
    return rc;
}

/* Creates a results file at path (which must not exist) with the empty layout; -1 with err (nothing left). */
static hid_t create_file(const char *path, char *err, size_t errlen)
{
    hid_t file = H5Fcreate(path, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) {
        rb_store_set_h5_err(err, errlen, path, "cannot create the results file");
        return -1;
    }
    int rc = rb_store_reserve_file(file, path, RB_LAYOUT_RESERVE, err, errlen);
    if (rc == 0 && (rb_store_layout_create(file) != 0 || H5Fflush(file, H5F_SCOPE_GLOBAL) < 0)) {
        rb_store_set_h5_err(err, errlen, path, "cannot write the results layout");
        rc = -1;
    }
    if (rc != 0) {
        rb_store_detach_file(file); /* the file is removed: whatever HDF5 still writes goes nowhere */
        rb_store_close_file(file);
        unlink(path);
        return -1;
    }
    return file;
}

rb_store *rb_store_create_new(const char *path, char *err, size_t errlen)
{
    rb_store *s = store_alloc(path);
    if (s == NULL) {
        rb_store_set_err(err, errlen, path, "out of memory%s", NULL);
        return NULL;
    }
    s->file = create_file(path, err, errlen);
    if (s->file < 0 || attach(s, err, errlen) != 0) {
        int created = s->file >= 0;
        store_free(s);
        if (created)
            unlink(path);
        return NULL;
    }
    return s;
}

/* --force may replace an rnnbench results file, a damaged HDF5 file (it may be ours) or an empty file; never a
 * text file or another program's HDF5 file. 0, or -1 with err. */
static int replaceable(const char *path, const struct stat *st, char *err, size_t errlen)
{
    if (st->st_size == 0)
        return 0;
    int hdf5 = is_hdf5(path);
    if (hdf5 == 0) {
        rb_store_set_err(err, errlen, path,
                         "not an HDF5 file: --force replaces only rnnbench results files (left untouched)%s", NULL);
        return -1;
    }
    if (hdf5 < 0) {
        rb_store_set_h5_err(err, errlen, path, "cannot read the file");
        return -1;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return 0; /* damaged (or held by a writer: the lock check that follows decides) */
    char schema[64];
    int ours = rb_h5_read_string_attr(file, "schema", schema, sizeof schema) == 0 && strcmp(schema, RB_STORE_SCHEMA) == 0;
    rb_store_close_file(file);
    if (!ours)
        rb_store_set_err(err, errlen, path,
                         "an HDF5 file but not an rnnbench results file: --force replaces only results files "
                         "(left untouched)%s", NULL);
    return ours ? 0 : -1;
}

/* --force: a new file beside path, renamed over it once we hold path's lock. */
static rb_store *replace_existing(const char *path, const struct stat *st, char *err, size_t errlen)
{
    char tmp[4096];
    int lock = -1;
    if (replaceable(path, st, err, errlen) != 0 || rb_store_lock_exclusive(path, &lock, err, errlen) != 0)
        return NULL;
    if (rb_store_sibling_path(path, tmp, sizeof tmp) != 0) {
        rb_store_set_err(err, errlen, path, "file name too long%s", NULL);
        close(lock);
        return NULL;
    }
    unlink(tmp); /* a leftover of a killed run of ours (the name has our pid) */
    rb_store *s = rb_store_create_new(tmp, err, errlen);
    if (s == NULL) {
        close(lock);
        return NULL;
    }
    if (rb_store_replace_with(tmp, path, lock, err, errlen) != 0) {
        store_free(s);
        unlink(tmp);
        return NULL;
    }
    free(s->path);
    s->path = strdup(path);
    if (s->path == NULL) {
        s->path = strdup(tmp); /* unlikely; only messages use it */
    }
    return s;
}

rb_store *rb_store_open(const char *path, int force, char *err, size_t errlen)
{
    if (path == NULL || path[0] == '\0') {
        rb_store_set_err(err, errlen, path, "empty output file name%s", NULL);
        return NULL;
    }
    rb_store_test_limits();
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    rb_store *s = NULL;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        rb_store_set_err(err, errlen, path, "is a directory%s", NULL);
    } else if (exists && !S_ISREG(st.st_mode)) {
        rb_store_set_err(err, errlen, path, "not a regular file%s", NULL);
    } else if (exists && force) {
        s = replace_existing(path, &st, err, errlen);
    } else if (exists) {
        int version = 0;
        hid_t f = rb_store_open_existing(path, H5F_ACC_RDONLY, &version, err, errlen);
        if (f >= 0) {
            rb_store_close_file(f);
            if (version >= RB_STORE_SCHEMA_VERSION || rb_store_upgrade(path, err, errlen) == 0) {
                s = store_alloc(path);
                if (s == NULL)
                    rb_store_set_err(err, errlen, path, "out of memory%s", NULL);
            }
        }
        if (s != NULL) {
            s->file = rb_store_open_existing(path, H5F_ACC_RDWR, &version, err, errlen);
            if (s->file < 0 || attach(s, err, errlen) != 0) {
                store_free(s);
                s = NULL;
            }
        }
    } else {
        s = rb_store_create_new(path, err, errlen);
    }
    rb_h5_quiet_end(&q);
    return s;
}

int rb_store_has_key(const rb_store *s, const char *key, char *status, size_t statuslen)
{
    const char *found = s ? rb_keyset_get(&s->keys, key) : NULL;
    if (status != NULL && statuslen > 0)
        snprintf(status, statuslen, "%s", found ? found : "");
    return found != NULL;
}

int rb_store_failed(const rb_store *s)
{
    return s != NULL && s->failed;
}

const char *rb_store_error(const rb_store *s)
{
    return s != NULL ? s->why : "";
}

/* A name usable as one HDF5 link name: non-empty, no '/', not "." or "..". */
static int valid_link_name(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

/* Opens group `name` under loc, creating it when missing. */
static hid_t open_or_create_group(hid_t loc, const char *name)
{
    htri_t exists = H5Lexists(loc, name, H5P_DEFAULT);
    if (exists < 0)
        return -1;
    if (exists > 0)
        return H5Gopen2(loc, name, H5P_DEFAULT);
    return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

static int write_string_attrs(hid_t obj, const char *const *keys, const char *const *vals, int n)
{
    for (int i = 0; i < n; i++) {
        if (keys == NULL || keys[i] == NULL || rb_h5_write_string_attr(obj, keys[i], vals ? vals[i] : "") != 0)
            return -1;
    }
    return 0;
}

/* Before and after a small metadata write: space reserved first, flushed after; a failure fails the store. */
static int small_write_begin(rb_store *s)
{
    if (s->failed)
        return -1;
    char why[768] = "";
    if (rb_store_reserve(s, RB_SMALL_RESERVE, why, sizeof why) != 0) {
        rb_store_fail(s, why, NULL);
        return -1;
    }
    return 0;
}

static int small_write_end(rb_store *s, int rc, const char *what)
{
    if (rc == 0 && H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        rc = -1;
    if (rc != 0)
        rb_store_fail(s, NULL, what);
    return rc;
}

int rb_store_begin_run(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n)
{
    if (s == NULL || small_write_begin(s) != 0)
        return -1;
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int id = -1;
    hid_t runs = open_or_create_group(s->file, "runs");
    H5G_info_t info;
    if (runs >= 0 && H5Gget_info(runs, &info) >= 0) {
        char name[32];
        /* the id is the number of runs so far; skip past any name already taken */
        for (id = (int)info.nlinks;; id++) {
            snprintf(name, sizeof name, "%04d", id);
            if (H5Lexists(runs, name, H5P_DEFAULT) == 0)
                break;
        }
        hid_t g = H5Gcreate2(runs, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0 || write_string_attrs(g, attr_keys, attr_vals, n) != 0)
            id = -1;
        if (g >= 0)
            H5Gclose(g);
    }
    if (runs >= 0)
        H5Gclose(runs);
    if (small_write_end(s, id >= 0 ? 0 : -1, "cannot record the run in /runs") != 0)
        id = -1;
    if (id >= 0)
        s->run_id = id;
    rb_h5_quiet_end(&q);
    return id;
}

int rb_store_run_attrs(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n)
{
    if (s == NULL || s->run_id < 0 || small_write_begin(s) != 0)
        return -1;
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    char path[48];
    snprintf(path, sizeof path, "runs/%04d", s->run_id);
    int rc = -1;
    hid_t g = H5Gopen2(s->file, path, H5P_DEFAULT);
    if (g >= 0) {
        rc = write_string_attrs(g, attr_keys, attr_vals, n);
        H5Gclose(g);
    }
    rc = small_write_end(s, rc, "cannot record the run's provenance in /runs");
    rb_h5_quiet_end(&q);
    return rc;
}

int rb_store_backend_config(rb_store *s, const char *backend, const char *const *keys,
                            const char *const *vals, int n)
{
    if (s == NULL || !valid_link_name(backend) || small_write_begin(s) != 0)
        return -1;
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int rc = -1;
    hid_t backends = open_or_create_group(s->file, "backends");
    hid_t g = backends >= 0 ? open_or_create_group(backends, backend) : -1;
    if (g >= 0)
        rc = write_string_attrs(g, keys, vals, n);
    if (g >= 0)
        H5Gclose(g);
    if (backends >= 0)
        H5Gclose(backends);
    rc = small_write_end(s, rc, "cannot record the backend configuration in /backends");
    rb_h5_quiet_end(&q);
    return rc;
}

int rb_store_close(rb_store *s)
{
    if (s == NULL)
        return 0;
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    char why[768] = "";
    if (!s->failed && rb_store_reserve(s, RB_SMALL_RESERVE, why, sizeof why) != 0)
        rb_store_fail(s, why, NULL);
    if (!s->failed && H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        rb_store_fail(s, NULL, "cannot flush the results file");
    int rc = s->failed ? -1 : 0;
    if (store_free(s) != 0)
        rc = -1;
    rb_h5_quiet_end(&q);
    return rc;
}
