/* workloads/str_index.h — a hash index from strings to numbers (open addressing, FNV-1a, load factor <= 1/2), for
 * the O(1) duplicate checks of the workload parser (names), the job list (keys) and the run table (latest row of a
 * key). Keys are copied into the index. */
#ifndef RB_STR_INDEX_H
#define RB_STR_INDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct rb_str_index_slot {
    uint64_t hash;
    size_t key;   /* offset of the key in the index's text + 1; 0 marks an empty slot */
    size_t value;
} rb_str_index_slot;

typedef struct rb_str_index {
    rb_str_index_slot *slots; /* capacity a power of two */
    size_t capacity, count;
    char *text; /* the keys, NUL-terminated, back to back */
    size_t text_len, text_cap;
} rb_str_index;

void rb_str_index_init(rb_str_index *ix);
void rb_str_index_free(rb_str_index *ix);
/* Inserts key -> value when key is absent (returns 0); when present, leaves it and returns 1 with its value in
 * *existing (may be NULL). -1 when out of memory. */
int rb_str_index_add(rb_str_index *ix, const char *key, size_t value, size_t *existing);
/* Inserts key -> value, or overwrites the value of a present key. 0, or -1 when out of memory. */
int rb_str_index_set(rb_str_index *ix, const char *key, size_t value);
/* 1 with *value when key is present, else 0. */
int rb_str_index_get(const rb_str_index *ix, const char *key, size_t *value);

#endif
