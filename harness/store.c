/* harness/store.c — owns the HDF5 results store API (store.h): opening/creating/validating a campaign file,
 * provenance groups, appending rows with their raw samples, and reading a file back. Layout and types live
 * in store_schema.c, attribute helpers in store_attrs.c, the key set in store_keyset.c. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "store_attrs.h"
#include "store_keyset.h"
#include "store_schema.h"

struct rb_store {
    hid_t file;
    char *path;
    int run_id; /* current /runs entry, -1 before rb_store_begin_run */
    rb_keyset keys;
};

static void set_err(char *err, size_t errlen, const char *path, const char *fmt, const char *detail)
{
    if (err == NULL || errlen == 0)
        return;
    char why[512];
    snprintf(why, sizeof why, fmt, detail ? detail : "");
    snprintf(err, errlen, "%s: %s", path && path[0] ? path : "(no file name)", why);
}

static void set_h5_err(char *err, size_t errlen, const char *path, const char *what)
{
    char h5[256], msg[512];
    rb_h5_last_error(h5, sizeof h5);
    snprintf(msg, sizeof msg, "%s (HDF5: %s)", what, h5);
    set_err(err, errlen, path, "%s", msg);
}

static int is_hdf5(const char *path)
{
#if H5_VERSION_GE(1, 12, 0)
    return H5Fis_accessible(path, H5P_DEFAULT);
#else
    return H5Fis_hdf5(path);
#endif
}

/* Opens an existing results file (flags H5F_ACC_RDONLY or _RDWR) after checking it is HDF5 and of our
 * schema. The schema is checked on a read-only handle first so a foreign file is never opened for
 * writing. Returns the file id or -1 with err set. */
static hid_t open_existing(const char *path, unsigned flags, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        set_err(err, errlen, path, "no such file%s", NULL);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, path, "not a regular file%s", NULL);
        return -1;
    }
    int hdf5 = is_hdf5(path);
    if (hdf5 == 0) {
        set_err(err, errlen, path, "not an HDF5 file (left untouched)%s", NULL);
        return -1;
    }
    if (hdf5 < 0) {
        set_h5_err(err, errlen, path, "cannot read the file");
        return -1;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        set_h5_err(err, errlen, path, "cannot open the HDF5 file");
        return -1;
    }
    char why[384];
    if (rb_store_layout_validate(file, why, sizeof why) != 0) {
        H5Fclose(file);
        set_err(err, errlen, path, "%s; left untouched", why);
        return -1;
    }
    if (flags == H5F_ACC_RDONLY)
        return file;
    H5Fclose(file);
    file = H5Fopen(path, flags, H5P_DEFAULT);
    if (file < 0)
        set_h5_err(err, errlen, path, "cannot open the results file for writing");
    return file;
}

typedef struct key_status {
    char key[RB_KEY_LEN];
    char status[RB_STATUS_LEN];
} key_status;

/* Loads the key and status columns of /results into the key set. */
static int load_keys(rb_store *s)
{
    hsize_t nfields = 0, nrecords = 0;
    if (H5TBget_table_info(s->file, RB_RESULTS_TABLE, &nfields, &nrecords) < 0)
        return -1;
    if (nrecords == 0)
        return 0;
    key_status *rows = calloc((size_t)nrecords, sizeof *rows);
    if (rows == NULL)
        return -1;
    const size_t offsets[2] = {offsetof(key_status, key), offsetof(key_status, status)};
    const size_t sizes[2] = {sizeof rows->key, sizeof rows->status};
    int rc = H5TBread_fields_name(s->file, RB_RESULTS_TABLE, "key,status", 0, nrecords, sizeof *rows, offsets,
                                  sizes, rows) < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < (size_t)nrecords; i++) {
        rows[i].key[RB_KEY_LEN - 1] = rows[i].status[RB_STATUS_LEN - 1] = '\0';
        rc = rb_keyset_put(&s->keys, rows[i].key, rows[i].status); /* later rows win */
    }
    free(rows);
    return rc;
}

/* Creates a new store file, or replaces an existing one when replace is set. */
static int create_new(const char *path, int replace, char *err, size_t errlen, hid_t *out)
{
    hid_t file = H5Fcreate(path, replace ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) {
        set_h5_err(err, errlen, path, "cannot create the results file");
        return -1;
    }
    if (rb_store_layout_create(file) != 0 || H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
        set_h5_err(err, errlen, path, "cannot write the results layout");
        H5Fclose(file);
        unlink(path);
        return -1;
    }
    *out = file;
    return 0;
}

