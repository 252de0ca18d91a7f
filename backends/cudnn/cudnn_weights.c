/* backends/cudnn/cudnn_weights.c — maps rnnbench's W/U/bw/bu (gate-blocked, row-major) onto the matrices and biases
 * cudnnGetRNNWeightParams points at, checking every size cuDNN reports before copying. */
#include <cuda_runtime_api.h>
#include "cudnn_weights.h"
#include "gpu_common.h"

/* Element count described by a tensor descriptor; 0 on error. */
static size_t desc_elems(cudnnTensorDescriptor_t d)
{
    int dims[8], strides[8], nb = 0;
    cudnnDataType_t dt;
    if (cudnnGetTensorNdDescriptor(d, 8, &dt, &nb, dims, strides) != CUDNN_STATUS_SUCCESS || nb <= 0 || nb > 8)
        return 0;
    size_t n = 1;
    for (int i = 0; i < nb; i++)
        n *= (size_t)dims[i];
    return n;
}

/* Copies n fp32 values to dst (converted to fp16 through staging when half is set), all on `stream` and waited for:
 * a cudaMemcpy from pageable memory on the legacy stream may return before its DMA is done, and the backend's
 * non-blocking stream would not wait for it before the conversion (nor for a legacy-stream memset before the copy). */
static int copy_in(void *dst, const float *src, size_t n, int half, float *staging, cudaStream_t stream,
                   rb_status *st)
{
    cudaError_t e = cudaMemcpyAsync(half ? (void *)staging : dst, src, n * sizeof(float), cudaMemcpyHostToDevice,
                                    stream);
    if (e == cudaSuccess && half)
        e = (cudaError_t)rb_gpu_f32_to_f16(staging, dst, n, stream);
    if (e == cudaSuccess)
        e = cudaStreamSynchronize(stream);
    return e == cudaSuccess ? 0 : rb_gpu_cuda_fail(st, e, half ? "fp16 weight upload" : "weight upload");
}

static int load_one(cudnnHandle_t h, cudnnRNNDescriptor_t rnn, void *space, size_t bytes, const rb_weights *w,
                    int lin, int skip_input, int half, float *staging, cudaStream_t stream,
                    cudnnTensorDescriptor_t md, cudnnTensorDescriptor_t bd, rb_status *st)
{
    int G = w->gates, H = w->hidden, I = w->input;
    int rec = lin >= G, g = lin % G;
    if (!rec && skip_input) /* no input matrix; the input bias stays 0 (bw is folded into the projected input) */
        return 0;
    void *maddr = NULL, *baddr = NULL;
    cudnnStatus_t cs = cudnnGetRNNWeightParams(h, rnn, 0, bytes, space, lin, md, &maddr, bd, &baddr);
    if (cs != CUDNN_STATUS_SUCCESS)
        return rb_fail(st, "cudnnGetRNNWeightParams(linLayerID %d): %s", lin, cudnnGetErrorString(cs));
    size_t cols = rec ? (size_t)H : (size_t)I;
    const float *msrc = rec ? w->U + (size_t)g * H * H : w->W + (size_t)g * H * I;
    const float *bsrc = rec ? w->bu + (size_t)g * H : w->bw + (size_t)g * H;
    if (!maddr)
        return rb_fail(st, "cuDNN gave no matrix for linLayerID %d", lin);
    size_t n = desc_elems(md);
    if (n != (size_t)H * cols)
        return rb_fail(st, "cuDNN matrix linLayerID %d has %zu elements, expected %zu", lin, n, (size_t)H * cols);
    if (copy_in(maddr, msrc, n, half, staging, stream, st) != 0)
        return -1;
    if (!baddr)
        return rb_fail(st, "cuDNN gave no bias for linLayerID %d", lin);
    size_t nb = desc_elems(bd);
    if (nb != (size_t)H)
        return rb_fail(st, "cuDNN bias linLayerID %d has %zu elements, expected %d", lin, nb, H);
    return copy_in(baddr, bsrc, nb, half, staging, stream, st);
}

int rb_cudnn_load_weights(cudnnHandle_t h, cudnnRNNDescriptor_t rnn, void *space, size_t space_bytes,
                          const rb_weights *w, int skip_input, int half, cudaStream_t stream, rb_status *st)
{
    cudnnTensorDescriptor_t md = NULL, bd = NULL;
    float *staging = NULL;
    int rc = -1;
    size_t big = (size_t)w->hidden * (size_t)(w->input > w->hidden ? w->input : w->hidden);
    if (cudnnCreateTensorDescriptor(&md) != CUDNN_STATUS_SUCCESS ||
        cudnnCreateTensorDescriptor(&bd) != CUDNN_STATUS_SUCCESS) {
        rb_fail(st, "cudnnCreateTensorDescriptor failed");
        goto out;
    }
    if (half) {
        cudaError_t e = cudaMalloc((void **)&staging, big * sizeof(float));
        if (e != cudaSuccess) {
            staging = NULL;
            rb_gpu_cuda_fail(st, e, "cudaMalloc staging");
            goto out;
        }
    }
    /* zero first: anything we do not write (none expected) is then a defined 0 */
    cudaError_t e = cudaMemsetAsync(space, 0, space_bytes, stream); /* ordered before the copies on stream */
    if (e != cudaSuccess) {
        rb_gpu_cuda_fail(st, e, "cudaMemset weight space");
        goto out;
    }
    for (int lin = 0; lin < 2 * w->gates; lin++)
        if (load_one(h, rnn, space, space_bytes, w, lin, skip_input, half, staging, stream, md, bd, st) != 0)
            goto out;
    rc = 0;
out:
    if (staging)
        cudaFree(staging);
    if (md)
        cudnnDestroyTensorDescriptor(md);
    if (bd)
        cudnnDestroyTensorDescriptor(bd);
    return rc;
}
