/* backends/spatial/spatial_dse.h — the design-space search over the paper's mapping parameters (hv = 1, hu, ru,
 * rv), and the evaluation of one pinned mapping.
 *
 * Search: rv over the powers of two up to lanes x macs_per_lane (64 on the paper's PCU), hu in 1..H and ru >= 1
 * while the MVM PCUs (G x hu x ru) fit the chip and no reduction slice is empty; every point is mapped
 * (spatial_map: PCUs, PMUs, capacity) and the legal ones are ranked with the closed form. The SP_DSE_SIMULATE
 * best are run through the cycle-level simulator and the lowest simulated latency wins (ties: fewer units, then
 * enumeration order). */
#ifndef RB_SPATIAL_DSE_H
#define RB_SPATIAL_DSE_H

#include <stddef.h>
#include "spatial_cost.h"

#define SP_DSE_SIMULATE 4

typedef struct sp_candidate {
    sp_factors f;
    int pcus, pmus, weights_fit, streamed;
    double model_cycles;    /* closed-form total cycles */
    double sim_cycles;      /* simulated total cycles, or -1 when not simulated */
    double step_cycles;     /* closed-form steady step */
    double area_alloc_mm2;
} sp_candidate;

typedef struct sp_dse_result {
    sp_mapping best;
    sp_timing sim;          /* simulated timing of the chosen mapping (the reported latency) */
    sp_timing model;        /* closed form of the chosen mapping */
    sp_cost cost;
    long examined;          /* points mapped */
    long legal;             /* of which fit the chip */
    int simulated;          /* points run through the simulator */
    sp_candidate *cands;    /* every legal point (only when keep_candidates), in enumeration order */
    size_t n_cands;
} sp_dse_result;

/* 0 on success; -1 with a reason when no mapping fits or memory runs out. */
int sp_dse(const sp_arch *a, const sp_shape *s, int keep_candidates, sp_dse_result *r, char *err, size_t errlen);
/* One pinned mapping, simulated. 0, or -1 with the reason it is illegal. */
int sp_dse_fixed(const sp_arch *a, const sp_shape *s, sp_factors f, sp_dse_result *r, char *err, size_t errlen);
void sp_dse_free(sp_dse_result *r);

/* The paper's Table 7 point for a cell and hidden size (hv = 1, rv = 64): LSTM 256 (6, 4); LSTM 512..2048 (4, 8);
 * GRU 512..2816 (2, 8) as printed. 0, or -1 when Table 7 has no point for that shape. *suspect is set for the
 * GRU entry, which cannot reach the paper's own GRU latencies (README). */
int sp_paper_point(rb_cell cell, int hidden, sp_factors *f, int *suspect);

#endif
