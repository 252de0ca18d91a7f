/* harness/extras.c — owns rb_extras_get: one item of a "k=v;k=v" extras string. */
#include "extras.h"

#include <stdio.h>
#include <string.h>

static void span_trim(const char **b, const char **e)
{
    while (*b < *e && (**b == ' ' || **b == '\t')) (*b)++;
    while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t')) (*e)--;
}

int rb_extras_get(const char *extras, const char *key, char *out, size_t outlen)
{
    int found = 0;
    size_t klen = strlen(key);
    const char *p = extras;
    while (p && *p) {
        const char *end = strchr(p, ';');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        const char *kb = p, *ke = eq ? eq : end;
        span_trim(&kb, &ke);
        if ((size_t)(ke - kb) == klen && memcmp(kb, key, klen) == 0) {
            const char *vb = eq ? eq + 1 : end, *ve = end;
            span_trim(&vb, &ve);
            if (outlen) snprintf(out, outlen, "%.*s", (int)(ve - vb), vb);
            found = 1; /* keep scanning: a later item with the same key wins */
        }
        p = *end ? end + 1 : end;
    }
    return found;
}
