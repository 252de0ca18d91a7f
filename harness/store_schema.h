/* harness/store_schema.h — internal to the store: the field list of rb_record as stored in /results, the
 * HDF5 types built from it, and the check that an opened file is an rnnbench results file of this schema. */
#ifndef RB_STORE_SCHEMA_H
#define RB_STORE_SCHEMA_H

#include <hdf5.h>
#include <stddef.h>
#include "record.h"

#define RB_RESULTS_TABLE "results"

typedef enum rb_field_kind { RB_FIELD_STRING, RB_FIELD_INT32, RB_FIELD_UINT64, RB_FIELD_FLOAT64 } rb_field_kind;

typedef struct rb_field {
    const char *name; /* = the rb_record member name = the HDF5 compound member name */
    size_t offset;
    size_t size;
    rb_field_kind kind;
} rb_field;

/* The fields of rb_record in declaration order; *n receives their count. */
const rb_field *rb_record_fields(size_t *n);
/* Offsets and sizes arrays in field order, as the H5TB calls want them. */
const size_t *rb_record_field_offsets(void);
const size_t *rb_record_field_sizes(void);
/* A new HDF5 type for one field (fixed-length NUL-terminated string, int32, uint64 or float64). Close it. */
hid_t rb_field_h5type(const rb_field *f);
/* Makes every string field of r NUL-terminated (its last byte is set to NUL). */
void rb_record_terminate_strings(rb_record *r);

/* Creates the root attributes and the empty /results table, /samples, /runs and /backends. 0 or -1. */
int rb_store_layout_create(hid_t file);
/* Checks the root attributes and the /results compound type. 0, or -1 with the reason in why. */
int rb_store_layout_validate(hid_t file, char *why, size_t whylen);

#endif
