/* bench/onednn_peer.h — oneDNN's RNN primitive as a benchmark peer of the CPU backends (bench only: no backend
 * depends on it). fp32, and u8s8 (u8 activations, s8 weights with per-gate-row scales) where oneDNN supports the
 * cell. Built only when oneDNN (Debian: libdnnl-dev) is found; otherwise rb_onednn_available() says why not. */
#ifndef RB_ONEDNN_PEER_H
#define RB_ONEDNN_PEER_H

#include <stddef.h>
#include "problem.h"

typedef struct rb_onednn rb_onednn;

/* NULL when oneDNN is usable, else why not. */
const char *rb_onednn_available(void);
/* oneDNN's version, e.g. "oneDNN 2.6.3". */
const char *rb_onednn_version(void);
/* Builds the primitive for p (weights reordered into oneDNN's layout once, untimed). int8: u8s8. 0, or -1 with why
 * (e.g. the cell has no int8 implementation). */
int rb_onednn_prepare(const rb_problem *p, const rb_weights *w, int int8, rb_onednn **out, char *why, size_t whylen);
/* One inference x [T][B][I] -> y [T][B][H] on `threads` OpenMP threads (int8: x quantised inside, y dequantised). */
int rb_onednn_run(rb_onednn *o, const float *x, float *y, int threads);
void rb_onednn_release(rb_onednn *o);
/* Sets the OpenMP team size before anything runs (a process that uses one thread count throughout). */
void rb_onednn_threads(int threads);

#endif
