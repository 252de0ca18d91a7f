/* backends/cpu_blas/cpu_energy.h — energy per inference of a measured CPU backend from RAPL: repeats inferences
 * for >= 1 s between two reads of the package counters. Shared by cpu-blas and cpu-fused. */
#ifndef RB_CPU_ENERGY_H
#define RB_CPU_ENERGY_H

#include "backend.h"

/* Runs run(state, x, y) repeatedly for at least one second and fills m's energy and power (measured), or adds an
 * "energy_note" extra saying why not (sources stay unavailable). */
void rb_cpu_energy_window(const rb_backend *b, void *state, const rb_problem *p, const float *x, rb_metrics *m);

#endif
