/* backends/cublas/cublas_backend.c — the "cublas" backend: the kernel-split execution model on an NVIDIA GPU.
 * One GEMM projects the inputs of all timesteps; then, per step, a cuBLAS GEMV (batch 1, fp32) or GEMM for the
 * recurrent part and one element-wise kernel of our own (cublas_cells.cu), intermediates in GPU memory. Weights
 * are uploaded once in prepare. Timing: CUDA events around the whole-sequence GPU work (copies of x and y
 * excluded). Options: precision=fp32|tf32|fp16 (fp16: weights and GEMM inputs in half, tensor cores, fp32
 * accumulate and fp32 element-wise math), graph=off|on (on: the same kernels captured once into a CUDA graph and
 * replayed, which removes most of the per-kernel launch cost), device=N. */
#include <stdlib.h>
#include <string.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include "backend.h"
#include "cublas_cells.h"
#include "gpu_common.h"
#include "gpu_option_specs.h"

static const char *const graph_modes[] = {"off", "on", NULL};
static const char *const allowed_opts[] = {"precision", "graph", "device", NULL};
#define GRAPH_WORKSPACE_BYTES (32u << 20) /* cuBLAS workspace we own, so capture never allocates */

typedef struct cublas_state {
    rb_problem p;
    int G, H, I, B, T, GH;
    int dev;
    rb_gpu_prec prec;
    cublasHandle_t blas;
    cudaStream_t stream;
    cudaEvent_t ev0, ev1;
    int use_graph;
    void *blas_ws;         /* cuBLAS workspace (graph mode) */
    cudaGraph_t graph;
    cudaGraphExec_t graph_exec;
    void *W, *U;          /* [GH][I], [GH][H]: fp32, or fp16 when prec == fp16 */
    float *bw, *bu;       /* [GH] */
    float *x;             /* [T][B][I] */
    void *x16;            /* fp16 copy of x (fp16 only) */
    float *xp;            /* [T][B][GH] input projections */
    float *hp;            /* [B][GH] recurrent projection of the current step */
    float *y;             /* [T][B][H] */
    float *zero_h;        /* [B][H] zeros: h_{-1} */
    float *c;             /* [B][H] LSTM cell state */
    void *h16;            /* [B][H] fp16 copy of h for the recurrent GEMM (fp16 only) */
    int x_on_device;
    char gpu_name[128];
    char gpu_desc[128];
} cublas_state;

#define BLAS_TRY(call, what)                                                                                       \
    do {                                                                                                           \
        cublasStatus_t s_ = (call);                                                                                \
        if (s_ != CUBLAS_STATUS_SUCCESS)                                                                           \
            return rb_gpu_blas_fail(st, s_, what);                                                                 \
    } while (0)

static int cublas_probe(rb_status *why) { return rb_gpu_probe(why); }

static void cublas_release(void *state)
{
    cublas_state *s = state;
    if (!s)
        return;
    cudaSetDevice(s->dev);
    if (s->graph_exec)
        cudaGraphExecDestroy(s->graph_exec);
    if (s->graph)
        cudaGraphDestroy(s->graph);
    if (s->blas)
        cublasDestroy(s->blas); /* before its workspace is freed */
    void *bufs[] = {s->W, s->U, s->bw, s->bu, s->x, s->x16, s->xp, s->hp, s->y, s->zero_h, s->c, s->h16, s->blas_ws};
    rb_gpu_free_each(bufs, sizeof bufs / sizeof bufs[0]);
    rb_gpu_stream_destroy(s->stream, s->ev0, s->ev1);
    free(s);
}

/* Uploads n fp32 values to dst, converting to fp16 on the device when half is set (staging through tmp). The copy
 * goes on our stream, before the conversion: a cudaMemcpy from pageable memory may return before its DMA has reached
 * the device (CUDA runtime API, "API synchronization behavior"), and our non-blocking stream would not wait for the
 * legacy stream's copy, so a conversion on our stream could read the staging buffer too early. */
