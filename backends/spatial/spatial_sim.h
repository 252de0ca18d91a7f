/* backends/spatial/spatial_sim.h — cycle-level simulation of a mapped RNN pipeline.
 *
 * What is simulated, per time step, as timed events at cycle resolution (the clock jumps from one event to the
 * next; a reduction chunk's back-to-back vector issues are stepped through in one go, vector by vector only
 * when DRAM throttles them, because issue never waits on the downstream stages):
 *  - each hidden-unit copy's MVM controller (its gp gate lanes x ru reduction PCUs run in lockstep) issuing one
 *    rv-wide vector per cycle through (batch, unit, gate round, reduction chunk), after the h/x operands have
 *    been read from the slice PMUs and broadcast over the network; issue is throttled by DRAM when weights are
 *    streamed;
 *  - the PCU pipeline (packed multiply, lane tree, accumulate), the cross-PCU combine tree and the hop to the
 *    element-wise group, as timed token queues;
 *  - the element-wise groups (one lane per copy, II = 1, same-cycle arrivals merged into one vector issue),
 *    which wait for all gates of a unit, then the fused tail (ALU stages + LUT PMU reads) and the h write-back;
 *  - the loop-carried dependence: step t+1 starts only when every h_t element is written and the completion
 *    token has reached the MVM controllers, and its input stream has arrived;
 *  - a DRAM channel serving, in order, the weight stream, the next step's input prefetch and the h outputs.
 * Steps are simulated until two consecutive steps take the same number of cycles (steady state, normally from
 * step 1 on: every step after the first does identical work); the remaining steps are then counted at that
 * duration. At most SP_SIM_MAX_STEPS are simulated. */
#ifndef RB_SPATIAL_SIM_H
#define RB_SPATIAL_SIM_H

#include "spatial_model.h"

#define SP_SIM_MAX_STEPS 8

/* 0 on success, -1 on allocation failure. */
int sp_simulate(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t);

#endif
