/* backends/spatial/spatial_model.h — timing results shared by the closed-form estimate (spatial_model.c)
 * and the cycle-level simulator (spatial_sim.c), and the closed form itself. */
#ifndef RB_SPATIAL_MODEL_H
#define RB_SPATIAL_MODEL_H

#include "spatial_map.h"

typedef struct sp_timing {
    double load_cycles;   /* loading step 0's input stream before the first step can start */
    double first_step;    /* cycles of step 0 (start to start of step 1) */
    double steady_step;   /* cycles of a steady-state step */
    double total_cycles;  /* whole sequence */
    double latency_ms;
    int steps_simulated;  /* 0 for the closed form */
    int steady_reached;   /* simulator: 1 when two consecutive steps took the same time */
    long vector_issues;   /* simulator: MVM vector issues per step (all copies, one per ru-PCU group) */
    int max_ew_lanes;     /* simulator: most unit tokens merged into one element-wise vector issue */
} sp_timing;

/* Closed-form estimate:
 *   step   = max( depth - read + max(read + n_issue - 1, W_stream / bw),  (W_stream + in + out) / bw )
 *   total  = in / bw + T * step,   depth = the mapping's loop-carried pipeline depth. */
void sp_model_closed_form(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t);

#endif
