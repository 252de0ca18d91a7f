/* backends/cudnn/cudnn_project.c — input=skip's untimed input projection x' = W_0 x + bw_0 with two cublasSgemm
 * calls (bias broadcast, then the product accumulated onto it). */
#include <stdlib.h>
#include "cudnn_project.h"
#include "gpu_common.h"

int rb_cudnn_proj_init(rb_cudnn_proj *pj, const rb_weights *w, int rows, cudaStream_t stream, rb_status *st)
{
    pj->blas = NULL;
    pj->w = pj->b = pj->ones = NULL;
    pj->H = w->hidden;
    pj->I = w->input;
    pj->rows = rows;
    /* CUBLAS_DEFAULT_MATH: Sgemm in plain fp32, no TF32 */
    if (rb_gpu_blas_create(&pj->blas, st) != 0 ||
        rb_gpu_blas_bind(pj->blas, stream, CUBLAS_DEFAULT_MATH, "cublasSetStream", "cublasSetMathMode", st) != 0)
        return -1;
    size_t nw = (size_t)pj->H * pj->I;
    float *ones = malloc((size_t)rows * sizeof *ones);
    if (!ones)
        return rb_fail(st, "out of memory");
    for (int r = 0; r < rows; r++)
        ones[r] = 1.0f;
    cudaError_t e = cudaMalloc((void **)&pj->w, nw * sizeof(float));
    if (e != cudaSuccess)
        pj->w = NULL;
    if (e == cudaSuccess && (e = cudaMalloc((void **)&pj->b, (size_t)pj->H * sizeof(float))) != cudaSuccess)
        pj->b = NULL;
    if (e == cudaSuccess && (e = cudaMalloc((void **)&pj->ones, (size_t)rows * sizeof(float))) != cudaSuccess)
        pj->ones = NULL;
    if (e == cudaSuccess) /* gate 0 is the first H rows of W [G*H][I] and the first H entries of bw */
        e = cudaMemcpy(pj->w, w->W, nw * sizeof(float), cudaMemcpyHostToDevice);
    if (e == cudaSuccess)
        e = cudaMemcpy(pj->b, w->bw, (size_t)pj->H * sizeof(float), cudaMemcpyHostToDevice);
    if (e == cudaSuccess)
        e = cudaMemcpy(pj->ones, ones, (size_t)rows * sizeof(float), cudaMemcpyHostToDevice);
    free(ones);
    return e == cudaSuccess ? 0 : rb_gpu_cuda_fail(st, e, "projection weights upload");
}

/* cuBLAS is column-major: row-major xp [rows][H] is the column-major H x rows matrix (ld H), x [rows][I] is I x rows
 * (ld I), and W_0 [H][I] is stored as the I x H matrix W_0^T (ld I), which transa = T turns back into W_0; so the
 * second call computes xp += W_0 x. The first writes the bias as the rank-1 product bw_0 (H x 1) * ones (1 x rows). */
int rb_cudnn_proj_enqueue(const rb_cudnn_proj *pj, const float *x, float *xp, rb_status *st)
{
    const float one = 1.0f, zero = 0.0f;
    cublasStatus_t bs = cublasSgemm(pj->blas, CUBLAS_OP_N, CUBLAS_OP_N, pj->H, pj->rows, 1, &one, pj->b, pj->H,
                                    pj->ones, 1, &zero, xp, pj->H);
    if (bs != CUBLAS_STATUS_SUCCESS)
        return rb_gpu_blas_fail(st, bs, "cublasSgemm (projection bias)");
    bs = cublasSgemm(pj->blas, CUBLAS_OP_T, CUBLAS_OP_N, pj->H, pj->rows, pj->I, &one, pj->w, pj->I, x, pj->I, &one,
                     xp, pj->H);
    return bs == CUBLAS_STATUS_SUCCESS ? 0 : rb_gpu_blas_fail(st, bs, "cublasSgemm (input projection)");
}

void rb_cudnn_proj_free(rb_cudnn_proj *pj)
{
    void *bufs[] = {pj->w, pj->b, pj->ones};
    rb_gpu_free_each(bufs, sizeof bufs / sizeof bufs[0]);
    if (pj->blas)
        cublasDestroy(pj->blas);
    pj->w = pj->b = pj->ones = NULL;
    pj->blas = NULL;
}
