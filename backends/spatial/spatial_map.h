/* backends/spatial/spatial_map.h — the paper's loop-based RNN mapping on the accelerator and its resource model.
 *
 * The loop nest (the paper's Fig. 5 listing, hv = 1):
 *
 *   for t in 0..T-1:                                 sequential: h_t feeds step t+1
 *     for i in 0..H-1 par hu:                        hu hidden-unit copies; copy j owns i = j, j+hu, ...
 *       for every gate g in parallel:                (batch elements b interleaved as extra units)
 *         acc_g = Reduce(K by rv par ru)             ru MVM PCUs, each an rv-wide 8-bit map-reduce per cycle
 *       tail(i): LUT activations, c/h update          fused per unit; h written back into the x/h buffers
 *
 * K is the reduction length: D + H over the concatenated [x; h] (input=full, the paper's design) or H alone
 * (input=skip, DeepBench's CUDNN_SKIP_INPUT: W x + b precomputed and streamed in). For GRU (linear before
 * reset: n = tanh(Wn x + bWn + r * (Un h + bUn))) the n gate needs W x and U h apart, so the reduction is
 * chunked over x and h separately and the n gate's accumulators emit two sums per unit.
 *
 * Per copy: G*ru MVM PCUs (each with its weight PMU(s) and, on the paper's chip, its own x/h PMU), G combine
 * trees of PCUs for the ru partial sums (fan-in = the PCU's scalar inputs), the element-wise tail (PCUs, one
 * LUT PMU per activation lookup, a state PMU for c or the previous h, a bias/projection PMU). Everything here
 * follows from the architecture file and the problem shape; there are no per-task constants. */
#ifndef RB_SPATIAL_MAP_H
#define RB_SPATIAL_MAP_H

#include "problem.h"
#include "spatial_arch.h"

typedef enum { SP_INPUT_SKIP = 0, SP_INPUT_FULL = 1 } sp_input_mode;
typedef enum { SP_CAP_ONCHIP = 0, SP_CAP_STREAM = 1 } sp_capacity;

/* The problem as the mapper sees it. */
typedef struct sp_shape {
    rb_cell cell;
    int G, H, I, B, T;
    sp_input_mode mode;
    sp_capacity cap; /* onchip: weights assumed resident (the paper); stream: the excess read from DRAM per step */
} sp_shape;

void sp_shape_from_problem(sp_shape *s, const rb_problem *p, sp_input_mode mode, sp_capacity cap);
const char *sp_input_mode_name(sp_input_mode m);
const char *sp_capacity_name(sp_capacity c);

/* The element-wise tail of one hidden-unit copy (hv = 1: one lane, scalars). */
typedef struct sp_tail {
    int luts;        /* LUT PMUs: one per activation lookup (the listing's luti, lutj, lutf, luto, tanh) */
    int pcus;        /* tail PCUs */
    int state;       /* state PMUs: LSTM c, GRU previous h at full precision */
    int n_tokens;    /* partial sums per unit through the gate combine trees (GRU n gate: 2 in full mode) */
    int alu_ops;     /* element-wise ALU operations per unit (for activity) */
} sp_tail;
void sp_tail_of(rb_cell cell, sp_input_mode mode, sp_tail *t);
/* Latency of the tail's critical chain (combine root output to h leaving the tail). */
int sp_tail_latency(const sp_arch *a, rb_cell cell);

typedef struct sp_factors {
    int hu, ru, rv; /* hv = 1 always (the paper's Table 7) */
} sp_factors;

typedef struct sp_mapping {
    sp_factors f;
    int legal;
    char why[96];           /* reason when illegal */
    /* trip counts */
    int n_units;            /* items per copy (batch x hidden units), the largest copy: B * ceil(H/hu) */
    int last_slot_units;    /* copies busy in the last slot */
    int n_k;                /* reduction chunks (vectors) per unit and gate */
    long n_issue;           /* vector issues of the busiest copy per step: n_units * n_k */
    /* compute units */
    int pcu_mvm, pcu_combine, pcu_ew, pcus;
    int combine_per_gate, combine_levels;
    /* memories */
    int pmu_weight, pmu_xh, pmu_lut, pmu_state, pmu_bias, pmus;
    /* weights and capacity */
    double weight_bytes;        /* as tiled (padded along the reduction) */
    double weight_pmus_needed;  /* ceil(weight_bytes / pmu_bytes), at least one per MVM PCU */
    int weights_fit;            /* 1 when the weights fit in the PMUs the mapping leaves free */
    double resident_bytes, streamed_bytes_per_step; /* capacity=stream: what is re-read from DRAM each step */
    double in_bytes_per_step, out_bytes_per_step;   /* x (or the skip projections) in, h out, via DRAM */
    /* placement */
    int region_side, bcast_hops;
    /* latency of the loop-carried chain (cycles) */
    int lat_read;           /* x/h and weight operands to the MVM PCU */
    int lat_mvm;            /* the PCU's map-reduce */
    int lat_combine;        /* hop to the combine trees + their levels */
    int lat_tail;           /* the element-wise tail */
    int lat_wb;             /* h to the x/h buffers across the region */
    int lat_sync;           /* completion token back to the controller */
    int lat_ctrl;           /* the calibrated per-step control overhead */
    int lat_to_write;       /* from a unit's last chunk issue to its arrival at the write-back: sum of the above */
    double macs_per_step;   /* useful multiply-accumulates per step */
} sp_mapping;

/* Builds the mapping for factors f; m->legal says whether it fits (reason in m->why). Always returns 0. */
int sp_map(const sp_arch *a, const sp_shape *s, sp_factors f, sp_mapping *m);

/* Reduction length K: I + H (full) or H (skip). */
int sp_reduction_len(const sp_shape *s);
/* Chunks (rv-wide vectors per MVM PCU) per unit for a slice width ru*rv. */
int sp_chunks(const sp_shape *s, long slice);

#endif
