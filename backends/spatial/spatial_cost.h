/* backends/spatial/spatial_cost.h — energy, power and area of a mapping from the architecture's per-unit
 * figures: allocated PCUs/PMUs/DAGs at their power for the whole run (unallocated ones at idle_power_frac),
 * plus network flit energy and DRAM access energy; area of the allocated units (with their share of the
 * network) and of the whole chip. */
#ifndef RB_SPATIAL_COST_H
#define RB_SPATIAL_COST_H

#include "spatial_model.h"

typedef struct sp_cost {
    double energy_j;        /* per inference */
    double power_w;         /* energy / latency */
    double unit_energy_j, net_energy_j, dram_energy_j;
    double area_alloc_mm2;  /* allocated units incl. their proportional share of network/IO */
    double area_chip_mm2;   /* whole chip (what has to be built) */
    double util_chip;       /* useful MACs / (chip peak MACs x cycles) */
    double util_alloc;      /* useful MACs / (allocated MVM PCUs' MACs x cycles) */
} sp_cost;

void sp_cost_of(const sp_arch *a, const sp_shape *s, const sp_mapping *m, const sp_timing *t, sp_cost *c);

#endif
