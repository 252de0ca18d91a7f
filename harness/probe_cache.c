/* harness/probe_cache.c — per-process cache of backend probe results. */
#include "probe_cache.h"
#include "registry.h"

#define RB_PROBE_CACHE 64
static int probe_done[RB_PROBE_CACHE];
static int probe_result[RB_PROBE_CACHE];
static rb_status probe_status[RB_PROBE_CACHE];

static int probe_now(const rb_backend *b, rb_status *why)
{
    why->msg[0] = '\0';
    return b->probe ? b->probe(why) : 0;
}

int rb_probe_once(size_t idx, rb_status *why)
{
    const rb_backend *b = rb_backend_at(idx);
    if (idx >= RB_PROBE_CACHE)
        return probe_now(b, why);
    if (!probe_done[idx]) {
        probe_result[idx] = probe_now(b, &probe_status[idx]);
        probe_done[idx] = 1;
    }
    *why = probe_status[idx];
    return probe_result[idx];
}
