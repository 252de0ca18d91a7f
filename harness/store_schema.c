/* harness/store_schema.c — owns the mapping of rb_record onto the HDF5 /results compound type (one member per
 * struct field, same names), the creation of a new store's layout and the validation of an existing one (both
 * schema versions: 1 kept one /samples/<key> dataset per job, 2 keeps all samples in /sample_values). */
#include "store_schema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <hdf5_hl.h>

#include "store.h"
#include "store_attrs.h"

#define FIELD(member, kind, since) \
    {#member, offsetof(rb_record, member), sizeof(((rb_record *)0)->member), kind, since}
#define STR(m) FIELD(m, RB_FIELD_STRING, 1)
#define I32(m) FIELD(m, RB_FIELD_INT32, 1)
#define U64(m) FIELD(m, RB_FIELD_UINT64, 1)
#define F64(m) FIELD(m, RB_FIELD_FLOAT64, 1)

static const rb_field record_fields[] = {
    STR(key), STR(workload), STR(cell),
    I32(hidden), I32(input), I32(batch), I32(timesteps),
    STR(backend), STR(options), U64(seed), STR(status), STR(message), STR(device), STR(host),
    I32(rank), I32(run_id), F64(timestamp), I32(reps), STR(latency_source),
    F64(lat_median_ms), F64(lat_min_ms), F64(lat_mean_ms), F64(lat_stddev_ms),
    F64(lat_p5_ms), F64(lat_p95_ms), F64(lat_p99_ms), F64(lat_ci95_lo_ms), F64(lat_ci95_hi_ms),
    F64(flops_deepbench), F64(flops_full), F64(gflops_deepbench), F64(gflops_full),
    F64(peak_gflops), STR(peak_source), F64(utilisation),
    F64(energy_j), STR(energy_source), F64(power_w), STR(power_source), F64(area_mm2), STR(area_source),
    F64(max_abs_err), F64(max_rel_err), FIELD(error_bound, RB_FIELD_FLOAT64, 2), STR(extras),
    FIELD(samples_offset, RB_FIELD_UINT64, 2), FIELD(samples_count, RB_FIELD_UINT64, 2),
};
#define NFIELDS (sizeof record_fields / sizeof record_fields[0])

static size_t field_offsets[NFIELDS], field_sizes[NFIELDS];
static int arrays_ready;

static void fill_arrays(void)
{
    if (arrays_ready)
        return;
    for (size_t i = 0; i < NFIELDS; i++) {
        field_offsets[i] = record_fields[i].offset;
        field_sizes[i] = record_fields[i].size;
    }
    arrays_ready = 1;
}

const rb_field *rb_record_fields(size_t *n)
{
    *n = NFIELDS;
    return record_fields;
}

const size_t *rb_record_field_offsets(void)
{
    fill_arrays();
    return field_offsets;
}

const size_t *rb_record_field_sizes(void)
{
    fill_arrays();
    return field_sizes;
}

hid_t rb_field_h5type(const rb_field *f)
{
    switch (f->kind) {
    case RB_FIELD_INT32: return H5Tcopy(H5T_NATIVE_INT32);
    case RB_FIELD_UINT64: return H5Tcopy(H5T_NATIVE_UINT64);
    case RB_FIELD_FLOAT64: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case RB_FIELD_STRING: break;
    }
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return -1;
    if (H5Tset_size(t, f->size) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(t, H5T_CSET_ASCII) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

hid_t rb_record_mem_type(int version)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(rb_record));
    if (t < 0)
        return -1;
    for (size_t i = 0; i < NFIELDS; i++) {
        if (record_fields[i].since > version)
            continue;
        hid_t ft = rb_field_h5type(&record_fields[i]);
        herr_t rc = ft >= 0 ? H5Tinsert(t, record_fields[i].name, record_fields[i].offset, ft) : -1;
        if (ft >= 0)
            H5Tclose(ft);
        if (rc < 0) {
            H5Tclose(t);
            return -1;
        }
    }
    return t;
}

void rb_record_terminate_strings(rb_record *r)
{
    for (size_t i = 0; i < NFIELDS; i++) {
        if (record_fields[i].kind == RB_FIELD_STRING)
            ((char *)r)[record_fields[i].offset + record_fields[i].size - 1] = '\0';
    }
}

static int make_results_table(hid_t file)
{
    const char *names[NFIELDS];
    hid_t types[NFIELDS];
    size_t made = 0;
    int rc = -1;
    for (; made < NFIELDS; made++) {
        names[made] = record_fields[made].name;
        types[made] = rb_field_h5type(&record_fields[made]);
        if (types[made] < 0)
            goto done;
    }
    rc = H5TBmake_table("rnnbench results", file, RB_RESULTS_TABLE, NFIELDS, 0, sizeof(rb_record), names,
                        rb_record_field_offsets(), types, RB_RESULTS_CHUNK_ROWS, NULL, 0, NULL) < 0 ? -1 : 0;
done:
    for (size_t i = 0; i < made; i++)
        H5Tclose(types[i]);
    return rc;
}

/* The shared, appendable float64 table of samples; never-written values read as NaN. */
static int make_values_dataset(hid_t file)
{
    hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED}, chunk[1] = {RB_VALUES_CHUNK};
    hid_t space = H5Screate_simple(1, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    double nan = NAN;
    int rc = -1;
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, chunk) >= 0 &&
        H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan) >= 0) {
        hid_t d = H5Dcreate2(file, RB_VALUES_DATASET, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d >= 0) {
            rc = rb_h5_write_u64_attr(d, RB_ATTR_VALUES_COMMITTED, 0);
            H5Dclose(d);
        }
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int make_group(hid_t file, const char *name)
{
    hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    H5Gclose(g);
    return 0;
}

int rb_store_layout_create(hid_t file)
{
    if (rb_h5_write_string_attr(file, "schema", RB_STORE_SCHEMA) != 0 ||
        rb_h5_write_int_attr(file, "schema_version", RB_STORE_SCHEMA_VERSION) != 0)
        return -1;
    if (make_results_table(file) != 0 || make_values_dataset(file) != 0)
        return -1;
    hid_t d = H5Dopen2(file, RB_RESULTS_TABLE, H5P_DEFAULT);
    if (d < 0)
        return -1;
    int rc = rb_h5_write_u64_attr(d, RB_ATTR_ROWS_COMMITTED, 0);
    H5Dclose(d);
    if (rc != 0 || make_group(file, "runs") != 0 || make_group(file, "backends") != 0)
        return -1;
    return 0;
}

static H5T_class_t expected_class(rb_field_kind kind)
{
    switch (kind) {
    case RB_FIELD_STRING: return H5T_STRING;
    case RB_FIELD_FLOAT64: return H5T_FLOAT;
    case RB_FIELD_INT32:
    case RB_FIELD_UINT64: break;
    }
    return H5T_INTEGER;
}

/* Compares member i of the compound type with field f. 0 when equal. */
static int check_member(hid_t compound, unsigned i, const rb_field *f, char *why, size_t whylen)
{
    char *name = H5Tget_member_name(compound, i);
    hid_t type = H5Tget_member_type(compound, i);
    int ok = name != NULL && type >= 0 && strcmp(name, f->name) == 0 &&
             H5Tget_class(type) == expected_class(f->kind) && H5Tget_size(type) == f->size;
    if (ok && f->kind == RB_FIELD_INT32)
        ok = H5Tget_sign(type) == H5T_SGN_2;
    if (ok && f->kind == RB_FIELD_UINT64)
        ok = H5Tget_sign(type) == H5T_SGN_NONE;
    if (!ok)
        snprintf(why, whylen, "/results field %u is '%s', expected '%s' (%s, %zu bytes)", i, name ? name : "?",
                 f->name, f->kind == RB_FIELD_STRING ? "string" : "number", f->size);
    if (name != NULL)
        H5free_memory(name);
    if (type >= 0)
        H5Tclose(type);
    return ok ? 0 : -1;
}

/* dset must be a one-dimensional, chunked dataset with an unlimited maximum size (what appending needs).
 * *rows receives its current length. */
static int check_appendable(hid_t dset, const char *name, hsize_t *rows, char *why, size_t whylen)
{
    int rc = -1;
    hid_t space = H5Dget_space(dset);
    hid_t dcpl = H5Dget_create_plist(dset);
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    if (rank != 1) {
        snprintf(why, whylen, "/%s has %d dimensions, expected 1", name, rank);
    } else if (dcpl < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED) {
        snprintf(why, whylen, "/%s is not chunked (it cannot grow)", name);
    } else {
        hsize_t dims[1] = {0}, maxdims[1] = {0};
        if (H5Sget_simple_extent_dims(space, dims, maxdims) != 1 || maxdims[0] != H5S_UNLIMITED) {
            snprintf(why, whylen, "/%s has a fixed maximum size (it cannot grow)", name);
        } else {
            *rows = dims[0];
            rc = 0;
        }
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* The committed-length attribute, when present, must not exceed the dataset's length. */
static int check_committed(hid_t dset, const char *name, const char *attr, hsize_t rows, char *why, size_t whylen)
{
    if (H5Aexists(dset, attr) <= 0)
        return 0;
    unsigned long long committed = 0;
    if (rb_h5_read_u64_attr(dset, attr, &committed) != 0 || committed > rows) {
        snprintf(why, whylen, "/%s: attribute %s is damaged", name, attr);
        return -1;
    }
    return 0;
}

static int check_results(hid_t file, int version, char *why, size_t whylen)
{
    if (H5Lexists(file, RB_RESULTS_TABLE, H5P_DEFAULT) <= 0) {
        snprintf(why, whylen, "no /results table");
        return -1;
    }
    H5O_info_t info;
    if (H5Oget_info_by_name(file, RB_RESULTS_TABLE, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET) {
        snprintf(why, whylen, "/results is not a dataset");
        return -1;
    }
    hid_t dset = H5Dopen2(file, RB_RESULTS_TABLE, H5P_DEFAULT);
    if (dset < 0) {
        snprintf(why, whylen, "/results cannot be opened");
        return -1;
    }
    size_t expected = 0;
    for (size_t i = 0; i < NFIELDS; i++)
        expected += record_fields[i].since <= version;
    int rc = -1;
    hsize_t rows = 0;
    hid_t type = H5Dget_type(dset);
    if (type < 0 || H5Tget_class(type) != H5T_COMPOUND) {
        snprintf(why, whylen, "/results is not a compound table");
    } else if (H5Tget_nmembers(type) < 0 || (size_t)H5Tget_nmembers(type) != expected) {
        snprintf(why, whylen, "/results has %d fields, expected %zu (schema version %d)", H5Tget_nmembers(type),
                 expected, version);
    } else if (check_appendable(dset, RB_RESULTS_TABLE, &rows, why, whylen) == 0) {
        rc = 0;
        unsigned m = 0;
        for (size_t i = 0; i < NFIELDS && rc == 0; i++)
            if (record_fields[i].since <= version)
                rc = check_member(type, m++, &record_fields[i], why, whylen);
        if (rc == 0)
            rc = check_committed(dset, RB_RESULTS_TABLE, RB_ATTR_ROWS_COMMITTED, rows, why, whylen);
    }
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(dset);
    return rc;
}

static int check_values(hid_t file, char *why, size_t whylen)
{
    if (H5Lexists(file, RB_VALUES_DATASET, H5P_DEFAULT) <= 0) {
        snprintf(why, whylen, "no /%s dataset", RB_VALUES_DATASET);
        return -1;
    }
    H5O_info_t info;
    if (H5Oget_info_by_name(file, RB_VALUES_DATASET, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET) {
        snprintf(why, whylen, "/%s is not a dataset", RB_VALUES_DATASET);
        return -1;
    }
    hid_t dset = H5Dopen2(file, RB_VALUES_DATASET, H5P_DEFAULT);
    if (dset < 0) {
        snprintf(why, whylen, "/%s cannot be opened", RB_VALUES_DATASET);
        return -1;
    }
    int rc = -1;
    hsize_t n = 0;
    hid_t type = H5Dget_type(dset);
    if (type < 0 || H5Tget_class(type) != H5T_FLOAT || H5Tget_size(type) != 8)
        snprintf(why, whylen, "/%s is not float64", RB_VALUES_DATASET);
    else if (check_appendable(dset, RB_VALUES_DATASET, &n, why, whylen) == 0)
        rc = check_committed(dset, RB_VALUES_DATASET, RB_ATTR_VALUES_COMMITTED, n, why, whylen);
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(dset);
    return rc;
}

int rb_store_layout_validate(hid_t file, int *version, char *why, size_t whylen)
{
    char schema[64];
    long long v = 0;
    if (rb_h5_read_string_attr(file, "schema", schema, sizeof schema) != 0) {
        snprintf(why, whylen, "an HDF5 file but not an rnnbench results file (no 'schema' attribute)");
        return -1;
    }
    if (strcmp(schema, RB_STORE_SCHEMA) != 0) {
        snprintf(why, whylen, "not an rnnbench results file (schema is '%s', expected '%s')", schema,
                 RB_STORE_SCHEMA);
        return -1;
    }
    if (rb_h5_read_int_attr(file, "schema_version", &v) != 0) {
        snprintf(why, whylen, "rnnbench results file without an integer 'schema_version' attribute");
        return -1;
    }
    if (v < 1 || v > RB_STORE_SCHEMA_VERSION) {
        snprintf(why, whylen, "schema_version %lld is not supported (this build reads versions 1 to %d)", v,
                 RB_STORE_SCHEMA_VERSION);
        return -1;
    }
    *version = (int)v;
    if (check_results(file, *version, why, whylen) != 0)
        return -1;
    return *version >= 2 ? check_values(file, why, whylen) : 0;
}
