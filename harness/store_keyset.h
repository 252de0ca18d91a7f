/* harness/store_keyset.h — internal to the store: the in-memory set of job keys present in /results, with the
 * status of each key's latest row, so rb_store_has_key is O(1) for campaigns of ~10^4 rows. */
#ifndef RB_STORE_KEYSET_H
#define RB_STORE_KEYSET_H

#include <stddef.h>
#include "record.h"

#define RB_STATUS_LEN sizeof(((rb_record *)0)->status)

typedef struct rb_keyset_entry {
    char key[RB_KEY_LEN]; /* "" marks an empty slot */
    char status[RB_STATUS_LEN];
} rb_keyset_entry;

typedef struct rb_keyset {
    rb_keyset_entry *slots; /* open addressing, linear probing; capacity a power of two */
    size_t capacity, count;
} rb_keyset;

void rb_keyset_init(rb_keyset *set);
void rb_keyset_free(rb_keyset *set);
/* Inserts key or updates its status. Empty keys are ignored. Keys are cut to RB_KEY_LEN-1 characters, as in
 * the file. 0, or -1 when out of memory. */
int rb_keyset_put(rb_keyset *set, const char *key, const char *status);
/* The stored status of key, or NULL when absent. */
const char *rb_keyset_get(const rb_keyset *set, const char *key);

#endif
