/* backends/spatial/spatial_explore.h — public entry point of the spatial backend's design-space dump (the one
 * header of this backend the harness may include, for `rnnbench explore --backend spatial`). */
#ifndef RB_SPATIAL_EXPLORE_H
#define RB_SPATIAL_EXPLORE_H

#include <stddef.h>
#include <stdio.h>
#include "backend.h"

/* Runs the design-space search for problem p with the backend options opt (arch=..., input=...) and writes
 * one CSV row per legal mapping (header first): factors, units, DRAM streaming, closed-form and (for the
 * simulated finalists) simulated latency, allocated area and whether the DSE chose it.
 * 0 on success; -1 with a message in err. */
int rb_spatial_explore_csv(const rb_problem *p, const rb_options *opt, FILE *out, char *err, size_t errlen);

#endif
