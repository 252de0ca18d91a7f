/* tests/test_store.c — the HDF5 results store: record init, the field map, round trip of rows and samples,
 * has_key across reopen, appending in a second open (row history kept), force (only results files), rejection of
 * foreign, non-HDF5 and wrongly shaped files (left byte-for-byte unchanged, nothing on stderr), /runs and
 * /backends attributes read back with the HDF5 API, a tail of uncommitted rows ignored and dropped, version-1 files
 * read and upgraded. */
#include <check.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "check_main.h"
#include "record.h"
#include "store.h"
#include "store_schema.h"

static char tmp_path[512];

/* A per-test, per-process file name under the test tmp dir; any old file is removed. */
static const char *tmpfile_named(const char *name)
{
    snprintf(tmp_path, sizeof tmp_path, "%s/store_%ld_%s", RB_TEST_TMPDIR, (long)getpid(), name);
    unlink(tmp_path);
    return tmp_path;
}

static void make_row(rb_record *r, int i, const char *status, const char *extras)
{
    rb_record_init(r);
    snprintf(r->key, sizeof r->key, "%016llx", 0xabc0000ULL + (unsigned long long)i);
    snprintf(r->workload, sizeof r->workload, "workload-%d", i);
    snprintf(r->cell, sizeof r->cell, "%s", i % 2 ? "gru" : "lstm");
    r->hidden = 256 + i;
    r->input = 128 + i;
    r->batch = 1 + i;
    r->timesteps = 50 + i;
    snprintf(r->backend, sizeof r->backend, "cpu-blas");
    snprintf(r->options, sizeof r->options, "threads=%d", i + 1);
    r->seed = 0xfedcba9876543210ULL + (uint64_t)i;
    snprintf(r->status, sizeof r->status, "%s", status);
    snprintf(r->message, sizeof r->message, "note %d", i);
    snprintf(r->device, sizeof r->device, "Test CPU");
    snprintf(r->host, sizeof r->host, "node%d", i);
    r->rank = i;
    r->timestamp = 1.7e9 + i;
    r->reps = 5 * i;
    snprintf(r->latency_source, sizeof r->latency_source, "measured");
    r->lat_median_ms = 1.5 + i;
    r->lat_min_ms = 1.0 + i;
    r->lat_mean_ms = 1.6 + i;
    r->lat_p99_ms = 2.5 + i;
    r->flops_full = 1e9 * (i + 1);
    r->energy_j = i % 2 ? NAN : 0.25; /* leave some NaN to check they survive */
    snprintf(r->energy_source, sizeof r->energy_source, "%s", i % 2 ? "unavailable" : "modeled");
    snprintf(r->extras, sizeof r->extras, "%s", extras);
}

/* Field-by-field equality through the store's own field table: strings by content, numbers bit for bit
 * (so NaN == NaN). */
