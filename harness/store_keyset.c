/* harness/store_keyset.c — owns the store's hash set of job keys (see store_keyset.h). */
#include "store_keyset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a 64 */
    for (size_t i = 0; i < RB_KEY_LEN - 1 && key[i]; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static void copy_bounded(char *dst, size_t dstlen, const char *src)
{
    size_t len = src ? strnlen(src, dstlen - 1) : 0;
    memcpy(dst, src ? src : "", len);
    memset(dst + len, 0, dstlen - len);
}

/* Slot holding key, or the empty slot where it would go. Requires capacity > count. */
static rb_keyset_entry *find_slot(rb_keyset_entry *slots, size_t capacity, const char *key)
{
    size_t mask = capacity - 1;
    for (size_t i = key_hash(key) & mask;; i = (i + 1) & mask) {
        if (slots[i].key[0] == '\0' || strncmp(slots[i].key, key, RB_KEY_LEN - 1) == 0)
            return &slots[i];
    }
}

static int grow(rb_keyset *set)
{
    size_t capacity = set->capacity ? set->capacity * 2 : 64;
    rb_keyset_entry *slots = calloc(capacity, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < set->capacity; i++) {
        if (set->slots[i].key[0] != '\0')
            *find_slot(slots, capacity, set->slots[i].key) = set->slots[i];
    }
    free(set->slots);
    set->slots = slots;
    set->capacity = capacity;
    return 0;
}

void rb_keyset_init(rb_keyset *set)
{
    set->slots = NULL;
    set->capacity = set->count = 0;
}

void rb_keyset_free(rb_keyset *set)
{
    free(set->slots);
    rb_keyset_init(set);
}

int rb_keyset_put(rb_keyset *set, const char *key, const char *status)
{
    if (key == NULL || key[0] == '\0')
        return 0;
    if ((set->count + 1) * 2 > set->capacity && grow(set) != 0) /* keep the load factor <= 1/2 */
        return -1;
    rb_keyset_entry *e = find_slot(set->slots, set->capacity, key);
    if (e->key[0] == '\0') {
        copy_bounded(e->key, sizeof e->key, key);
        set->count++;
    }
    copy_bounded(e->status, sizeof e->status, status);
    return 0;
}

const char *rb_keyset_get(const rb_keyset *set, const char *key)
{
    if (key == NULL || key[0] == '\0' || set->capacity == 0)
        return NULL;
    const rb_keyset_entry *e = find_slot(set->slots, set->capacity, key);
    return e->key[0] == '\0' ? NULL : e->status;
}