static int upload(cublas_state *s, void *dst, const float *src, size_t n, int half, float *tmp, rb_status *st)
{
    RB_GPU_CUDA_TRY(cudaMemcpyAsync(half ? (void *)tmp : dst, src, n * sizeof(float), cudaMemcpyHostToDevice,
                                    s->stream),
                    "copy weights");
    if (half)
        RB_GPU_CUDA_TRY((cudaError_t)rb_gpu_f32_to_f16(tmp, dst, n, s->stream), "fp16 conversion");
    RB_GPU_CUDA_TRY(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize");
    return 0;
}

static int alloc_and_upload(cublas_state *s, const rb_weights *w, rb_status *st)
{
    int half = s->prec == RB_GPU_PREC_FP16;
    size_t el = half ? 2 : sizeof(float);
    size_t nW = (size_t)s->GH * s->I, nU = (size_t)s->GH * s->H, nx = (size_t)s->T * s->B * s->I;
    size_t nh = (size_t)s->B * s->H;
    RB_GPU_CUDA_TRY(cudaMalloc(&s->W, nW * el), "cudaMalloc W");
    RB_GPU_CUDA_TRY(cudaMalloc(&s->U, nU * el), "cudaMalloc U");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->bw, (size_t)s->GH * sizeof(float)), "cudaMalloc bw");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->bu, (size_t)s->GH * sizeof(float)), "cudaMalloc bu");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->x, nx * sizeof(float)), "cudaMalloc x");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->xp, (size_t)s->T * s->B * s->GH * sizeof(float)), "cudaMalloc xp");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->hp, (size_t)s->B * s->GH * sizeof(float)), "cudaMalloc hp");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->y, (size_t)s->T * nh * sizeof(float)), "cudaMalloc y");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->zero_h, nh * sizeof(float)), "cudaMalloc h0");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->c, nh * sizeof(float)), "cudaMalloc c");
    RB_GPU_CUDA_TRY(cudaMemset(s->zero_h, 0, nh * sizeof(float)), "cudaMemset h0");
    if (half) {
        RB_GPU_CUDA_TRY(cudaMalloc(&s->x16, nx * 2), "cudaMalloc x16");
        RB_GPU_CUDA_TRY(cudaMalloc(&s->h16, nh * 2), "cudaMalloc h16");
    }
    /* fp16: weights go up in fp32 through a staging buffer and are converted on the device */
    float *tmp = NULL;
    if (half) {
        size_t n = nW > nU ? nW : nU;
        RB_GPU_CUDA_TRY(cudaMalloc((void **)&tmp, n * sizeof(float)), "cudaMalloc staging");
    }
    int rc = upload(s, s->W, w->W, nW, half, tmp, st);
    if (rc == 0)
        rc = upload(s, s->U, w->U, nU, half, tmp, st);
    if (tmp)
        cudaFree(tmp);
    if (rc != 0)
        return -1;
    RB_GPU_CUDA_TRY(cudaMemcpy(s->bw, w->bw, (size_t)s->GH * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy bw");
    RB_GPU_CUDA_TRY(cudaMemcpy(s->bu, w->bu, (size_t)s->GH * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy bu");
    return 0;
}

static int enqueue_forward(cublas_state *s, rb_status *st);
static int capture_graph(cublas_state *s, rb_status *st);

static int cublas_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state,
                          rb_status *st)
{
    int prec = 0, dev = 0, graph = 0;
    *state = NULL;
    if (rb_gpu_opt_common(opt, allowed_opts, &prec, st) ||
        rb_gpu_opt_choice(opt, "graph", graph_modes, 0, &graph, st) || rb_gpu_opt_device(opt, &dev, st) ||
        rb_gpu_check_shape(p, st))
        return -1;
    cublas_state *s = calloc(1, sizeof *s);
    if (!s)
        return rb_fail(st, "out of memory");
    s->p = *p;
    s->G = rb_cell_gates(p->cell);
    s->H = p->hidden;
    s->I = p->input;
    s->B = p->batch;
    s->T = p->timesteps;
    s->GH = s->G * s->H;
    s->dev = dev;
    s->prec = (rb_gpu_prec)prec;
    s->use_graph = graph;
    int rc = -1;
    if (rb_gpu_select(dev, s->gpu_name, sizeof s->gpu_name, s->gpu_desc, sizeof s->gpu_desc, st) != 0)
        goto out;
    if (rb_gpu_blas_create(&s->blas, st) != 0 || rb_gpu_stream_create(&s->stream, &s->ev0, &s->ev1, st) != 0)
        goto out;
    cublasMath_t math = s->prec == RB_GPU_PREC_TF32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
    if (rb_gpu_blas_bind(s->blas, s->stream, math, "cublasSetStream/MathMode", "cublasSetStream/MathMode", st) != 0)
        goto out;
    if (alloc_and_upload(s, w, st) != 0)
        goto out;
    cudaError_t e = cudaDeviceSynchronize(); /* setup work on the legacy stream is done before our stream starts */
    if (e != cudaSuccess) {
        rb_gpu_cuda_fail(st, e, "cudaDeviceSynchronize");
        goto out;
    }
    if (s->use_graph && capture_graph(s, st) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        cublas_release(s);
    else
        *state = s;
    return rc;
}

/* Enqueues one whole-sequence inference reading s->x, writing s->y. */
static int enqueue_forward(cublas_state *s, rb_status *st)
{
    const float one = 1.0f, zero = 0.0f;
    int half = s->prec == RB_GPU_PREC_FP16;
    cudaDataType wt = half ? CUDA_R_16F : CUDA_R_32F;
    cublasComputeType_t ct = s->prec == RB_GPU_PREC_TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    size_t nh = (size_t)s->B * s->H;
    const void *xin = s->x;
    if (s->p.cell == RB_CELL_LSTM)
        RB_GPU_CUDA_TRY(cudaMemsetAsync(s->c, 0, nh * sizeof(float), s->stream), "cudaMemsetAsync c");
    if (half) {
        RB_GPU_CUDA_TRY(cudaMemsetAsync(s->h16, 0, nh * 2, s->stream), "cudaMemsetAsync h16");
        RB_GPU_CUDA_TRY((cudaError_t)rb_gpu_f32_to_f16(s->x, s->x16, (size_t)s->T * s->B * s->I, s->stream),
                        "fp16 conversion of x");
        xin = s->x16;
    }
    /* Row-major XP[T*B][GH] = X[T*B][I] * W^T; in cuBLAS's column-major terms XP^T = W^T(op T on W) * X^T. */
    BLAS_TRY(cublasGemmEx(s->blas, CUBLAS_OP_T, CUBLAS_OP_N, s->GH, s->T * s->B, s->I, &one, s->W, wt, s->I, xin,
                          wt, s->I, &zero, s->xp, CUDA_R_32F, s->GH, ct, CUBLAS_GEMM_DEFAULT),
             "input projection GEMM");
    for (int t = 0; t < s->T; t++) {
        const float *hprev = t ? s->y + (size_t)(t - 1) * nh : s->zero_h;
        if (s->prec == RB_GPU_PREC_FP32 && s->B == 1)
            BLAS_TRY(cublasSgemv(s->blas, CUBLAS_OP_T, s->H, s->GH, &one, (const float *)s->U, s->H, hprev, 1, &zero,
                                 s->hp, 1),
                     "recurrent GEMV");
        else
            BLAS_TRY(cublasGemmEx(s->blas, CUBLAS_OP_T, CUBLAS_OP_N, s->GH, s->B, s->H, &one, s->U, wt, s->H,
                                  half ? (const void *)s->h16 : (const void *)hprev, wt, s->H, &zero, s->hp,
                                  CUDA_R_32F, s->GH, ct, CUBLAS_GEMM_DEFAULT),
                     "recurrent GEMM");
        int e = rb_cublas_cell_step((int)s->p.cell, s->B, s->H, s->xp + (size_t)t * s->B * s->GH, s->hp, s->bw,
                                    s->bu, hprev, s->c, s->y + (size_t)t * nh, half ? s->h16 : NULL, s->stream);
        if (e)
            return rb_gpu_cuda_fail(st, e, "element-wise step kernel");
    }
    return 0;
}

/* Graph mode: one eager inference (cuBLAS picks and loads its kernels), then the same sequence captured. */
static int capture_graph(cublas_state *s, rb_status *st)
{
    RB_GPU_CUDA_TRY(cudaMalloc(&s->blas_ws, GRAPH_WORKSPACE_BYTES), "cudaMalloc cuBLAS workspace");
    BLAS_TRY(cublasSetWorkspace(s->blas, s->blas_ws, GRAPH_WORKSPACE_BYTES), "cublasSetWorkspace");
    RB_GPU_CUDA_TRY(cudaMemsetAsync(s->x, 0, (size_t)s->T * s->B * s->I * sizeof(float), s->stream),
                    "cudaMemsetAsync x");
    if (enqueue_forward(s, st) != 0)
        return -1;
    RB_GPU_CUDA_TRY(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize");
    RB_GPU_CUDA_TRY(cudaStreamBeginCapture(s->stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
    int rc = enqueue_forward(s, st);
    cudaGraph_t g = NULL;
    cudaError_t e = cudaStreamEndCapture(s->stream, &g);
    s->graph = g;
    if (rc != 0)
        return -1;
    RB_GPU_CUDA_TRY(e, "cudaStreamEndCapture");
    RB_GPU_CUDA_TRY(cudaGraphInstantiate(&s->graph_exec, s->graph, 0), "cudaGraphInstantiate");
    return 0;
}

/* One inference on the stream: the captured graph, or the kernels one by one. */
static int launch_forward(cublas_state *s, rb_status *st)
{
    if (s->graph_exec) {
        RB_GPU_CUDA_TRY(cudaGraphLaunch(s->graph_exec, s->stream), "cudaGraphLaunch");
        return 0;
    }
    return enqueue_forward(s, st);
}

static int launch_timed(void *ctx, rb_status *st) { return launch_forward(ctx, st); }

static int cublas_run(void *state, const float *x, float *y, double *device_ms, rb_status *st)
{
    cublas_state *s = state;
    const rb_gpu_run r = {.dev = s->dev, .stream = s->stream, .ev0 = s->ev0, .ev1 = s->ev1, .dev_x = s->x,
                          .nx = (size_t)s->T * s->B * s->I, .dev_y = s->y, .ny = (size_t)s->T * s->B * s->H,
                          .x_on_device = &s->x_on_device, .timed = launch_timed, .ctx = s};
    return rb_gpu_timed_run(&r, x, y, device_ms, st);
}

static int infer_once(void *ctx, rb_status *st)
{
    cublas_state *s = ctx;
    if (launch_forward(s, st) != 0)
        return -1;
    RB_GPU_CUDA_TRY(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize");
    return 0;
}

static int cublas_report(void *state, const float *x, rb_metrics *m, rb_status *st)
{
    cublas_state *s = state;
    if (rb_gpu_report_head(s->dev, s->gpu_desc, s->prec, m, st) != 0)
        return -1;
    int ver = 0;
    cublasGetVersion(s->blas, &ver);
    rb_metrics_extra(m, "cublas_version", "%d", ver);
    rb_metrics_extra(m, "graph", "%s", s->use_graph ? "on (CUDA graph replay)" : "off (kernels launched one by one)");
    rb_metrics_extra(m, "recurrent_kernel", "%s",
                     s->prec == RB_GPU_PREC_FP32 && s->B == 1 ? "cublasSgemv" : "cublasGemmEx");
    rb_metrics_extra(m, "timing", "%s", RB_GPU_TIMING_NOTE);
    rb_gpu_fill_datasheet(s->gpu_name, s->prec, m);
    size_t nx = (size_t)s->T * s->B * s->I;
    /* on our stream: it does not synchronise with the legacy stream that cudaMemcpy would use */
    if (x) {
        RB_GPU_CUDA_TRY(cudaMemcpyAsync(s->x, x, nx * sizeof(float), cudaMemcpyHostToDevice, s->stream), "copy x");
        s->x_on_device = 1;
    }
    if (!s->x_on_device)
        RB_GPU_CUDA_TRY(cudaMemsetAsync(s->x, 0, nx * sizeof(float), s->stream), "cudaMemset x");
    RB_GPU_CUDA_TRY(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize");
    return rb_gpu_energy_window(s->dev, infer_once, s, 1.0, m, st);
}

static int cublas_config(const rb_options *opt, char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int max)
{
    const char *graph = rb_opt_get(opt, "graph");
    int n = rb_gpu_config_head(opt, key, val, max, "cublas_headers", CUBLAS_VERSION);
    n = rb_gpu_config_add(key, val, n, max, "graph", graph ? graph : "off");
    return rb_gpu_config_add(key, val, n, max, "model",
                             "input GEMM for all steps; per step GEMV/GEMM + element-wise kernel");
}

const rb_backend rb_backend_cublas = {
    .name = "cublas",
    .summary = "NVIDIA GPU, kernel-split: cuBLAS GEMMs + own element-wise CUDA kernels (precision=fp32|tf32|fp16, "
               "graph=off|on)",
    .kind = RB_MEASURED,
    .probe = cublas_probe,
    .prepare = cublas_prepare,
    .run = cublas_run,
    .report = cublas_report,
    .release = cublas_release,
    .config = cublas_config,
    .options = rb_gpu_cublas_options,
    .error_bound = rb_gpu_error_bound,
};
