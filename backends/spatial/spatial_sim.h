/* backends/spatial/spatial_sim.h — cycle-level simulation of a mapped RNN pipeline.
 *
 * What is simulated, per time step, as timed events at cycle resolution:
 *  - every hidden-unit copy's MVM controller (its G x ru PCUs in lockstep) issuing one rv-wide vector per cycle
 *    through its own items (batch x its hidden units) and their n_k reduction chunks; when weights are streamed
 *    from DRAM each vector waits until its share of the step's weight stream has arrived;
 *  - each unit's partial sums leaving the map-reduce (2 + log2(lanes) + 1 cycles on the paper's PCU), the
 *    combine trees, the element-wise tail and the hops to the x/h buffers, as timed tokens (every stage on the
 *    way accepts one unit per cycle per copy, so only the write-back can queue);
 *  - the shared write-back: h elements from all copies in arrival order, h_writeback_per_cycle per cycle;
 *  - the DRAM channel, serving in order the step's weight stream, the next step's input prefetch and every
 *    written h element's store (the output y_t);
 *  - the loop-carried dependence: step t+1 starts when every h_t element is written, the completion token has
 *    returned and the control overhead is paid, and its input has arrived.
 * Steps are simulated until two consecutive steps take the same number of cycles (steady state, normally from
 * step 1 on); the rest are counted at that duration. At most SP_SIM_MAX_STEPS are simulated. */
#ifndef RB_SPATIAL_SIM_H
#define RB_SPATIAL_SIM_H

#include "spatial_model.h"

#define SP_SIM_MAX_STEPS 8

/* 0 on success, -1 on allocation failure. */
int sp_simulate(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t);

#endif
