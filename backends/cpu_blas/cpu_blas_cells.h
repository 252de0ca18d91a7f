/* backends/cpu_blas/cpu_blas_cells.h — the scalar element-wise passes of each cell (kernels=openblas mode). */
#ifndef RB_CPU_BLAS_CELLS_H
#define RB_CPU_BLAS_CELLS_H

#include "problem.h"

/* One element-wise pass per operation, over the whole gate-blocked pre-activation buffers, intermediates kept
 * in memory (the "stitched kernels" model).
 *  xp: input projection for this step, [B][G*H] (W x + bw)
 *  hp: recurrent projection for this step, [B][G*H] (U h + bu)
 *  h:  [B][H] state in/out;  c: [B][H] LSTM cell state in/out;  tmp: [B][G*H] scratch */
void rb_cpu_lstm_pointwise(int B, int H, const float *xp, const float *hp, float *tmp, float *h, float *c);
void rb_cpu_gru_pointwise(int B, int H, const float *xp, const float *hp, float *tmp, float *h);
void rb_cpu_vanilla_pointwise(int B, int H, const float *xp, const float *hp, float *h);

#endif
