/* harness/store_schema.c — owns the mapping of rb_record onto the HDF5 /results compound type (one member per
 * struct field, same names), the creation of a new store's layout and the validation of an existing one. */
#include "store_schema.h"

#include <stdio.h>
#include <string.h>

#include <hdf5_hl.h>

#include "store.h"
#include "store_attrs.h"

#define FIELD(member, kind) {#member, offsetof(rb_record, member), sizeof(((rb_record *)0)->member), kind}
#define STR(m) FIELD(m, RB_FIELD_STRING)
#define I32(m) FIELD(m, RB_FIELD_INT32)
#define U64(m) FIELD(m, RB_FIELD_UINT64)
#define F64(m) FIELD(m, RB_FIELD_FLOAT64)

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
    F64(max_abs_err), F64(max_rel_err), STR(extras),
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
                        rb_record_field_offsets(), types, 64 /* rows per chunk */, NULL, 0, NULL) < 0 ? -1 : 0;
done:
    for (size_t i = 0; i < made; i++)
        H5Tclose(types[i]);
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
    if (make_results_table(file) != 0)
        return -1;
    if (make_group(file, "samples") != 0 || make_group(file, "runs") != 0 || make_group(file, "backends") != 0)
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

/* Compares member i of the compound type with record_fields[i]. 0 when equal. */
static int check_member(hid_t compound, unsigned i, char *why, size_t whylen)
{
    const rb_field *f = &record_fields[i];
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

static int check_results_type(hid_t file, char *why, size_t whylen)
{
    if (H5Lexists(file, RB_RESULTS_TABLE, H5P_DEFAULT) <= 0) {
        snprintf(why, whylen, "no /results table");
        return -1;
    }
    hid_t dset = H5Dopen2(file, RB_RESULTS_TABLE, H5P_DEFAULT);
    if (dset < 0) {
        snprintf(why, whylen, "/results is not a dataset");
        return -1;
    }
    int rc = -1;
    hid_t type = H5Dget_type(dset);
    if (type < 0 || H5Tget_class(type) != H5T_COMPOUND) {
        snprintf(why, whylen, "/results is not a compound table");
    } else if ((size_t)H5Tget_nmembers(type) != NFIELDS) {
        snprintf(why, whylen, "/results has %d fields, expected %zu", H5Tget_nmembers(type), (size_t)NFIELDS);
    } else {
        rc = 0;
        for (unsigned i = 0; i < NFIELDS && rc == 0; i++)
            rc = check_member(type, i, why, whylen);
    }
    if (type >= 0)
        H5Tclose(type);
    H5Dclose(dset);
    return rc;
}

int rb_store_layout_validate(hid_t file, char *why, size_t whylen)
{
    char schema[64];
    long long version = 0;
    if (rb_h5_read_string_attr(file, "schema", schema, sizeof schema) != 0) {
        snprintf(why, whylen, "an HDF5 file but not an rnnbench results file (no 'schema' attribute)");
        return -1;
    }
    if (strcmp(schema, RB_STORE_SCHEMA) != 0) {
        snprintf(why, whylen, "not an rnnbench results file (schema is '%s', expected '%s')", schema,
                 RB_STORE_SCHEMA);
        return -1;
    }
    if (rb_h5_read_int_attr(file, "schema_version", &version) != 0) {
        snprintf(why, whylen, "rnnbench results file without an integer 'schema_version' attribute");
        return -1;
    }
    if (version != RB_STORE_SCHEMA_VERSION) {
        snprintf(why, whylen, "schema_version %lld is not supported (this build reads version %d)", version,
                 RB_STORE_SCHEMA_VERSION);
        return -1;
    }
    return check_results_type(file, why, whylen);
}