static void assert_rows_equal(const rb_record *a, const rb_record *b)
{
    size_t n;
    const rb_field *f = rb_record_fields(&n);
    for (size_t i = 0; i < n; i++) {
        const char *pa = (const char *)a + f[i].offset, *pb = (const char *)b + f[i].offset;
        if (f[i].kind == RB_FIELD_STRING)
            ck_assert_msg(strcmp(pa, pb) == 0, "field %s: '%s' != '%s'", f[i].name, pa, pb);
        else
            ck_assert_msg(memcmp(pa, pb, f[i].size) == 0, "field %s differs", f[i].name);
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(*len + 1);
    ck_assert_uint_eq(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

/* stderr redirection, to prove expected failures print nothing */
static int stderr_saved = -1;
static char stderr_path[600];

static void stderr_capture(void)
{
    snprintf(stderr_path, sizeof stderr_path, "%s.stderr", tmp_path);
    fflush(stderr);
    stderr_saved = dup(2);
    int fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 2);
    close(fd);
}

static size_t stderr_release(void)
{
    fflush(stderr);
    dup2(stderr_saved, 2);
    close(stderr_saved);
    struct stat st;
    ck_assert_int_eq(stat(stderr_path, &st), 0);
    unlink(stderr_path);
    return (size_t)st.st_size;
}

/* String attribute read with the plain HDF5 API (variable-length UTF-8 string, as the store writes them). */
static void assert_attr(hid_t obj, const char *name, const char *expected)
{
    ck_assert_msg(H5Aexists(obj, name) > 0, "attribute %s missing", name);
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char *value = NULL;
    ck_assert_int_ge(H5Aread(attr, type, &value), 0);
    ck_assert_str_eq(value, expected);
    H5free_memory(value);
    H5Tclose(type);
    H5Aclose(attr);
}

static int attr_count(hid_t obj)
{
    H5O_info_t info;
    ck_assert_int_ge(H5Oget_info(obj, &info), 0);
    return (int)info.num_attrs;
}

/* The samples of row (as read back) through the store's reader; returns their count, values into out. */
static long read_samples(const char *path, const rb_record *row, double *out, size_t cap)
{
    double *x = NULL;
    size_t n = 0;
    char err[512] = "";
    ck_assert_msg(rb_store_read_samples(path, row, &x, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_le(n, cap);
    if (n > 0)
        memcpy(out, x, n * sizeof *x);
    free(x);
    return (long)n;
}

/* rb_store_open that must succeed: the test fails with the store's message otherwise. */
static rb_store *open_ok(const char *path, int force, char *err, size_t errlen)
{
    rb_store *s = rb_store_open(path, force, err, errlen);
    ck_assert_msg(s != NULL, "%s", err);
    return s;
}

/* Reads every row of path; the test fails unless that succeeds with exactly `expected` rows. Free the rows. */
static rb_record *read_back(const char *path, size_t expected)
{
    char err[512] = "";
    rb_record *back = NULL;
    size_t n = (size_t)-1; /* the read must set it */
    ck_assert_msg(rb_store_read(path, &back, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(n, expected);
    return back;
}

/* has_key must find key, with the given status. */
static void assert_key_status(rb_store *s, const char *key, const char *expected)
{
    char status[16];
    ck_assert_int_eq(rb_store_has_key(s, key, status, sizeof status), 1);
    ck_assert_str_eq(status, expected);
}

/* A new store at path holding make_row(r, 0, "ok", extras), with x[0..nx) as its samples (none when x is NULL). */
static void write_one_row(const char *path, rb_record *r, const char *extras, const double *x, size_t nx)
{
    char err[512] = "";
    rb_store *s = open_ok(path, 0, err, sizeof err);
    make_row(r, 0, "ok", extras);
    const double *samples[] = {x};
    const size_t ns[] = {nx};
    ck_assert_int_eq(rb_store_append(s, r, 1, x ? samples : NULL, x ? ns : NULL, err, sizeof err), 0);
    ck_assert_int_eq(rb_store_close(s), 0);
}

/* The file opened read-only with the plain HDF5 API; the test fails if it does not open. */
static hid_t h5_open_readonly(const char *path)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(file, 0);
    return file;
}

/* Another program's HDF5 file (no schema attribute). */
static void write_foreign(const char *path)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(file, 0);
    hsize_t dims[1] = {4};
    const int data[4] = {1, 2, 3, 4};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t d = H5Dcreate2(file, "data", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(file);
}

static long long read_u64_attr(hid_t obj, const char *name)
{
    unsigned long long v = 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    ck_assert_int_ge(a, 0);
    ck_assert_int_ge(H5Aread(a, H5T_NATIVE_ULLONG, &v), 0);
    H5Aclose(a);
    return (long long)v;
}

/* rb_store_open(path, force=1) must fail with why, print nothing and change no byte. */
static void assert_force_refused(const char *path, const char *why)
{
    size_t len_before, len_after;
    char *before = read_file(path, &len_before);
    char err[512] = "";
    stderr_capture();
    rb_store *s = rb_store_open(path, 1, err, sizeof err);
    size_t printed = stderr_release();
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(printed, 0);
    ck_assert_msg(strstr(err, why) != NULL, "unexpected error: %s", err);
    char *after = read_file(path, &len_after);
    ck_assert_uint_eq(len_before, len_after);
    ck_assert(memcmp(before, after, len_before) == 0);
    free(before);
    free(after);
}

START_TEST(record_init_defaults)
{
    rb_record r;
    memset(&r, 0x5a, sizeof r);
    rb_record_init(&r);
    ck_assert_str_eq(r.key, "");
    ck_assert_str_eq(r.status, "");
    ck_assert_str_eq(r.extras, "");
    ck_assert_str_eq(r.latency_source, "unavailable");
    ck_assert_str_eq(r.energy_source, "unavailable");
    ck_assert_str_eq(r.area_source, "unavailable");
    ck_assert(isnan(r.lat_median_ms) && isnan(r.energy_j) && isnan(r.max_rel_err) && isnan(r.timestamp));
    ck_assert_int_eq(r.reps, 0);
    ck_assert_int_eq(r.run_id, -1);
}
END_TEST

/* The field table must cover every byte of rb_record except alignment padding, so a member added to
 * record.h without a matching entry in store_schema.c is caught here. */
START_TEST(fields_cover_record)
{
    size_t n;
    const rb_field *f = rb_record_fields(&n);
    size_t end = 0;
    for (size_t i = 0; i < n; i++) {
        size_t align = f[i].kind == RB_FIELD_STRING ? 1 : f[i].size;
        ck_assert_msg(f[i].offset >= end, "field %s overlaps", f[i].name);
        ck_assert_msg(f[i].offset - end < align, "bytes before field %s are not padding", f[i].name);
        end = f[i].offset + f[i].size;
    }
    ck_assert_uint_lt(sizeof(rb_record) - end, 8);
    ck_assert_str_eq(f[0].name, "key");
    ck_assert_str_eq(f[n - 1].name, "samples_count");
}
END_TEST

START_TEST(round_trip)
{
    const char *path = tmpfile_named("roundtrip.h5");
    char err[512] = "";
    rb_store *s = open_ok(path, 0, err, sizeof err);
    ck_assert_int_eq(rb_store_has_key(s, "000000000abc0000", NULL, 0), 0);
    const char *keys[] = {"command_line"}, *vals[] = {"rnnbench run --test"};
    ck_assert_int_eq(rb_store_begin_run(s, keys, vals, 1), 0);

    rb_record rows[4];
    make_row(&rows[0], 0, "ok", "mapping=p4;pcu=12");
    make_row(&rows[1], 1, "unavailable", "reason=no gpu");
    make_row(&rows[2], 2, "ok", "");
    make_row(&rows[3], 3, "failed", "");
    const double s0[] = {1.5, 1.25, 1.75, 1.5, 2.0}, s2[] = {3.0, 2.5, 3.5};
    const double *samples[] = {s0, NULL, s2, NULL};
    const size_t nsamples[] = {5, 0, 3, 0};
    ck_assert_msg(rb_store_append(s, rows, 4, samples, nsamples, err, sizeof err) == 0, "%s", err);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(rows[i].run_id, 0);
    assert_key_status(s, rows[3].key, "failed");
    ck_assert_int_eq(rb_store_close(s), 0);

    rb_record *back = read_back(path, 4);
    for (size_t i = 0; i < 4; i++)
        assert_rows_equal(&back[i], &rows[i]);
    ck_assert(isnan(back[1].energy_j));
    ck_assert(back[0].seed == 0xfedcba9876543210ULL);
    free(back);

    s = open_ok(path, 0, err, sizeof err);
    assert_key_status(s, rows[0].key, "ok");
    assert_key_status(s, rows[1].key, "unavailable");
    char status[16];
    ck_assert_int_eq(rb_store_has_key(s, "00000000deadbeef", status, sizeof status), 0);
    ck_assert_str_eq(status, "");
    ck_assert_int_eq(rb_store_close(s), 0);

    back = read_back(path, 4);
    double got[8];
    ck_assert_int_eq(read_samples(path, &back[0], got, 8), 5);
    for (int i = 0; i < 5; i++)
        ck_assert_double_eq(got[i], s0[i]);
    ck_assert_int_eq(read_samples(path, &back[1], got, 8), 0);
    ck_assert_int_eq(read_samples(path, &back[2], got, 8), 3);
    ck_assert_double_eq(got[2], 3.5);
    ck_assert_int_eq(read_samples(path, &back[3], got, 8), 0);
    ck_assert(back[0].samples_offset == 0 && back[0].samples_count == 5);
    ck_assert(back[2].samples_offset == 5 && back[2].samples_count == 3);
    free(back);

    /* plain HDF5: the shared table holds both rows' samples back to back, committed lengths recorded */
    hid_t file = h5_open_readonly(path);
    hid_t d = H5Dopen2(file, "/sample_values", H5P_DEFAULT);
    ck_assert_int_ge(d, 0);
    double all[8];
    ck_assert_int_ge(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all), 0);
    ck_assert_double_eq(all[4], 2.0);
    ck_assert_double_eq(all[5], 3.0);
    ck_assert_int_eq(read_u64_attr(d, "values_committed"), 8);
    H5Dclose(d);
    d = H5Dopen2(file, "/results", H5P_DEFAULT);
    ck_assert_int_eq(read_u64_attr(d, "rows_committed"), 4);
    H5Dclose(d);
    ck_assert_int_eq(H5Lexists(file, "/samples", H5P_DEFAULT), 0); /* version 1's per-key datasets are gone */
    H5Fclose(file);
    unlink(path);
}
END_TEST

START_TEST(second_open_appends)
{
    const char *path = tmpfile_named("append.h5");
    char err[512] = "";
    rb_store *s = open_ok(path, 0, err, sizeof err);
    ck_assert_int_eq(rb_store_begin_run(s, NULL, NULL, 0), 0);
    rb_record first[2];
    make_row(&first[0], 0, "ok", "");
    make_row(&first[1], 1, "failed", "");
    const double a[] = {1.0, 2.0};
    const double *samples[] = {a, a};
    const size_t ns[] = {2, 1};
    ck_assert_msg(rb_store_append(s, first, 2, samples, ns, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(rb_store_close(s), 0);

    s = open_ok(path, 0, err, sizeof err);
    ck_assert_int_eq(rb_store_begin_run(s, NULL, NULL, 0), 1);
    rb_record second[2];
    make_row(&second[0], 1, "ok", "retry=1"); /* the failed job again */
    make_row(&second[1], 7, "ok", "");
    const double b[] = {4.0, 5.0, 6.0};
    const double *samples2[] = {b, NULL};
    const size_t ns2[] = {3, 0};
    ck_assert_msg(rb_store_append(s, second, 2, samples2, ns2, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(rb_store_append(s, NULL, 0, NULL, NULL, err, sizeof err), 0);
    ck_assert_int_eq(rb_store_close(s), 0);

    rb_record *back = read_back(path, 4);
    assert_rows_equal(&back[0], &first[0]);
    assert_rows_equal(&back[1], &first[1]);
    assert_rows_equal(&back[2], &second[0]);
    assert_rows_equal(&back[3], &second[1]);
    ck_assert_int_eq(back[0].run_id, 0);
    ck_assert_int_eq(back[3].run_id, 1);
    free(back);

    s = open_ok(path, 0, err, sizeof err);
    assert_key_status(s, first[1].key, "ok"); /* the latest row of a key wins */
    ck_assert_int_eq(rb_store_close(s), 0);

    back = read_back(path, 4);
    double got[8];
    ck_assert_int_eq(read_samples(path, &back[1], got, 8), 1); /* the old row keeps its own samples... */
    ck_assert_double_eq(got[0], 1.0);
    ck_assert_int_eq(read_samples(path, &back[2], got, 8), 3); /* ...the retry has its own */
    ck_assert_double_eq(got[0], 4.0);
    ck_assert_int_eq(read_samples(path, &back[0], got, 8), 2);
    free(back);
    hid_t file = h5_open_readonly(path);
    ck_assert_int_eq(H5Lexists(file, "/runs/0000", H5P_DEFAULT), 1);
    ck_assert_int_eq(H5Lexists(file, "/runs/0001", H5P_DEFAULT), 1);
    H5Fclose(file);
    unlink(path);
}
END_TEST

START_TEST(force_replaces)
{
    const char *path = tmpfile_named("force.h5");
    rb_record r;
    write_one_row(path, &r, "", NULL, 0);

    char err[512] = "";
    rb_store *s = open_ok(path, 1, err, sizeof err);
    ck_assert_int_eq(rb_store_has_key(s, r.key, NULL, 0), 0);
    ck_assert_int_eq(rb_store_close(s), 0);
    free(read_back(path, 0));

    /* force replaces only results files: a text file or another program's HDF5 file is refused, untouched */
    FILE *f = fopen(path, "w");
    fputs("not hdf5\n", f);
    fclose(f);
    assert_force_refused(path, "not an HDF5 file");
    write_foreign(path);
    assert_force_refused(path, "not an rnnbench results file");
    /* an empty file (a failed earlier attempt) is replaced */
    f = fopen(path, "w");
    fclose(f);
    s = open_ok(path, 1, err, sizeof err);
    ck_assert_int_eq(rb_store_close(s), 0);
    free(read_back(path, 0));
    unlink(path);
}
END_TEST

/* Opening and reading must fail with a message naming the file, change no byte and print nothing. */
static void assert_rejected(const char *path, const char *why)
{
    size_t len_before, len_after;
    char *before = read_file(path, &len_before);
    char err[512] = "";
    stderr_capture();
    rb_store *s = rb_store_open(path, 0, err, sizeof err);
    size_t printed = stderr_release();
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(printed, 0);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "error does not name the file: %s", err);
    ck_assert_msg(strstr(err, why) != NULL, "unexpected error: %s", err);

    rb_record *rows = (rb_record *)1;
    size_t n = 7;
    err[0] = '\0';
    stderr_capture();
    ck_assert_int_eq(rb_store_read(path, &rows, &n, err, sizeof err), -1);
    printed = stderr_release();
    ck_assert_uint_eq(printed, 0);
    ck_assert_ptr_null(rows);
    ck_assert_uint_eq(n, 0);
    ck_assert_msg(strstr(err, why) != NULL, "unexpected error: %s", err);

    char *after = read_file(path, &len_after);
    ck_assert_uint_eq(len_before, len_after);
    ck_assert(memcmp(before, after, len_before) == 0);
    free(before);
    free(after);
}

START_TEST(foreign_hdf5_rejected)
{
    const char *path = tmpfile_named("foreign.h5");
    write_foreign(path);
    assert_rejected(path, "not an rnnbench results file");
    unlink(path);
}
END_TEST

START_TEST(text_file_rejected)
{
    const char *path = tmpfile_named("notes.txt");
    FILE *f = fopen(path, "w");
    fputs("# my notes, not a results file\nlstm 512 512 1 25\n", f);
    fclose(f);
    assert_rejected(path, "not an HDF5 file");
    unlink(path);
}
END_TEST

START_TEST(wrong_schema_version_rejected)
{
    const char *path = tmpfile_named("version.h5");
    char err[512] = "";
    ck_assert_int_eq(rb_store_close(open_ok(path, 0, err, sizeof err)), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t attr = H5Aopen(file, "schema_version", H5P_DEFAULT);
    const int three = 3;
    H5Awrite(attr, H5T_NATIVE_INT, &three);
    H5Aclose(attr);
    H5Fclose(file);
    assert_rejected(path, "schema_version 3");
    unlink(path);
}
END_TEST

/* An HDF5 file that claims our schema but whose /results is something else. */
static void write_impostor(const char *path, int with_table)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, H5T_VARIABLE);
    H5Tset_cset(str, H5T_CSET_UTF8);
    hid_t scalar = H5Screate(H5S_SCALAR);
    const char *schema = "rnnbench-results";
    hid_t a = H5Acreate2(file, "schema", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, str, &schema);
    H5Aclose(a);
    const int one = 1;
    a = H5Acreate2(file, "schema_version", H5T_STD_I32LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT, &one);
    H5Aclose(a);
    if (with_table) {
        struct small { char key[17]; int hidden; };
        hid_t key = H5Tcopy(H5T_C_S1);
        H5Tset_size(key, 17);
        hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(struct small));
        H5Tinsert(t, "key", HOFFSET(struct small, key), key);
        H5Tinsert(t, "hidden", HOFFSET(struct small, hidden), H5T_NATIVE_INT);
        hsize_t dims[1] = {1};
        hid_t space = H5Screate_simple(1, dims, NULL);
        struct small row = {"0123456789abcdef", 7};
        hid_t d = H5Dcreate2(file, "results", t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &row);
        H5Dclose(d);
        H5Sclose(space);
        H5Tclose(t);
        H5Tclose(key);
    }
    H5Sclose(scalar);
    H5Tclose(str);
    H5Fclose(file);
}

START_TEST(wrong_table_rejected)
{
    const char *path = tmpfile_named("impostor.h5");
    write_impostor(path, 1);
    assert_rejected(path, "/results has 2 fields");
    write_impostor(path, 0);
    assert_rejected(path, "no /results table");
    unlink(path);
}
END_TEST

/* A damaged results file (cut after its first 1 KiB): HDF5 itself fails; still silent and untouched. */
START_TEST(truncated_file_rejected)
{
    const char *path = tmpfile_named("truncated.h5");
    rb_record r;
    const double x[] = {1.0};
    write_one_row(path, &r, "a=b", x, 1);
    ck_assert_int_eq(truncate(path, 1024), 0);
    assert_rejected(path, "HDF5: ");
    unlink(path);
}
END_TEST

START_TEST(create_failure_reports_hdf5_reason)
{
    char path[600];
    snprintf(path, sizeof path, "%s/no-such-dir-%ld/out.h5", RB_TEST_TMPDIR, (long)getpid());
    snprintf(tmp_path, sizeof tmp_path, "%s/store_%ld_create", RB_TEST_TMPDIR, (long)getpid());
    char err[512] = "";
    stderr_capture();
    rb_store *s = rb_store_open(path, 0, err, sizeof err);
    size_t printed = stderr_release();
    ck_assert_ptr_null(s);
    ck_assert_uint_eq(printed, 0);
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "%s", err);
    ck_assert_msg(strstr(err, "cannot create") != NULL && strstr(err, "unknown HDF5 error") == NULL, "%s", err);
}
END_TEST

START_TEST(missing_file)
{
    const char *path = tmpfile_named("absent.h5");
    char err[512] = "";
    rb_record *rows = NULL;
    size_t n = 0;
    ck_assert_int_eq(rb_store_read(path, &rows, &n, err, sizeof err), -1);
    ck_assert(strstr(err, path) == err && strstr(err, "no such file") != NULL);
    ck_assert_ptr_null(rb_store_open("", 0, err, sizeof err));
    ck_assert_ptr_null(rb_store_open(RB_TEST_TMPDIR, 0, err, sizeof err)); /* a directory */
    ck_assert(strstr(err, "directory") != NULL);
    ck_assert_int_eq(rb_store_close(NULL), 0);
    ck_assert_int_eq(rb_store_has_key(NULL, "x", NULL, 0), 0);
}
END_TEST

START_TEST(runs_and_backends_attributes)
{
    const char *path = tmpfile_named("attrs.h5");
    char err[512] = "";
    rb_store *s = open_ok(path, 0, err, sizeof err);
    ck_assert_int_eq(rb_store_run_attrs(s, NULL, NULL, 0), -1); /* no run begun */
    const char *k[] = {"start_time", "command_line", "mpi_size"};
    const char *v[] = {"2026-11-25T21:00:00Z", "rnnbench run --suite paper", "4"};
    ck_assert_int_eq(rb_store_begin_run(s, k, v, 3), 0);
    const char *k2[] = {"end_time", "exit_status"}, *v2[] = {"2026-11-25T21:05:00Z", "0"};
    ck_assert_int_eq(rb_store_run_attrs(s, k2, v2, 2), 0);
    const char *bk[] = {"arch", "clock_mhz"}, *bv[] = {"plasticine.txt", "1000"};
    ck_assert_int_eq(rb_store_backend_config(s, "spatial", bk, bv, 2), 0);
    const char *bv2[] = {"plasticine-v2.txt", "1000"};
    ck_assert_int_eq(rb_store_backend_config(s, "spatial", bk, bv2, 2), 0); /* overwrite */
    ck_assert_int_eq(rb_store_backend_config(s, "cpu-blas", bk, bv, 1), 0);
    ck_assert_int_eq(rb_store_backend_config(s, "bad/name", bk, bv, 1), -1);
    ck_assert_int_eq(rb_store_close(s), 0);

    hid_t file = h5_open_readonly(path);
    assert_attr(file, "schema", "rnnbench-results");
    int version = 0;
    hid_t a = H5Aopen(file, "schema_version", H5P_DEFAULT);
    hid_t at = H5Aget_type(a);
    ck_assert_int_eq(H5Tget_class(at), H5T_INTEGER);
    H5Aread(a, H5T_NATIVE_INT, &version);
    H5Tclose(at);
    H5Aclose(a);
    ck_assert_int_eq(version, 2);
    hid_t g = H5Gopen2(file, "/runs/0000", H5P_DEFAULT);
    ck_assert_int_ge(g, 0);
    assert_attr(g, "start_time", "2026-11-25T21:00:00Z");
    assert_attr(g, "command_line", "rnnbench run --suite paper");
    assert_attr(g, "mpi_size", "4");
    assert_attr(g, "end_time", "2026-11-25T21:05:00Z");
    assert_attr(g, "exit_status", "0");
    H5Gclose(g);
    g = H5Gopen2(file, "/backends/spatial", H5P_DEFAULT);
    assert_attr(g, "arch", "plasticine-v2.txt");
    assert_attr(g, "clock_mhz", "1000");
    ck_assert_int_eq(attr_count(g), 2);
    H5Gclose(g);
    g = H5Gopen2(file, "/backends/cpu-blas", H5P_DEFAULT);
    assert_attr(g, "arch", "plasticine.txt");
    H5Gclose(g);
    H5Fclose(file);
    unlink(path);
}
END_TEST

/* Enough rows to grow the key set several times, across batches and a reopen. */
START_TEST(many_keys)
{
    const char *path = tmpfile_named("many.h5");
    char err[512] = "";
    rb_store *s = open_ok(path, 0, err, sizeof err);
    enum { BATCH = 250, BATCHES = 8 };
    rb_record *rows = malloc(BATCH * sizeof *rows);
    for (int b = 0; b < BATCHES; b++) {
        for (int i = 0; i < BATCH; i++)
            make_row(&rows[i], b * BATCH + i, (i % 3) ? "ok" : "failed", "");
        ck_assert_msg(rb_store_append(s, rows, BATCH, NULL, NULL, err, sizeof err) == 0, "%s", err);
    }
    ck_assert_int_eq(rb_store_close(s), 0);
    s = open_ok(path, 0, err, sizeof err);
    char key[RB_KEY_LEN];
    for (int i = 0; i < BATCH * BATCHES; i++) {
        snprintf(key, sizeof key, "%016llx", 0xabc0000ULL + (unsigned long long)i);
        assert_key_status(s, key, (i % BATCH) % 3 ? "ok" : "failed");
    }
    snprintf(key, sizeof key, "%016llx", 0xabc0000ULL + BATCH * BATCHES);
    ck_assert_int_eq(rb_store_has_key(s, key, NULL, 0), 0);
    rb_record bad;
    make_row(&bad, 0, "ok", "");
    bad.key[0] = '\0';
    ck_assert_int_eq(rb_store_append(s, &bad, 1, NULL, NULL, err, sizeof err), -1);
    ck_assert_int_eq(rb_store_close(s), 0);
    free(read_back(path, BATCH * BATCHES));
    free(rows);
    unlink(path);
}
END_TEST


/* A valid file whose /results is recreated with the right compound type but a shape that cannot be appended to:
 * kind 0 rank 2, 1 contiguous (not chunked), 2 chunked with a fixed maximum size. */
static void write_misshapen(const char *path, int kind)
{
    rb_record r;
    unlink(path);
    write_one_row(path, &r, "", NULL, 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    ck_assert_int_ge(file, 0);
    hid_t d = H5Dopen2(file, "/results", H5P_DEFAULT);
    hid_t type = H5Dget_type(d);
    H5Dclose(d);
    ck_assert_int_ge(H5Ldelete(file, "/results", H5P_DEFAULT), 0);
    hsize_t dims2[2] = {2, 2}, dims1[1] = {4}, max1[1] = {8}, chunk[1] = {2};
    hid_t space = kind == 0 ? H5Screate_simple(2, dims2, NULL) : H5Screate_simple(1, dims1, kind == 2 ? max1 : NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (kind == 2)
        H5Pset_chunk(dcpl, 1, chunk);
    d = H5Dcreate2(file, "/results", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ck_assert_int_ge(d, 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
}

START_TEST(misshapen_results_rejected)
{
    const char *path = tmpfile_named("misshapen.h5");
    write_misshapen(path, 0);
    assert_rejected(path, "/results has 2 dimensions, expected 1");
    write_misshapen(path, 1);
    assert_rejected(path, "/results is not chunked");
    write_misshapen(path, 2);
    assert_rejected(path, "/results has a fixed maximum size");
    unlink(path);
}
END_TEST

/* Rows past rows_committed (an append that failed half-way) are not rows: readers skip them, the next writer
 * drops them. */
START_TEST(uncommitted_tail_ignored)
{
    const char *path = tmpfile_named("tail.h5");
    char err[512] = "";
    rb_store *s = open_ok(path, 0, err, sizeof err);
    rb_record rows[3];
    for (int i = 0; i < 3; i++)
        make_row(&rows[i], i, "ok", "");
    const double x[] = {1, 2, 3};
    const double *samples[] = {x, x, x};
    const size_t ns[] = {3, 3, 3};
    ck_assert_msg(rb_store_append(s, rows, 3, samples, ns, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(rb_store_close(s), 0);

    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = H5Dopen2(file, "/results", H5P_DEFAULT);
    hsize_t five[1] = {5}, eleven[1] = {11};
    ck_assert_int_ge(H5Dset_extent(d, five), 0); /* two zero-filled rows, as a failed write leaves them */
    H5Dclose(d);
    d = H5Dopen2(file, "/sample_values", H5P_DEFAULT);
    ck_assert_int_ge(H5Dset_extent(d, eleven), 0);
    H5Dclose(d);
    H5Fclose(file);

    free(read_back(path, 3));
    s = open_ok(path, 0, err, sizeof err);
    assert_key_status(s, rows[2].key, "ok");
    rb_record more;
    make_row(&more, 9, "ok", "");
    const double *ms[] = {x};
    const size_t mn[] = {2};
    ck_assert_msg(rb_store_append(s, &more, 1, ms, mn, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(rb_store_close(s), 0);
    rb_record *back = read_back(path, 4);
    assert_rows_equal(&back[3], &more);
    ck_assert(back[3].samples_offset == 9 && back[3].samples_count == 2);
    free(back);
    file = h5_open_readonly(path);
    d = H5Dopen2(file, "/results", H5P_DEFAULT);
    hid_t sp = H5Dget_space(d);
    ck_assert_int_eq(H5Sget_simple_extent_npoints(sp), 4); /* the tail is gone for h5py too */
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(file);
    unlink(path);
}
END_TEST

/* A schema-1 file as the old writer made it: /results without error_bound and the samples columns,
 * /samples/<key> per job (of the key's latest row) with its extras as attributes, one zero-filled row from an
 * interrupted write. */
static void write_version1(const char *path, rb_record rows[3])
{
    size_t n;
    const rb_field *f = rb_record_fields(&n);
    const char *names[64];
    size_t offsets[64], sizes[64];
    hid_t types[64];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i].since == 1) {
            names[k] = f[i].name;
            offsets[k] = f[i].offset;
            sizes[k] = f[i].size;
            types[k++] = rb_field_h5type(&f[i]);
        }
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, H5T_VARIABLE);
    H5Tset_cset(str, H5T_CSET_UTF8);
    hid_t scalar = H5Screate(H5S_SCALAR);
    const char *schema = "rnnbench-results", *cmd = "rnnbench run --old";
    hid_t a = H5Acreate2(file, "schema", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, str, &schema);
    H5Aclose(a);
    const int one = 1;
    a = H5Acreate2(file, "schema_version", H5T_STD_I32LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT, &one);
    H5Aclose(a);
    ck_assert_int_ge(H5TBmake_table("rnnbench results", file, "results", k, 0, sizeof(rb_record), names, offsets,
                                    types, 64, NULL, 0, NULL), 0);
    make_row(&rows[0], 0, "failed", "");
    make_row(&rows[1], 1, "ok", "hu=4");
    make_row(&rows[2], 0, "ok", "hu=2"); /* key 0 again: a retry, the latest row */
    rows[0].run_id = 0;
    rows[1].run_id = 0;
    rows[2].run_id = 1;
    rb_record all[4];
    memcpy(all, rows, 3 * sizeof *rows);
    memset(&all[3], 0, sizeof all[3]); /* the old phantom row */
    ck_assert_int_ge(H5TBappend_records(file, "results", 4, sizeof(rb_record), offsets, sizes, all), 0);
    for (size_t i = 0; i < k; i++)
        H5Tclose(types[i]);
    hid_t g = H5Gcreate2(file, "samples", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const double s0[] = {1.0, 2.0, 3.0}, s1[] = {4.0};
    for (int i = 1; i <= 2; i++) {
        hsize_t dims[1] = {i == 2 ? 3 : 1};
        hid_t sp = H5Screate_simple(1, dims, NULL);
        hid_t d = H5Dcreate2(g, rows[i].key, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, i == 2 ? s0 : s1);
        H5Dclose(d);
        H5Sclose(sp);
    }
    H5Gclose(g);
    g = H5Gcreate2(file, "runs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t r0 = H5Gcreate2(g, "0000", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    a = H5Acreate2(r0, "command_line", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, str, &cmd);
    H5Aclose(a);
    H5Gclose(r0);
    H5Gclose(g);
    g = H5Gcreate2(file, "backends", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(g);
    H5Sclose(scalar);
    H5Tclose(str);
    H5Fclose(file);
}

START_TEST(version1_read_then_upgraded)
{
    const char *path = tmpfile_named("version1.h5");
    rb_record rows[3];
    write_version1(path, rows);
    double got[8];
    for (int pass = 0; pass < 2; pass++) { /* as written, then after the upgrade */
        rb_record *back = read_back(path, 3); /* the zero-filled row is not a row */
        for (int i = 0; i < 3; i++) {
            ck_assert_str_eq(back[i].key, rows[i].key);
            ck_assert_str_eq(back[i].status, rows[i].status);
            ck_assert_str_eq(back[i].extras, rows[i].extras);
            ck_assert_int_eq(back[i].run_id, rows[i].run_id);
            ck_assert(isnan(back[i].error_bound));
        }
        ck_assert_int_eq(read_samples(path, &back[2], got, 8), 3); /* the latest row of key 0 */
        ck_assert_double_eq(got[2], 3.0);
        ck_assert_int_eq(read_samples(path, &back[1], got, 8), 1);
        ck_assert_double_eq(got[0], 4.0);
        if (pass == 1)
            ck_assert_int_eq(read_samples(path, &back[0], got, 8), 0); /* version 1 had kept only the latest */
        free(back);
        if (pass == 0) {
            char err[512] = "";
            rb_store *s = open_ok(path, 0, err, sizeof err); /* appending upgrades the file */
            assert_key_status(s, rows[0].key, "ok");
            ck_assert_int_eq(rb_store_begin_run(s, NULL, NULL, 0), 1); /* after the copied /runs/0000 */
            ck_assert_int_eq(rb_store_close(s), 0);
        }
    }
    hid_t file = h5_open_readonly(path);
    long long version = 0;
    hid_t a = H5Aopen(file, "schema_version", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_LLONG, &version);
    H5Aclose(a);
    ck_assert_int_eq(version, 2);
    hid_t g = H5Gopen2(file, "/runs/0000", H5P_DEFAULT);
    assert_attr(g, "command_line", "rnnbench run --old");
    H5Gclose(g);
    ck_assert_int_eq(H5Lexists(file, "/runs/0001", H5P_DEFAULT), 1);
    ck_assert_int_eq(H5Lexists(file, "/backends", H5P_DEFAULT), 1);
    H5Fclose(file);
    char tmp[600]; /* nothing left beside it */
    snprintf(tmp, sizeof tmp, "%s/.store_%ld_version1.h5.new-%ld", RB_TEST_TMPDIR, (long)getpid(), (long)getpid());
    ck_assert_int_ne(access(tmp, F_OK), 0);
    unlink(path);
}
END_TEST

/* --force on a file another handle holds open (as h5py or a running campaign would): refused, untouched; once it
 * is closed, replaced. */
START_TEST(force_refuses_a_file_held_open)
{
    const char *path = tmpfile_named("held.h5");
    rb_record r;
    write_one_row(path, &r, "", NULL, 0);
    hid_t reader = h5_open_readonly(path);
    assert_force_refused(path, "open in another process");
    H5Fclose(reader);
    char err[512] = "";
    rb_store *s = open_ok(path, 1, err, sizeof err);
    ck_assert_int_eq(rb_store_close(s), 0);
    free(read_back(path, 0));
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, record_init_defaults);
    tcase_add_test(tc, fields_cover_record);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, second_open_appends);
    tcase_add_test(tc, force_replaces);
    tcase_add_test(tc, foreign_hdf5_rejected);
    tcase_add_test(tc, text_file_rejected);
    tcase_add_test(tc, wrong_schema_version_rejected);
    tcase_add_test(tc, wrong_table_rejected);
    tcase_add_test(tc, truncated_file_rejected);
    tcase_add_test(tc, create_failure_reports_hdf5_reason);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, runs_and_backends_attributes);
    tcase_add_test(tc, many_keys);
    tcase_add_test(tc, misshapen_results_rejected);
    tcase_add_test(tc, uncommitted_tail_ignored);
    tcase_add_test(tc, version1_read_then_upgraded);
    tcase_add_test(tc, force_refuses_a_file_held_open);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
