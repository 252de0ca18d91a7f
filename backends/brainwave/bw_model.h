/* backends/brainwave/bw_model.h — analytic latency model of the Brainwave NPU: how the matrix-vector unit
 * tiles one RNN time step, the per-step dependency floor, power/energy and utilisation figures.
 *
 * One time step as Brainwave runs it (both matrices every step, per-gate mv_mul instructions):
 *   tiles        = G * ceil(H/N) * (ceil(I/N) + ceil(H/N))        every gate matrix padded to N x N tiles
 *   MVM cycles   = ceil(tiles / tile_engines) * ceil(N / L)        tiles spread over the tile engines
 *   MFU cycles   = ceil(mfu_ops * ceil(H/N) * ceil(N / mfu_lanes) / mfu_count)   element-wise streaming
 *   floor        = pipe_latency + mfu_ops(cell) * mfu_op_latency   dependency chain h_{t-1} -> h_t
 *   step cycles  = max(MVM, MFU, floor) + step_sync
 *   request      = request_overhead + T * step cycles             one batch-1 inference: a fixed start/I-O cost
 *                                                                  that T steps do not amortise, then T steps
 *   latency      = B * request / clock                             (batch served as B sequential requests)
 * No per-task constants: every number comes from the architecture file. */
#ifndef BW_MODEL_H
#define BW_MODEL_H

#include <stddef.h>
#include "bw_arch.h"
#include "problem.h"

typedef struct bw_estimate {
    int tile_cycles;            /* ceil(N / L): cycles per native tile on one tile engine */
    int hid_blocks, in_blocks;  /* ceil(H/N), ceil(I/N) */
    int padded_h, padded_i;     /* H and I rounded up to a multiple of N */
    long tiles_w, tiles_u;      /* native tiles of all W_g and all U_g */
    long tiles_total;
    int tiles_used;             /* tile engines with work: min(engines, tiles) */
    long mvm_cycles;            /* per step */
    int mfu_ops;                /* element-wise vector ops per step */
    long mfu_cycles;            /* per step, streaming */
    long floor_cycles;          /* per step, dependency chain */
    long step_cycles;           /* per step, total */
    long overhead_cycles;       /* per request (one batch-1 sequence), not amortised over T */
    long request_cycles;        /* overhead_cycles + T * step_cycles */
    const char *bound;          /* "mvm", "mfu" or "floor" */
    double step_us;
    double latency_ms;          /* one inference of B sequences */
    double flops_full, flops_deepbench;
    double gflops_full, gflops_deepbench;   /* effective */
    double util_full, util_deepbench;       /* effective / peak */
    double mvu_util;            /* useful MACs / (MAC units * MVM cycles): padding loss alone */
    double weight_mbit;         /* BFP weights as stored, padded tiles and shared exponents included */
    int fits_mrf;
    int vrf_needed;             /* native vectors the step program keeps live */
    int fits_vrf;
    double energy_j;            /* power * latency */
} bw_estimate;

/* Fills e for problem p on architecture a. 0, or -1 with a reason in err (invalid problem). */
int bw_model_estimate(const bw_arch *a, const rb_problem *p, bw_estimate *e, char *err, size_t errlen);

/* Element-wise vector ops per step for a cell type (from the architecture file). */
int bw_model_mfu_ops(const bw_arch *a, rb_cell cell);

#endif
