/* workloads/str_index.c — owns the string hash index (see str_index.h). */
#include "str_index.h"

#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void rb_str_index_init(rb_str_index *ix)
{
    memset(ix, 0, sizeof *ix);
}

void rb_str_index_free(rb_str_index *ix)
{
    free(ix->slots);
    free(ix->text);
    rb_str_index_init(ix);
}

/* The slot holding key, or the empty slot where it would go (capacity > count). */
static rb_str_index_slot *find(const rb_str_index *ix, const char *key, uint64_t h)
{
    size_t mask = ix->capacity - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        rb_str_index_slot *s = &ix->slots[i];
        if (s->key == 0 || (s->hash == h && strcmp(ix->text + s->key - 1, key) == 0))
            return s;
    }
}

static int grow(rb_str_index *ix)
{
    size_t capacity = ix->capacity ? ix->capacity * 2 : 64;
    rb_str_index_slot *slots = calloc(capacity, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < ix->capacity; i++) {
        const rb_str_index_slot *s = &ix->slots[i];
        if (s->key == 0)
            continue;
        size_t j = (size_t)s->hash & (capacity - 1);
        while (slots[j].key != 0)
            j = (j + 1) & (capacity - 1);
        slots[j] = *s;
    }
    free(ix->slots);
    ix->slots = slots;
    ix->capacity = capacity;
    return 0;
}

/* Copies key into the text; its offset + 1, or 0 when out of memory. */
static size_t keep_text(rb_str_index *ix, const char *key)
{
    size_t len = strlen(key) + 1;
    if (ix->text_len + len > ix->text_cap) {
        size_t cap = ix->text_cap ? ix->text_cap : 4096;
        while (cap < ix->text_len + len)
            cap *= 2;
        char *text = realloc(ix->text, cap);
        if (text == NULL)
            return 0;
        ix->text = text;
        ix->text_cap = cap;
    }
    memcpy(ix->text + ix->text_len, key, len);
    ix->text_len += len;
    return ix->text_len - len + 1;
}

static int insert(rb_str_index *ix, const char *key, size_t value, size_t *existing, int overwrite)
{
    if ((ix->count + 1) * 2 > ix->capacity && grow(ix) != 0)
        return -1;
    uint64_t h = fnv1a(key);
    rb_str_index_slot *s = find(ix, key, h);
    if (s->key != 0) {
        if (existing != NULL)
            *existing = s->value;
        if (overwrite)
            s->value = value;
        return 1;
    }
    size_t at = keep_text(ix, key);
    if (at == 0)
        return -1;
    s->hash = h;
    s->key = at;
    s->value = value;
    ix->count++;
    return 0;
}

int rb_str_index_add(rb_str_index *ix, const char *key, size_t value, size_t *existing)
{
    return insert(ix, key, value, existing, 0);
}

int rb_str_index_set(rb_str_index *ix, const char *key, size_t value)
{
    return insert(ix, key, value, NULL, 1) < 0 ? -1 : 0;
}

int rb_str_index_get(const rb_str_index *ix, const char *key, size_t *value)
{
    if (ix->capacity == 0)
        return 0;
    const rb_str_index_slot *s = find(ix, key, fnv1a(key));
    if (s->key == 0)
        return 0;
    if (value != NULL)
        *value = s->value;
    return 1;
}
