/* backends/spatial/spatial_model.h — timing results shared by the closed-form estimate (spatial_model.c) and
 * the cycle-level simulator (spatial_sim.c), and the closed form itself.
 *
 * One time step, from its start S (all of h_{t-1} and x_t in the x/h buffers):
 *   - the busiest copy issues its n_units x n_k vectors back to back from S + lat_read (II = 1: the paper's
 *     folded tree has no structural hazard); with weights streamed from DRAM a vector also waits for its share
 *     of the stream;
 *   - a unit whose last vector issued at e reaches the write-back at e + lat_to_write (map-reduce, combine
 *     trees, tail, hops across the region);
 *   - the write-back absorbs h_writeback_per_cycle elements per cycle for all copies together (a D/D/1 queue);
 *   - the step ends when the last h element is written, plus the completion token (lat_sync) and the
 *     calibrated control overhead (lat_ctrl); the next step also waits for its input from DRAM.
 * Closed form: the queue's finish time is max over slots m of (a_m + R_m / w) (a_m: arrival of slot m, R_m: the
 * elements from slot m on, w the write-back rate); it is piecewise convex in m, so the ends of each piece give
 * the maximum. */
#ifndef RB_SPATIAL_MODEL_H
#define RB_SPATIAL_MODEL_H

#include "spatial_map.h"

typedef struct sp_timing {
    double load_cycles;   /* loading step 0's input before the first step can start */
    double first_step;    /* cycles of step 0 (start to start of step 1) */
    double steady_step;   /* cycles of a steady-state step */
    double total_cycles;  /* whole sequence */
    double latency_ms;
    double issue_cycles;  /* busiest copy: first to last vector issue of a steady step */
    double write_cycles;  /* step start to the last h element written */
    int write_bound;      /* 1 when the write-back, not the issue, decides when the last h is written */
    int steps_simulated;  /* 0 for the closed form */
    int steady_reached;   /* simulator: 1 when two consecutive steps took the same time */
    long vector_issues;   /* simulator: MVM vector issues per step, all copies */
} sp_timing;

void sp_model_closed_form(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t);

#endif
