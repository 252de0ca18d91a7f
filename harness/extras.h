/* harness/extras.h — reading one item of a row's extras string "k=v;k=v" (the format of rb_record.extras). */
#ifndef RB_EXTRAS_H
#define RB_EXTRAS_H

#include <stddef.h>

/* The value of key in extras, with the rules of the /samples attributes: blanks around keys and values dropped,
 * the first '=' splits, a repeated key keeps its last value. 1 found (value in out, cut to outlen), 0 not. */
int rb_extras_get(const char *extras, const char *key, char *out, size_t outlen);

#endif
