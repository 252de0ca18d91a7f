/* backends/spatial/spatial_cost.h — energy, power and area of a mapped and timed problem from the architecture's
 * per-unit figures and the activity of every allocated unit over a steady step:
 *   unit power = P_busy x (idle_power_frac + (1 - idle_power_frac) x activity) for each allocated PCU, PMU and
 *   DRAM address generator (activity = busy cycles / step cycles, from the mapping's trip counts and the
 *   timed step); units the configuration does not use are power-gated;
 *   plus network flit energy (vector and scalar hops) and DRAM access energy.
 * Energy per inference = that power x latency. Area: the whole chip (what has to be built); the allocated
 * units' share is reported beside it. */
#ifndef RB_SPATIAL_COST_H
#define RB_SPATIAL_COST_H

#include "spatial_model.h"

typedef struct sp_activity {
    double mvm, combine, ew;                 /* PCU classes */
    double weight, xh, lut, state, bias;     /* PMU classes */
    double dag;
} sp_activity;

typedef struct sp_cost {
    double energy_j;        /* per inference */
    double power_w;         /* energy / latency */
    double unit_power_w, net_power_w, dram_power_w;
    int dags_used;
    sp_activity act;        /* average busy fraction of each allocated unit class */
    double area_alloc_mm2;  /* allocated units incl. their proportional share of network/IO */
    double area_chip_mm2;   /* whole chip */
    double util_chip;       /* useful MACs / (chip peak MACs x cycles) */
    double util_alloc;      /* useful MACs / (allocated MVM PCUs' MACs x cycles) */
} sp_cost;

void sp_cost_of(const sp_arch *a, const sp_shape *s, const sp_mapping *m, const sp_timing *t, sp_cost *c);

#endif
