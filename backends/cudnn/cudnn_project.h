/* backends/cudnn/cudnn_project.h — the untimed input projection of input=skip: x'[r] = W_0 x[r] + bw_0 for every
 * row r = (t, b) of x, on the GPU with cuBLAS (strict fp32), where W_0 / bw_0 are the first gate block of W / bw.
 * For a vanilla cell (one gate) that is exactly the input half of the cell, so cuDNN's CUDNN_SKIP_INPUT run on x'
 * computes the full model. Private to backends/cudnn. */
#ifndef RB_CUDNN_PROJECT_H
#define RB_CUDNN_PROJECT_H

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include "backend.h"

typedef struct rb_cudnn_proj {
    cublasHandle_t blas;
    int H, I, rows; /* x' is [rows][H], x is [rows][I] */
    float *w;       /* device [H][I]: gate 0 block of W */
    float *b;       /* device [H]: gate 0 block of bw */
    float *ones;    /* device [rows] of 1.0f (bias broadcast as a rank-1 product) */
} rb_cudnn_proj;

/* Uploads gate 0 of w->W and w->bw, creates the cuBLAS handle on `stream`. On failure *pj is left freeable.
 * 0 or -1 with reason. */
int rb_cudnn_proj_init(rb_cudnn_proj *pj, const rb_weights *w, int rows, cudaStream_t stream, rb_status *st);
/* Enqueues xp = x W_0^T + bw_0 (device pointers, row-major [rows][I] -> [rows][H]) on the handle's stream.
 * 0 or -1 with reason. */
int rb_cudnn_proj_enqueue(const rb_cudnn_proj *pj, const float *x, float *xp, rb_status *st);
/* Frees what init allocated (safe on a zeroed or partly initialised struct). */
void rb_cudnn_proj_free(rb_cudnn_proj *pj);

#endif
