/* backends/spatial/spatial_opts.h — the spatial backend's options (shared by the backend and explore) and the
 * planning step they drive (which mapping to simulate):
 *   arch=sysml19|sysml19-1mac|isca17|FILE   architecture file (default sysml19: the paper's serving chip)
 *   input=full|skip          full (default, the paper's design): W x and U h on chip every step, one reduction
 *                            over [x; h]; skip: DeepBench's CUDNN_SKIP_INPUT, W x + b precomputed and streamed in
 *   mapping=search|paper|HU,RU[,RV]   search (default): the design-space search; paper: the paper's Table 7 point
 *                            (the GRU entry as printed, see README); HU,RU[,RV]: pin a point (RV defaults to 64)
 *   capacity=onchip|stream   onchip (default, the paper's apparent assumption): weights that do not fit are taken
 *                            as resident and the row says so; stream: the excess is read from DRAM every step
 *   numerics=fp8|int8        fp8 (default, the paper's "mix f8+16+32"); int8: int8 x int8 -> int32, Q16.16 tail
 *   fp8=e4m3|e5m2            the 8-bit float format (default e4m3; only with numerics=fp8) */
#ifndef RB_SPATIAL_OPTS_H
#define RB_SPATIAL_OPTS_H

#include <stddef.h>
#include "backend.h"
#include "spatial_arch.h"
#include "spatial_dse.h"
#include "spatial_fp8.h"
#include "spatial_map.h"

typedef enum { SP_MAP_SEARCH = 0, SP_MAP_PAPER, SP_MAP_PIN } sp_map_kind;
typedef enum { SP_NUM_FP8 = 0, SP_NUM_INT8 } sp_numerics;

typedef struct sp_opts {
    char arch_path[RB_OPT_VAL_MAX + 64];
    sp_input_mode mode;
    sp_capacity cap;
    sp_map_kind map;
    sp_factors pin;           /* SP_MAP_PIN */
    sp_numerics num;
    const sp_fp8_fmt *fp8;    /* SP_NUM_FP8 */
} sp_opts;

/* Parse and validate; unknown keys are errors. 0, or -1 with "spatial.KEY: why" in err. */
int sp_opts_parse(const rb_options *opt, sp_opts *o, char *err, size_t errlen);
/* Parse options and load the architecture file they name. */
int sp_opts_load(const rb_options *opt, sp_opts *o, sp_arch *a, char *err, size_t errlen);
/* The numerics identifier (e.g. "fp8-e4m3/full/lut1024[-8,8)") for the options and architecture. */
void sp_numerics_name(const sp_opts *o, const sp_arch *a, char *out, size_t len);

/* Chooses and simulates the mapping the options ask for. *paper_suspect is set when mapping=paper used the
 * suspect GRU entry. 0, or -1 with a reason. */
int sp_plan(const sp_opts *o, const sp_arch *a, const rb_problem *p, sp_dse_result *r, int keep_candidates,
            int *paper_suspect, char *err, size_t errlen);

#endif
