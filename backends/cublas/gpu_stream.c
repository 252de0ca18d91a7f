/* backends/cublas/gpu_stream.c — the measured-run skeleton both GPU backends share: the stream and timing events,
 * freeing device buffers, the CUDA-event timed run (x in, untimed/timed/untimed work, y out) and the head of
 * report() (device description and precision). */
#include <stdio.h>
#include "gpu_common.h"

int rb_gpu_stream_create(cudaStream_t *stream, cudaEvent_t *ev0, cudaEvent_t *ev1, rb_status *st)
{
    cudaError_t e = cudaStreamCreateWithFlags(stream, cudaStreamNonBlocking);
    if (e == cudaSuccess)
        e = cudaEventCreate(ev0);
    if (e == cudaSuccess)
        e = cudaEventCreate(ev1);
    if (e != cudaSuccess)
        return rb_gpu_cuda_fail(st, e, "stream/event creation");
    return 0;
}

void rb_gpu_stream_destroy(cudaStream_t stream, cudaEvent_t ev0, cudaEvent_t ev1)
{
    if (ev0)
        cudaEventDestroy(ev0);
    if (ev1)
        cudaEventDestroy(ev1);
    if (stream)
        cudaStreamDestroy(stream);
}

void rb_gpu_free_each(void *const *bufs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (bufs[i])
            cudaFree(bufs[i]);
}

int rb_gpu_timed_run(const rb_gpu_run *r, const float *x, float *y, double *device_ms, rb_status *st)
{
    RB_GPU_CUDA_TRY(cudaSetDevice(r->dev), "cudaSetDevice");
    RB_GPU_CUDA_TRY(cudaMemcpyAsync(r->dev_x, x, r->nx * sizeof(float), cudaMemcpyHostToDevice, r->stream),
                    "copy x");
    *r->x_on_device = 1;
    if (r->before && r->before(r->ctx, st) != 0) /* before ev0: untimed */
        return -1;
    RB_GPU_CUDA_TRY(cudaEventRecord(r->ev0, r->stream), "cudaEventRecord");
    if (r->timed(r->ctx, st) != 0)
        return -1;
    RB_GPU_CUDA_TRY(cudaEventRecord(r->ev1, r->stream), "cudaEventRecord");
    if (r->after && r->after(r->ctx, st) != 0) /* after ev1: untimed */
        return -1;
    RB_GPU_CUDA_TRY(cudaMemcpyAsync(y, r->dev_y, r->ny * sizeof(float), cudaMemcpyDeviceToHost, r->stream),
                    "copy y");
    RB_GPU_CUDA_TRY(cudaStreamSynchronize(r->stream), "cudaStreamSynchronize");
    float ms = 0.0f;
    RB_GPU_CUDA_TRY(cudaEventElapsedTime(&ms, r->ev0, r->ev1), "cudaEventElapsedTime");
    if (device_ms)
        *device_ms = ms;
    return 0;
}

int rb_gpu_report_head(int dev, const char *desc, rb_gpu_prec prec, rb_metrics *m, rb_status *st)
{
    RB_GPU_CUDA_TRY(cudaSetDevice(dev), "cudaSetDevice");
    snprintf(m->device, sizeof m->device, "%s", desc);
    rb_metrics_extra(m, "precision", "%s", rb_gpu_prec_names[prec]);
    return 0;
}
