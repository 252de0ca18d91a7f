/* backends/cublas/gpu_blas.c — cuBLAS handle setup shared by the cublas backend and cudnn's input projection:
 * creation, binding to a stream with a math mode, and cuBLAS status formatting. */
#include "gpu_common.h"

int rb_gpu_blas_fail(rb_status *st, cublasStatus_t s, const char *what)
{
    return rb_fail(st, "%s: %s (%d)", what, cublasGetStatusString(s), (int)s);
}

int rb_gpu_blas_create(cublasHandle_t *h, rb_status *st)
{
    cublasStatus_t bs = cublasCreate(h);
    if (bs != CUBLAS_STATUS_SUCCESS) {
        *h = NULL;
        return rb_gpu_blas_fail(st, bs, "cublasCreate");
    }
    return 0;
}

int rb_gpu_blas_bind(cublasHandle_t h, cudaStream_t stream, cublasMath_t math, const char *what_stream,
                     const char *what_math, rb_status *st)
{
    cublasStatus_t bs = cublasSetStream(h, stream);
    if (bs != CUBLAS_STATUS_SUCCESS)
        return rb_gpu_blas_fail(st, bs, what_stream);
    bs = cublasSetMathMode(h, math);
    if (bs != CUBLAS_STATUS_SUCCESS)
        return rb_gpu_blas_fail(st, bs, what_math);
    return 0;
}
