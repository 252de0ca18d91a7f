/* harness/store_attrs.c — owns the store's HDF5 attribute helpers and the reading of HDF5's error stack. */
#include "store_attrs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hid_t vlen_string_type(void)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return -1;
    if (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        H5Tclose(type);
        return -1;
    }
    return type;
}

static int delete_if_present(hid_t obj, const char *name)
{
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0)
        return -1;
    return exists > 0 && H5Adelete(obj, name) < 0 ? -1 : 0;
}

static int write_scalar_attr(hid_t obj, const char *name, hid_t type, const void *value)
{
    if (delete_if_present(obj, name) != 0)
        return -1;
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return -1;
    int rc = -1;
    hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr >= 0) {
        rc = H5Awrite(attr, type, value) < 0 ? -1 : 0;
        H5Aclose(attr);
    }
    H5Sclose(space);
    return rc;
}

int rb_h5_write_string_attr(hid_t obj, const char *name, const char *value)
{
    if (name == NULL || name[0] == '\0')
        return -1;
    hid_t type = vlen_string_type();
    if (type < 0)
        return -1;
    const char *v = value ? value : "";
    int rc = write_scalar_attr(obj, name, type, &v);
    H5Tclose(type);
    return rc;
}

int rb_h5_write_int_attr(hid_t obj, const char *name, int value)
{
    int32_t v = value;
    return write_scalar_attr(obj, name, H5T_STD_I32LE, &v) == 0 ? 0 : -1;
}

int rb_h5_write_u64_attr(hid_t obj, const char *name, unsigned long long value)
{
    uint64_t v = value;
    htri_t exists = H5Aexists(obj, name);
    if (exists < 0)
        return -1;
    if (exists == 0)
        return write_scalar_attr(obj, name, H5T_STD_U64LE, &v) == 0 ? 0 : -1;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    int rc = H5Awrite(attr, H5T_NATIVE_UINT64, &v) < 0 ? -1 : 0;
    H5Aclose(attr);
    return rc;
}

static int read_string_from(hid_t attr, hid_t file_type, char *buf, size_t buflen)
{
    int rc = -1;
    if (H5Tis_variable_str(file_type) > 0) {
        hid_t mem = vlen_string_type();
        char *value = NULL;
        if (mem >= 0 && H5Aread(attr, mem, &value) >= 0 && value != NULL) {
            snprintf(buf, buflen, "%s", value);
            H5free_memory(value);
            rc = 0;
        }
        if (mem >= 0)
            H5Tclose(mem);
        return rc;
    }
    size_t size = H5Tget_size(file_type);
    hid_t mem = H5Tcopy(H5T_C_S1);
    char *tmp = malloc(size + 1);
    if (mem >= 0 && tmp != NULL && H5Tset_size(mem, size + 1) >= 0 && H5Aread(attr, mem, tmp) >= 0) {
        tmp[size] = '\0';
        snprintf(buf, buflen, "%s", tmp);
        rc = 0;
    }
    free(tmp);
    if (mem >= 0)
        H5Tclose(mem);
    return rc;
}

/* Opens obj's attribute `name` when it exists and holds exactly one value of class `cls`; its type goes to
 * *type. Returns the attribute (close it and *type), or -1 with nothing left open. */
static hid_t open_single_attr(hid_t obj, const char *name, H5T_class_t cls, hid_t *type)
{
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    *type = H5Aget_type(attr);
    hid_t space = H5Aget_space(attr);
    int ok = *type >= 0 && space >= 0 && H5Tget_class(*type) == cls && H5Sget_simple_extent_npoints(space) == 1;
    if (space >= 0)
        H5Sclose(space);
    if (ok)
        return attr;
    if (*type >= 0)
        H5Tclose(*type);
    H5Aclose(attr);
    return -1;
}

int rb_h5_read_string_attr(hid_t obj, const char *name, char *buf, size_t buflen)
{
    if (buflen > 0)
        buf[0] = '\0';
    hid_t type;
    hid_t attr = open_single_attr(obj, name, H5T_STRING, &type);
    if (attr < 0)
        return -1;
    int rc = read_string_from(attr, type, buf, buflen);
    H5Tclose(type);
    H5Aclose(attr);
    return rc;
}

int rb_h5_read_int_attr(hid_t obj, const char *name, long long *value)
{
    hid_t type;
    hid_t attr = open_single_attr(obj, name, H5T_INTEGER, &type);
    if (attr < 0)
        return -1;
    int rc = H5Aread(attr, H5T_NATIVE_LLONG, value) < 0 ? -1 : 0;
    H5Tclose(type);
    H5Aclose(attr);
    return rc;
}

int rb_h5_read_u64_attr(hid_t obj, const char *name, unsigned long long *value)
{
    long long v = 0;
    if (rb_h5_read_int_attr(obj, name, &v) != 0 || v < 0)
        return -1;
    *value = (unsigned long long)v;
    return 0;
}

static char first_error[1024];

static herr_t take_first_message(unsigned n, const H5E_error2_t *e, void *data)
{
    if (n == 0 && e->desc != NULL)
        snprintf((char *)data, sizeof first_error, "%s", e->desc);
    return 0;
}

/* Installed as HDF5's automatic error handler: keeps the first failure's innermost message, prints nothing. */
static herr_t capture_error(hid_t stack, void *unused)
{
    (void)unused;
    if (first_error[0] == '\0')
        H5Ewalk2(stack, H5E_WALK_UPWARD, take_first_message, first_error);
    return 0;
}

void rb_h5_quiet_begin(rb_h5_quiet *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, capture_error, NULL);
    first_error[0] = '\0';
}

void rb_h5_quiet_end(const rb_h5_quiet *q)
{
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

void rb_h5_last_error(char *buf, size_t buflen)
{
    /* the sec2 driver's "file write failed: time = ..., filename = ..., errno = 28, error message = '...', ..." */
    const char *msg = strstr(first_error, "error message = '");
    const char *colon = strstr(first_error, ": time = ");
    if (msg != NULL && colon != NULL) {
        msg += strlen("error message = '");
        size_t len = strcspn(msg, "'");
        snprintf(buf, buflen, "%.*s: %.*s", (int)(colon - first_error), first_error, (int)len, msg);
        return;
    }
    snprintf(buf, buflen, "%s", first_error[0] ? first_error : "unknown HDF5 error");
}
