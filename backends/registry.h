/* backends/registry.h — the table of compiled-in backends (generated from RB_BACKENDS in
 * backends/CMakeLists.txt) and lookups over it. */
#ifndef RB_REGISTRY_H
#define RB_REGISTRY_H

#include <stddef.h>
#include "backend.h"

/* Number of registered backends and the i-th one. */
size_t rb_backend_count(void);
const rb_backend *rb_backend_at(size_t i);
/* Backend by name, or NULL. */
const rb_backend *rb_backend_find(const char *name);

#endif
