/* harness/store_schema.h — internal to the store: the field list of rb_record as stored in /results (and in which
 * schema version each field appeared), the HDF5 types built from it, the creation of a new file's layout and the
 * check that an opened file is an rnnbench results file of a version this build reads. */
#ifndef RB_STORE_SCHEMA_H
#define RB_STORE_SCHEMA_H

#include <hdf5.h>
#include <stddef.h>
#include "record.h"

#define RB_RESULTS_TABLE "results"
#define RB_VALUES_DATASET "sample_values"      /* version 2: every row's samples, back to back */
#define RB_LEGACY_SAMPLES_GROUP "samples"      /* version 1: one dataset per key */
#define RB_ATTR_ROWS_COMMITTED "rows_committed"     /* on /results: rows [0, n) are complete */
#define RB_ATTR_VALUES_COMMITTED "values_committed" /* on /sample_values: values [0, n) are complete */
#define RB_RESULTS_CHUNK_ROWS 64
#define RB_VALUES_CHUNK 4096

typedef enum rb_field_kind { RB_FIELD_STRING, RB_FIELD_INT32, RB_FIELD_UINT64, RB_FIELD_FLOAT64 } rb_field_kind;

typedef struct rb_field {
    const char *name; /* = the rb_record member name = the HDF5 compound member name */
    size_t offset;
    size_t size;
    rb_field_kind kind;
    int since; /* schema version that added the field */
} rb_field;

/* The fields of rb_record in declaration order (the current schema); *n receives their count. */
const rb_field *rb_record_fields(size_t *n);
/* Offsets and sizes arrays in field order, as the H5TB calls want them. */
const size_t *rb_record_field_offsets(void);
const size_t *rb_record_field_sizes(void);
/* A new HDF5 type for one field (fixed-length NUL-terminated string, int32, uint64 or float64). Close it. */
hid_t rb_field_h5type(const rb_field *f);
/* The compound memory type of rb_record holding the fields of schema `version` (1: without error_bound and the
 * samples columns). Close it. -1 on failure. */
hid_t rb_record_mem_type(int version);
/* Makes every string field of r NUL-terminated (its last byte is set to NUL). */
void rb_record_terminate_strings(rb_record *r);

/* Creates the root attributes, the empty /results table, /sample_values, /runs and /backends. 0 or -1. */
int rb_store_layout_create(hid_t file);
/* Checks the root attributes, the /results dataset (rank 1, chunked, unlimited, the compound type of its version)
 * and, for version 2, /sample_values. *version receives the file's schema version. 0, or -1 with the reason in why.
 * Uses only the plain HDF5 API (no H5TB call before the shape is known to be a table). */
int rb_store_layout_validate(hid_t file, int *version, char *why, size_t whylen);

#endif
