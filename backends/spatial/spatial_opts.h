/* backends/spatial/spatial_opts.h — the spatial backend's options (shared by the backend and explore):
 *   arch=FILE|serving|baseline|serving-1mac   architecture file (default: the shipped 24x24 serving
 *                                configuration; serving-1mac: the same without 4 x 8-bit packing per lane)
 *   input=skip|full              skip (default): DeepBench CUDNN_SKIP_INPUT semantics, W x_t precomputed and
 *                                streamed in, only U h on chip; full: W and U both on chip every step. */
#ifndef RB_SPATIAL_OPTS_H
#define RB_SPATIAL_OPTS_H

#include <stddef.h>
#include "backend.h"
#include "spatial_arch.h"
#include "spatial_map.h"

typedef struct sp_opts {
    char arch_path[RB_OPT_VAL_MAX + 64];
    sp_input_mode mode;
} sp_opts;

/* Parse and validate; unknown keys are errors. 0, or -1 with a message in err. */
int sp_opts_parse(const rb_options *opt, sp_opts *o, char *err, size_t errlen);
/* Parse options and load the architecture file they name. */
int sp_opts_load(const rb_options *opt, sp_opts *o, sp_arch *a, char *err, size_t errlen);

#endif
