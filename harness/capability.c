/* harness/capability.c — probes every registered backend for this rank, with the test/ops knob that disables
 * backends on chosen ranks (see capability.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capability.h"
#include "probe_cache.h"
#include "registry.h"

static int rank_listed(const char *list, size_t len, int rank)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (list[i] == ',' || list[i] == ' '))
            i++;
        if (i < len && list[i] == '*')
            return 1;
        char *end = NULL;
        char tmp[16];
        size_t j = i;
        while (j < len && list[j] != ',' && j - i < sizeof tmp - 1)
            j++;
        memcpy(tmp, list + i, j - i);
        tmp[j - i] = '\0';
        long v = strtol(tmp, &end, 10);
        if (end != tmp && v == rank)
            return 1;
        i = j + 1;
    }
    return 0;
}

int rb_caps_disabled(const char *spec, const char *backend, int rank)
{
    if (!spec || !backend)
        return 0;
    size_t blen = strlen(backend);
    const char *p = spec;
    while (*p) {
        while (*p == ';' || *p == ' ')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', len);
        if (colon && (size_t)(colon - p) == blen && strncmp(p, backend, blen) == 0 &&
            rank_listed(colon + 1, len - (size_t)(colon + 1 - p), rank))
            return 1;
        p += len;
    }
    return 0;
}

void rb_caps_probe(rb_caps *c, int rank)
{
    const char *spec = getenv("RNNBENCH_DISABLE_BACKENDS_ON_RANKS");
    size_t nb = rb_backend_count();
    if (nb > RB_CAP_MAX_BACKENDS)
        nb = RB_CAP_MAX_BACKENDS;
    c->rank = rank;
    c->nb = (int32_t)nb;
    for (size_t i = 0; i < nb; i++) {
        const rb_backend *b = rb_backend_at(i);
        rb_status st;
        if (rb_caps_disabled(spec, b->name, rank)) {
            c->ok[i] = 0;
            snprintf(c->why[i], RB_CAP_WHY_MAX, "disabled on this rank by RNNBENCH_DISABLE_BACKENDS_ON_RANKS");
        } else if (rb_probe_once(i, &st) != 0) {
            c->ok[i] = 0;
            snprintf(c->why[i], RB_CAP_WHY_MAX, "%.*s", RB_CAP_WHY_MAX - 1, st.msg[0] ? st.msg : "probe failed");
        } else {
            c->ok[i] = 1;
            c->why[i][0] = '\0';
        }
    }
}
