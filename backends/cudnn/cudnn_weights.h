/* backends/cudnn/cudnn_weights.h — copies rnnbench's weight layout (workloads/problem.h) into cuDNN's weight space.
 * Private to backends/cudnn. */
#ifndef RB_CUDNN_WEIGHTS_H
#define RB_CUDNN_WEIGHTS_H

#include <cudnn.h>
#include "backend.h"

/* Fills the weight space of a one-layer unidirectional RNN from w. Pseudo-layer 0, linLayerID 0..G-1 = input
 * matrices and biases of gates in our order (LSTM i,f,g,o; GRU r,z,n; vanilla one), G..2G-1 = the recurrent ones;
 * each matrix is [H][I] (resp. [H][H]) row-major in cuDNN exactly as our gate block of W (resp. U).
 * skip_input: cuDNN has no input matrices (CUDNN_SKIP_INPUT) and the input biases are left 0 (whether cuDNN applies
 * them or not), because the backend adds bw to the projected input it feeds in; so the total bias is added once.
 * half: the space holds fp16 (converted on the device through a staging buffer). Returns 0 or -1 with reason. */
int rb_cudnn_load_weights(cudnnHandle_t h, cudnnRNNDescriptor_t rnn, void *space, size_t space_bytes,
                          const rb_weights *w, int skip_input, int half, cudaStream_t stream, rb_status *st);

#endif
