/* harness/store_attrs.h — internal to the store: scalar HDF5 attributes (variable-length UTF-8 strings and
 * int32), written with overwrite semantics, a string reader that accepts fixed or variable length, and the
 * capture of HDF5 error messages instead of HDF5's default printing of its error stack. */
#ifndef RB_STORE_ATTRS_H
#define RB_STORE_ATTRS_H

#include <hdf5.h>
#include <stddef.h>

/* Creates or replaces attribute name on obj. 0 or -1. */
int rb_h5_write_string_attr(hid_t obj, const char *name, const char *value);
int rb_h5_write_int_attr(hid_t obj, const char *name, int value);
/* Scalar uint64 attribute: an existing one is overwritten in place (no new file space), else it is created. */
int rb_h5_write_u64_attr(hid_t obj, const char *name, unsigned long long value);
/* Reads a scalar integer attribute as unsigned. 0, or -1 when missing, not an integer or negative. */
int rb_h5_read_u64_attr(hid_t obj, const char *name, unsigned long long *value);
/* Reads a scalar string attribute into buf (truncated, always NUL-terminated). 0, or -1 when missing or not
 * a string. */
int rb_h5_read_string_attr(hid_t obj, const char *name, char *buf, size_t buflen);
/* Reads a scalar integer attribute. 0, or -1 when missing or not an integer. */
int rb_h5_read_int_attr(hid_t obj, const char *name, long long *value);
/* Between begin and end, HDF5 prints nothing; the innermost message of the first failing HDF5 call is kept
 * for rb_h5_last_error. Not reentrant (the store is used by one thread of rank 0). */
typedef struct rb_h5_quiet {
    H5E_auto2_t func;
    void *data;
} rb_h5_quiet;
void rb_h5_quiet_begin(rb_h5_quiet *q);
void rb_h5_quiet_end(const rb_h5_quiet *q);
/* The message kept since rb_h5_quiet_begin, or "unknown HDF5 error". A failed system call is reduced to its
 * error message (e.g. "file write failed: No space left on device"). */
void rb_h5_last_error(char *buf, size_t buflen);

#endif