rb_store *rb_store_open(const char *path, int force, char *err, size_t errlen)
{
    if (path == NULL || path[0] == '\0') {
        set_err(err, errlen, path, "empty output file name%s", NULL);
        return NULL;
    }
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    rb_store *s = calloc(1, sizeof *s);
    if (s != NULL) {
        s->file = -1;
        s->run_id = -1;
        rb_keyset_init(&s->keys);
        s->path = strdup(path);
    }
    if (s == NULL || s->path == NULL) {
        set_err(err, errlen, path, "out of memory%s", NULL);
        goto fail;
    }

    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        set_err(err, errlen, path, "is a directory%s", NULL);
        goto fail;
    }
    if (exists && !force) {
        s->file = open_existing(path, H5F_ACC_RDWR, err, errlen);
        if (s->file < 0)
            goto fail;
        if (load_keys(s) != 0) {
            set_h5_err(err, errlen, path, "cannot read the keys of /results");
            goto fail;
        }
    } else if (create_new(path, exists, err, errlen, &s->file) != 0) {
        goto fail;
    }
    rb_h5_quiet_end(&q);
    return s;
fail:
    if (s != NULL) {
        if (s->file >= 0)
            H5Fclose(s->file);
        rb_keyset_free(&s->keys);
        free(s->path);
        free(s);
    }
    rb_h5_quiet_end(&q);
    return NULL;
}

int rb_store_has_key(const rb_store *s, const char *key, char *status, size_t statuslen)
{
    const char *found = s ? rb_keyset_get(&s->keys, key) : NULL;
    if (status != NULL && statuslen > 0)
        snprintf(status, statuslen, "%s", found ? found : "");
    return found != NULL;
}

