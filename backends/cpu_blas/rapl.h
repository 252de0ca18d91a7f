/* backends/cpu_blas/rapl.h — package energy from Linux powercap (Intel RAPL), when the machine exposes it. */
#ifndef RB_RAPL_H
#define RB_RAPL_H

#include <stddef.h>

/* Reads the summed package energy counters in joules. Returns 0, or -1 with the reason in why. */
int rb_rapl_read(double *joules, double *range_joules, char *why, size_t whylen);

#endif
