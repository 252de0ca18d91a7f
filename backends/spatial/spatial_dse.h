/* backends/spatial/spatial_dse.h — design-space search over the mapping factors (hu, ru, rv, gp).
 *
 * Enumerates rv in the powers of two up to lanes*macs_per_lane, gp in 1..G, hu in 1..H and ru >= 1 while the
 * MVM PCUs (hu*gp*ru) fit the chip and no reduction slice is empty; every point is mapped (spatial_map) and
 * the legal ones are ranked with the closed form. The SP_DSE_SIMULATE best by closed form are then run through
 * the cycle-level simulator and the lowest simulated latency wins (ties: fewer units). Mappings that keep all
 * weights on chip and ones that stream part of them from DRAM compete on latency; the winner says which. */
#ifndef RB_SPATIAL_DSE_H
#define RB_SPATIAL_DSE_H

#include <stddef.h>
#include "spatial_cost.h"

#define SP_DSE_SIMULATE 4

typedef struct sp_candidate {
    sp_factors f;
    int pcus, pmus, dram_streamed;
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
void sp_dse_free(sp_dse_result *r);

#endif
