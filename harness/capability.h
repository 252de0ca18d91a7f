/* harness/capability.h — what one rank can run: every registered backend's probe result (with the reason when it
 * cannot), plus where the rank lives. Exchanged as plain bytes (MPI_BYTE, pipes). */
#ifndef RB_CAPABILITY_H
#define RB_CAPABILITY_H

#include <stdint.h>

#define RB_CAP_MAX_BACKENDS 32
#define RB_CAP_WHY_MAX 256 /* = RB_MSG_MAX: a probe's reason travels whole */

typedef struct rb_caps {
    int32_t rank;     /* world rank */
    int32_t node_id;  /* lowest world rank on the same node (MPI_COMM_TYPE_SHARED) */
    int32_t executes; /* 1 when this rank runs jobs (has an executor) */
    int32_t executor_inline; /* 1 when its jobs run inside the rank (it cannot answer while one runs) */
    int32_t nb;       /* backends described */
    char host[64];
    unsigned char ok[RB_CAP_MAX_BACKENDS];
    char why[RB_CAP_MAX_BACKENDS][RB_CAP_WHY_MAX];
} rb_caps;

/* Testing/ops knob: RNNBENCH_DISABLE_BACKENDS_ON_RANKS="cpu-blas:1,3;spatial:*" makes the listed ranks report the
 * backend as unavailable (';'-separated entries "backend:rank,rank,..." or "backend:*"). 1 when spec disables
 * backend on rank. spec may be NULL. */
int rb_caps_disabled(const char *spec, const char *backend, int rank);

/* Probes every registered backend in this process (honouring the knob above for `rank`). Fills ok/why/nb and
 * rank; node_id, executes and host are left to the caller. */
void rb_caps_probe(rb_caps *c, int rank);

#endif
