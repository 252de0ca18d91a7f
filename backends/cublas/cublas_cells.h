/* backends/cublas/cublas_cells.h — the cublas backend's element-wise step kernels (cublas_cells.cu): one launch per
 * timestep applies biases, gate activations and the state update after the GEMMs. Private to backends/cublas. */
#ifndef RB_CUBLAS_CELLS_H
#define RB_CUBLAS_CELLS_H

/* One timestep for B x H outputs, enqueued on `stream` (a cudaStream_t). Device pointers:
 *   xp     [B][G*H]  input projection W x_t of this step (no bias)
 *   hp     [B][G*H]  recurrent projection U h_{t-1} (no bias)
 *   bw, bu [G*H]     biases
 *   h_prev [B][H]    h_{t-1} (GRU needs it; zeros at t = 0)
 *   c      [B][H]    LSTM cell state, updated in place (unused otherwise)
 *   h_out  [B][H]    h_t (a slice of y)
 *   h16    [B][H]    optional (may be NULL): h_t again in fp16 for a half-precision recurrent GEMM
 * cell is an rb_cell value. Returns 0 or the cudaError_t of the launch. */
int rb_cublas_cell_step(int cell, int B, int H, const float *xp, const float *hp, const float *bw, const float *bu,
                        const float *h_prev, float *c, float *h_out, void *h16, void *stream);

#endif
