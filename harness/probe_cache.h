/* harness/probe_cache.h — each backend's probe runs at most once per process; the capability report and job
 * execution share the answer. */
#ifndef RB_PROBE_CACHE_H
#define RB_PROBE_CACHE_H

#include <stddef.h>
#include "backend.h"

/* Probe result of registered backend idx (0 = can run; -1 = cannot, reason in why). A backend without a probe
 * can always run. */
int rb_probe_once(size_t idx, rb_status *why);

#endif
