/* backends/spatial/spatial_map.h — the loop-based mapping of an RNN cell onto the accelerator and its
 * resource model: the fused per-step loop nest
 *
 *   for t in 0..T-1:                                   (sequential: h_t feeds step t+1)
 *     for b in 0..B-1:                                 (batch elements interleaved in the pipeline)
 *       for i in 0..H-1 par hu:                        (hidden units; hu copies, copy j owns i = j mod hu)
 *         for g in 0..G-1 par gp:                      (gates; gp gate lanes, ceil(G/gp) rounds)
 *           acc = Reduce over k by ru*rv                (ru PCUs x rv-wide SIMD dot product per PCU)
 *         tail(i): bias/projection add, LUT activations, c/h update, requantise   (fused, no buffers)
 *
 * One MVM PCU per (copy, gate lane, reduction slice) reads its weights from its own PMU(s) and the h (and x)
 * slice broadcast from one PMU per slice. The ru partial sums are combined by a fan-in tree of PCUs, vectorised
 * over up to `lanes` copies; the element-wise tail runs in PCUs (one op per stage) and LUT PMUs, one lane per
 * copy. Everything here is derived from the architecture file and the problem shape: no per-task constants. */
#ifndef RB_SPATIAL_MAP_H
#define RB_SPATIAL_MAP_H

#include "problem.h"
#include "spatial_arch.h"

typedef enum { SP_INPUT_SKIP = 0, SP_INPUT_FULL = 1 } sp_input_mode;

/* The problem as the mapper sees it. */
typedef struct sp_shape {
    rb_cell cell;
    int G, H, I, B, T;
    sp_input_mode mode; /* skip: W x_t precomputed and streamed in, added like a bias; full: W and U on chip */
} sp_shape;

void sp_shape_from_problem(sp_shape *s, const rb_problem *p, sp_input_mode mode);
const char *sp_input_mode_name(sp_input_mode m);

/* The element-wise tail of a cell as alternating segments of ALU ops (one op per pipeline stage) and
 * parallel LUT lookups (one PMU each). */
#define SP_TAIL_MAX_SEG 8
typedef struct sp_tail {
    int n_seg;
    int is_lut[SP_TAIL_MAX_SEG];
    int ops[SP_TAIL_MAX_SEG];
    int alu_ops, lut_ops;
    int state_pmu; /* 1 when the tail keeps per-unit state (LSTM c, GRU previous h in fixed point) */
} sp_tail;
/* In full mode the first segment also rescales the x-part partial sums (one extra op per gate). */
void sp_tail_of(rb_cell cell, sp_input_mode mode, sp_tail *t);

typedef struct sp_factors {
    int hu, ru, rv, gp;
} sp_factors;

typedef struct sp_mapping {
    sp_factors f;
    int legal;
    char why[96];      /* reason when illegal */
    /* loop trip counts */
    int n_i;           /* hidden units per copy: ceil(H/hu) */
    int n_g;           /* gate rounds: ceil(G/gp) */
    int n_k;           /* reduction chunks per dot product (x part + h part in full mode) */
    long n_issue;      /* vector issues per copy per step: B * n_i * n_g * n_k */
    /* resources */
    int pcu_mvm, pcu_combine, pcu_ew, pcus;
    int pmu_weight, pmu_slice, pmu_lut, pmu_state, pmu_stream, pmus;
    int ew_groups, combine_levels;
    /* weights and DRAM traffic */
    double weight_bytes;   /* as stored (padded to the tiling) */
    double resident_bytes, streamed_bytes_per_step;
    int dram_streamed;     /* 1 when the weights do not fit and are partly streamed every step */
    double in_bytes_per_step, out_bytes_per_step;
    /* network placement: a square region around the slice buffers */
    int region_side, bcast_hops;
    /* latency components (cycles) */
    int lat_read, lat_pcu, lat_combine, lat_to_ew, lat_ew, lat_wb, lat_sync;
    int pipeline_depth;    /* sum of the above: the loop-carried chain paid once per step */
    /* useful multiply-accumulates per step */
    double macs_per_step;
} sp_mapping;

/* Builds the mapping for factors f; m->legal says whether it fits (reason in m->why). Always returns 0. */
int sp_map(const sp_arch *a, const sp_shape *s, sp_factors f, sp_mapping *m);

/* Reduction length (the longer of the x and h parts in full mode) used to bound ru*rv. */
int sp_reduction_len(const sp_shape *s);

#endif
