/* harness/problem_data.h — the data of the problem this process is working on: weights, inputs and the fp32
 * reference output, kept between consecutive jobs on the same (shape, seed). The reference comes from memory, else
 * from the on-disk output cache (output_cache.h), else it is computed (and stored there). Every piece is valid only
 * once it is complete: a failed allocation leaves nothing half-made for the next job. Not thread-safe. */
#ifndef RB_PROBLEM_DATA_H
#define RB_PROBLEM_DATA_H

#include <stdint.h>
#include "problem.h"

/* Weights and inputs of (p's shape, seed), generated on first use. 0, or -1 when they cannot be allocated. */
int rb_pdata_inputs(const rb_problem *p, uint64_t seed, const rb_weights **w, const float **x);

/* The fp32 reference output (rb_output_len(p) floats). compute=0: from memory or the disk cache only (-1 when in
 * neither); compute=1: otherwise computed from the weights and inputs and stored in the disk cache. 0 or -1. */
int rb_pdata_reference(const rb_problem *p, uint64_t seed, int compute, const float **ref);

/* Frees everything held. */
void rb_pdata_clear(void);

#endif