/* A name usable as one HDF5 link name: non-empty, no '/', not "." or "..". */
static int valid_link_name(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

/* Opens group `name` under file, creating it when missing. */
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

/* Attributes on an existing group path; 0 or -1. */
static int attrs_on_group(hid_t file, const char *group_path, const char *const *keys,
                          const char *const *vals, int n)
{
    hid_t g = H5Gopen2(file, group_path, H5P_DEFAULT);
    if (g < 0)
        return -1;
    int rc = write_string_attrs(g, keys, vals, n);
    H5Gclose(g);
    return rc;
}

int rb_store_begin_run(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n)
{
    if (s == NULL)
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
    if (id >= 0 && H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        id = -1;
    if (id >= 0)
        s->run_id = id;
    rb_h5_quiet_end(&q);
    return id;
}

int rb_store_run_attrs(rb_store *s, const char *const *attr_keys, const char *const *attr_vals, int n)
{
    if (s == NULL || s->run_id < 0)
        return -1;
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    char path[48];
    snprintf(path, sizeof path, "runs/%04d", s->run_id);
    int rc = attrs_on_group(s->file, path, attr_keys, attr_vals, n);
    if (rc == 0 && H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        rc = -1;
    rb_h5_quiet_end(&q);
    return rc;
}

int rb_store_backend_config(rb_store *s, const char *backend, const char *const *keys,
                            const char *const *vals, int n)
{
    if (s == NULL || !valid_link_name(backend))
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
    if (rc == 0 && H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        rc = -1;
    rb_h5_quiet_end(&q);
    return rc;
}

/* Strips leading and trailing blanks in place. */
static char *trim(char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        text[--len] = '\0';
    return text;
}

/* Writes the "k=v;k=v" extras as string attributes of obj: blanks around keys and values are dropped, items
 * without '=' get an empty value, empty items are skipped, a repeated key keeps its last value. */
static int write_extras(hid_t obj, const char *extras, size_t maxlen)
{
    size_t len = strnlen(extras, maxlen);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, extras, len);
    copy[len] = '\0';
    int rc = 0;
    char *save = NULL;
    for (char *item = strtok_r(copy, ";", &save); item && rc == 0; item = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(item, '=');
        const char *value = "";
        if (eq != NULL) {
            *eq = '\0';
            value = trim(eq + 1);
        }
        const char *name = trim(item);
        if (name[0] != '\0')
            rc = rb_h5_write_string_attr(obj, name, value);
    }
    free(copy);
    return rc;
}

/* 1 when the extras string has at least one item with a non-blank key. */
static int has_extras(const char *extras, size_t maxlen)
{
    int in_key = 1;
    for (size_t i = 0; i < maxlen && extras[i]; i++) {
        char c = extras[i];
        if (c == ';')
            in_key = 1;
        else if (c == '=')
            in_key = 0;
        else if (in_key && c != ' ' && c != '\t')
            return 1;
    }
    return 0;
}

/* Replaces /samples/<key> with the row's samples (ms) and extras; no dataset when there is neither. */
static int write_samples(hid_t file, const rb_record *row, const double *x, size_t n)
{
    if (x == NULL)
        n = 0;
    int extras = has_extras(row->extras, sizeof row->extras);
    hid_t group = open_or_create_group(file, "samples");
    if (group < 0)
        return -1;
    int rc = -1;
    htri_t exists = H5Lexists(group, row->key, H5P_DEFAULT);
    if (exists < 0 || (exists > 0 && H5Ldelete(group, row->key, H5P_DEFAULT) < 0))
        goto done;
    rc = 0;
    if (n == 0 && !extras)
        goto done;
    rc = -1;
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dset = space >= 0 ? H5Dcreate2(group, row->key, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                         H5P_DEFAULT)
                            : -1;
    if (dset >= 0 && (n == 0 || H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0))
        rc = extras ? write_extras(dset, row->extras, sizeof row->extras) : 0;
    if (dset >= 0)
        H5Dclose(dset);
    if (space >= 0)
        H5Sclose(space);
done:
    H5Gclose(group);
    return rc;
}

int rb_store_append(rb_store *s, rb_record *rows, size_t n, const double *const *samples,
                    const size_t *nsamples, char *err, size_t errlen)
{
    if (s == NULL) {
        set_err(err, errlen, NULL, "no open store%s", NULL);
        return -1;
    }
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rows[i].run_id = s->run_id;
        rb_record_terminate_strings(&rows[i]);
        if (!valid_link_name(rows[i].key)) {
            char what[64];
            snprintf(what, sizeof what, "row %zu", i);
            set_err(err, errlen, s->path, "%s has an empty or invalid key; nothing appended", what);
            rc = -1;
            goto out;
        }
    }
    if (n > 0 && H5TBappend_records(s->file, RB_RESULTS_TABLE, n, sizeof(rb_record), rb_record_field_offsets(),
                                    rb_record_field_sizes(), rows) < 0) {
        set_h5_err(err, errlen, s->path, "cannot append rows to /results");
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (rb_keyset_put(&s->keys, rows[i].key, rows[i].status) != 0) {
            set_err(err, errlen, s->path, "out of memory%s", NULL);
            rc = -1;
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (write_samples(s->file, &rows[i], samples ? samples[i] : NULL, nsamples ? nsamples[i] : 0) != 0) {
            char what[96];
            snprintf(what, sizeof what, "cannot write /samples/%s", rows[i].key);
            set_h5_err(err, errlen, s->path, what);
            rc = -1;
        }
    }
    if (H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0 && rc == 0) {
        set_h5_err(err, errlen, s->path, "cannot flush the results file");
        rc = -1;
    }
out:
    rb_h5_quiet_end(&q);
    return rc;
}

int rb_store_close(rb_store *s)
{
    if (s == NULL)
        return 0;
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int rc = H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0 ? -1 : 0;
    /* every object the store opened must be closed by now; a leak would keep the file open */
    if (H5Fget_obj_count(s->file, H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR) != 0)
        rc = -1;
    if (H5Fclose(s->file) < 0)
        rc = -1;
    rb_keyset_free(&s->keys);
    free(s->path);
    free(s);
    rb_h5_quiet_end(&q);
    return rc;
}

int rb_store_read(const char *path, rb_record **rows, size_t *n, char *err, size_t errlen)
{
    *rows = NULL;
    *n = 0;
    if (path == NULL || path[0] == '\0') {
        set_err(err, errlen, path, "empty file name%s", NULL);
        return -1;
    }
    rb_h5_quiet q;
    rb_h5_quiet_begin(&q);
    int rc = -1;
    hid_t file = open_existing(path, H5F_ACC_RDONLY, err, errlen);
    if (file < 0)
        goto out;
    hsize_t nfields = 0, nrecords = 0;
    if (H5TBget_table_info(file, RB_RESULTS_TABLE, &nfields, &nrecords) < 0) {
        set_h5_err(err, errlen, path, "cannot read /results");
        goto close;
    }
    rb_record *buf = calloc(nrecords ? (size_t)nrecords : 1, sizeof *buf);
    if (buf == NULL) {
        set_err(err, errlen, path, "out of memory%s", NULL);
        goto close;
    }
    if (nrecords > 0 && H5TBread_table(file, RB_RESULTS_TABLE, sizeof(rb_record), rb_record_field_offsets(),
                                       rb_record_field_sizes(), buf) < 0) {
        set_h5_err(err, errlen, path, "cannot read /results");
        free(buf);
        goto close;
    }
    for (size_t i = 0; i < (size_t)nrecords; i++)
        rb_record_terminate_strings(&buf[i]);
    *rows = buf;
    *n = (size_t)nrecords;
    rc = 0;
close:
    H5Fclose(file);
out:
    rb_h5_quiet_end(&q);
    return rc;
}
