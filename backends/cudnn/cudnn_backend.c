/* backends/cudnn/cudnn_backend.c — the "cudnn" backend: cuDNN 9's RNN API (cudnnSetRNNDescriptor_v8 +
 * cudnnRNNForward in inference mode), one layer, unidirectional, as DeepBench's GPU baseline but on the current API.
 * Options: input=full|skip (skip = CUDNN_SKIP_INPUT, DeepBench's mode: x_t is taken as already projected and added
 * to every gate, the problem's W is ignored and input must equal hidden), algo=standard|persist-static|
 * persist-dynamic|persist-static-small-h, precision=fp32|tf32|fp16, device=N. Timing: CUDA events around the GPU
 * work of one whole-sequence inference (fp16 conversions of x and y included, host copies excluded). */
#include <stdio.h>
#include <stdlib.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include "backend.h"
#include "cudnn_weights.h"
#include "gpu_common.h"

static const char *const precisions[] = {"fp32", "tf32", "fp16", NULL}; /* indices = rb_gpu_prec */
static const char *const inputs[] = {"full", "skip", NULL};
static const char *const algos[] = {"standard", "persist-static", "persist-dynamic", "persist-static-small-h", NULL};
static const cudnnRNNAlgo_t algo_ids[] = {CUDNN_RNN_ALGO_STANDARD, CUDNN_RNN_ALGO_PERSIST_STATIC,
                                          CUDNN_RNN_ALGO_PERSIST_DYNAMIC, CUDNN_RNN_ALGO_PERSIST_STATIC_SMALL_H};
static const char *const allowed_opts[] = {"input", "algo", "precision", "device", NULL};

typedef struct cudnn_state {
    int H, I, B, T;
    int dev, skip, algo, half;
    rb_gpu_prec prec;
    const char *math_name;
    cudnnHandle_t dnn;
    cudnnRNNDescriptor_t rnn;
    cudnnDropoutDescriptor_t dropout; /* dropout 0, no RNG states: one layer, inference */
    cudnnRNNDataDescriptor_t xdesc, ydesc;
    cudnnTensorDescriptor_t hdesc, cdesc;
    cudaStream_t stream;
    cudaEvent_t ev0, ev1;
    void *wspace;
    size_t wbytes;
    void *work;
    size_t work_bytes;
    int32_t *dev_seq; /* [B] sequence lengths on the device (cudnnRNNForward reads them asynchronously) */
    float *x32, *y32; /* fp32 x [T][B][I] and y [T][B][H] on the device */
    void *x, *y;      /* what cuDNN reads/writes: x32/y32, or fp16 copies */
    int x_on_device;
    char gpu_name[128];
    char gpu_desc[128];
} cudnn_state;

#define CUDA_TRY(call, what)                                                                                       \
    do {                                                                                                           \
        cudaError_t e_ = (call);                                                                                   \
        if (e_ != cudaSuccess)                                                                                     \
            return rb_gpu_cuda_fail(st, e_, what);                                                                 \
    } while (0)
#define DNN_TRY(call, what)                                                                                        \
    do {                                                                                                           \
        cudnnStatus_t s_ = (call);                                                                                 \
        if (s_ != CUDNN_STATUS_SUCCESS)                                                                            \
            return rb_fail(st, "%s: %s (%d)", what, cudnnGetErrorString(s_), (int)s_);                             \
    } while (0)

static int cudnn_probe(rb_status *why)
{
    if (rb_gpu_probe(why) != 0)
        return -1;
    size_t v = cudnnGetVersion();
    if (v / 10000 != CUDNN_MAJOR)
        return rb_fail(why, "cuDNN library version %zu does not match the headers (%d)", v, CUDNN_VERSION);
    return 0;
}

static void cudnn_release(void *state)
{
    cudnn_state *s = state;
    if (!s)
        return;
    cudaSetDevice(s->dev);
    void *bufs[] = {s->wspace, s->work, s->dev_seq, s->x32, s->y32, s->half ? s->x : NULL, s->half ? s->y : NULL};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        if (bufs[i])
            cudaFree(bufs[i]);
    if (s->xdesc)
        cudnnDestroyRNNDataDescriptor(s->xdesc);
    if (s->ydesc)
        cudnnDestroyRNNDataDescriptor(s->ydesc);
    if (s->hdesc)
        cudnnDestroyTensorDescriptor(s->hdesc);
    if (s->cdesc)
        cudnnDestroyTensorDescriptor(s->cdesc);
    if (s->rnn)
        cudnnDestroyRNNDescriptor(s->rnn);
    if (s->dropout)
        cudnnDestroyDropoutDescriptor(s->dropout);
    if (s->dnn)
        cudnnDestroy(s->dnn);
    if (s->ev0)
        cudaEventDestroy(s->ev0);
    if (s->ev1)
        cudaEventDestroy(s->ev1);
    if (s->stream)
        cudaStreamDestroy(s->stream);
    free(s);
}

static cudnnRNNMode_t cell_mode(rb_cell c)
{
    return c == RB_CELL_LSTM ? CUDNN_LSTM : c == RB_CELL_GRU ? CUDNN_GRU : CUDNN_RNN_TANH;
}

/* RNN descriptor for the problem; fp32 asks for FMA-only math first and falls back to the default math. */
static int make_rnn(cudnn_state *s, const rb_problem *p, rb_status *st)
{
    cudnnDataType_t dt = s->half ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
    cudnnMathType_t tries[2];
    const char *names[2];
    int n = 0;
    if (s->prec == RB_GPU_PREC_FP16) {
        tries[n] = CUDNN_TENSOR_OP_MATH, names[n++] = "tensor-op (fp16, fp32 accumulate)";
    } else if (s->prec == RB_GPU_PREC_TF32) {
        tries[n] = CUDNN_DEFAULT_MATH, names[n++] = "default (TF32 tensor cores permitted)";
    } else {
        tries[n] = CUDNN_FMA_MATH, names[n++] = "fma (strict fp32)";
        tries[n] = CUDNN_DEFAULT_MATH, names[n++] = "default (fma math refused)";
    }
    DNN_TRY(cudnnCreateDropoutDescriptor(&s->dropout), "cudnnCreateDropoutDescriptor");
    DNN_TRY(cudnnSetDropoutDescriptor(s->dropout, s->dnn, 0.0f, NULL, 0, 0), "cudnnSetDropoutDescriptor");
    DNN_TRY(cudnnCreateRNNDescriptor(&s->rnn), "cudnnCreateRNNDescriptor");
    cudnnStatus_t cs = CUDNN_STATUS_BAD_PARAM;
    for (int i = 0; i < n && cs != CUDNN_STATUS_SUCCESS; i++) {
        cs = cudnnSetRNNDescriptor_v8(s->rnn, algo_ids[s->algo], cell_mode(p->cell), CUDNN_RNN_DOUBLE_BIAS,
                                      CUDNN_UNIDIRECTIONAL, s->skip ? CUDNN_SKIP_INPUT : CUDNN_LINEAR_INPUT, dt,
                                      CUDNN_DATA_FLOAT, tries[i], s->I, s->H, s->H, 1, s->dropout,
                                      CUDNN_RNN_PADDED_IO_DISABLED);
        s->math_name = names[i];
    }
    DNN_TRY(cs, "cudnnSetRNNDescriptor_v8");
    if (algo_ids[s->algo] == CUDNN_RNN_ALGO_PERSIST_DYNAMIC)
        DNN_TRY(cudnnBuildRNNDynamic(s->dnn, s->rnn, s->B), "cudnnBuildRNNDynamic");
    return 0;
}

/* Data and state descriptors: packed sequence-major with every sequence T long, which is exactly [T][B][vec]. */
static int make_descs(cudnn_state *s, rb_status *st)
{
    cudnnDataType_t dt = s->half ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
    int *lens = malloc((size_t)s->B * sizeof *lens);
    if (!lens)
        return rb_fail(st, "out of memory");
    for (int b = 0; b < s->B; b++)
        lens[b] = s->T;
    cudnnStatus_t cs = cudnnCreateRNNDataDescriptor(&s->xdesc);
    if (cs == CUDNN_STATUS_SUCCESS)
        cs = cudnnCreateRNNDataDescriptor(&s->ydesc);
    if (cs == CUDNN_STATUS_SUCCESS)
        cs = cudnnSetRNNDataDescriptor(s->xdesc, dt, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, s->T, s->B, s->I, lens,
                                       NULL);
    if (cs == CUDNN_STATUS_SUCCESS)
        cs = cudnnSetRNNDataDescriptor(s->ydesc, dt, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, s->T, s->B, s->H, lens,
                                       NULL);
    cudaError_t e = cudaSuccess;
    if (cs == CUDNN_STATUS_SUCCESS) {
        e = cudaMalloc((void **)&s->dev_seq, (size_t)s->B * sizeof(int32_t));
        if (e == cudaSuccess)
            e = cudaMemcpy(s->dev_seq, lens, (size_t)s->B * sizeof(int32_t), cudaMemcpyHostToDevice);
    }
    free(lens);
    DNN_TRY(cs, "RNN data descriptors");
    CUDA_TRY(e, "sequence lengths upload");
    int dims[3] = {1, s->B, s->H}, strides[3] = {s->B * s->H, s->H, 1};
    DNN_TRY(cudnnCreateTensorDescriptor(&s->hdesc), "cudnnCreateTensorDescriptor");
    DNN_TRY(cudnnCreateTensorDescriptor(&s->cdesc), "cudnnCreateTensorDescriptor");
    DNN_TRY(cudnnSetTensorNdDescriptor(s->hdesc, dt, 3, dims, strides), "h descriptor");
    DNN_TRY(cudnnSetTensorNdDescriptor(s->cdesc, dt, 3, dims, strides), "c descriptor");
    return 0;
}

static int make_buffers(cudnn_state *s, const rb_weights *w, rb_status *st)
{
    size_t nx = (size_t)s->T * s->B * s->I, ny = (size_t)s->T * s->B * s->H, reserve = 0;
    DNN_TRY(cudnnGetRNNWeightSpaceSize(s->dnn, s->rnn, &s->wbytes), "cudnnGetRNNWeightSpaceSize");
    DNN_TRY(cudnnGetRNNTempSpaceSizes(s->dnn, s->rnn, CUDNN_FWD_MODE_INFERENCE, s->xdesc, &s->work_bytes, &reserve),
            "cudnnGetRNNTempSpaceSizes");
    CUDA_TRY(cudaMalloc(&s->wspace, s->wbytes), "cudaMalloc weight space");
    if (s->work_bytes)
        CUDA_TRY(cudaMalloc(&s->work, s->work_bytes), "cudaMalloc workspace");
    CUDA_TRY(cudaMalloc((void **)&s->x32, nx * sizeof(float)), "cudaMalloc x");
    CUDA_TRY(cudaMalloc((void **)&s->y32, ny * sizeof(float)), "cudaMalloc y");
    s->x = s->x32;
    s->y = s->y32;
    if (s->half) {
        s->x = s->y = NULL;
        CUDA_TRY(cudaMalloc(&s->x, nx * 2), "cudaMalloc x16");
        CUDA_TRY(cudaMalloc(&s->y, ny * 2), "cudaMalloc y16");
    }
    return rb_cudnn_load_weights(s->dnn, s->rnn, s->wspace, s->wbytes, w, s->skip, s->half, s->stream, st);
}

static int cudnn_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state,
                         rb_status *st)
{
    int prec = 0, skip = 0, algo = 0, dev = 0;
    *state = NULL;
    if (rb_gpu_opt_check(opt, allowed_opts, st) || rb_gpu_opt_choice(opt, "precision", precisions, 0, &prec, st) ||
        rb_gpu_opt_choice(opt, "input", inputs, 0, &skip, st) || rb_gpu_opt_choice(opt, "algo", algos, 0, &algo, st) ||
        rb_gpu_opt_device(opt, &dev, st))
        return -1;
    if (p->hidden <= 0 || p->input <= 0 || p->batch <= 0 || p->timesteps <= 0)
        return rb_fail(st, "invalid problem shape");
    if (skip && p->input != p->hidden)
        return rb_fail(st, "input=skip (CUDNN_SKIP_INPUT) needs input size == hidden size, got %d vs %d", p->input,
                       p->hidden);
    cudnn_state *s = calloc(1, sizeof *s);
    if (!s)
        return rb_fail(st, "out of memory");
    s->H = p->hidden;
    s->I = p->input;
    s->B = p->batch;
    s->T = p->timesteps;
    s->dev = dev;
    s->skip = skip;
    s->algo = algo;
    s->prec = (rb_gpu_prec)prec;
    s->half = s->prec == RB_GPU_PREC_FP16;
    int rc = -1;
    if (rb_gpu_select(dev, s->gpu_name, sizeof s->gpu_name, s->gpu_desc, sizeof s->gpu_desc, st) != 0)
        goto out;
    cudnnStatus_t cs = cudnnCreate(&s->dnn);
    if (cs != CUDNN_STATUS_SUCCESS) {
        s->dnn = NULL;
        rb_fail(st, "cudnnCreate: %s", cudnnGetErrorString(cs));
        goto out;
    }
    cudaError_t e = cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking);
    if (e == cudaSuccess)
        e = cudaEventCreate(&s->ev0);
    if (e == cudaSuccess)
        e = cudaEventCreate(&s->ev1);
    if (e != cudaSuccess) {
        rb_gpu_cuda_fail(st, e, "stream/event creation");
        goto out;
    }
    cs = cudnnSetStream(s->dnn, s->stream);
    if (cs != CUDNN_STATUS_SUCCESS) {
        rb_fail(st, "cudnnSetStream: %s", cudnnGetErrorString(cs));
        goto out;
    }
    if (make_rnn(s, p, st) != 0 || make_descs(s, st) != 0 || make_buffers(s, w, st) != 0)
        goto out;
    e = cudaDeviceSynchronize(); /* setup work on the legacy stream is done before our stream starts */
    if (e != cudaSuccess) {
        rb_gpu_cuda_fail(st, e, "cudaDeviceSynchronize");
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        cudnn_release(s);
    else
        *state = s;
    return rc;
}

/* Enqueues one inference from s->x32 to s->y32. */
static int enqueue_forward(cudnn_state *s, rb_status *st)
{
    size_t nx = (size_t)s->T * s->B * s->I, ny = (size_t)s->T * s->B * s->H;
    if (s->half)
        CUDA_TRY((cudaError_t)rb_gpu_f32_to_f16(s->x32, s->x, nx, s->stream), "fp16 conversion of x");
    DNN_TRY(cudnnRNNForward(s->dnn, s->rnn, CUDNN_FWD_MODE_INFERENCE, s->dev_seq, s->xdesc, s->x, s->ydesc, s->y,
                            s->hdesc, NULL, NULL, s->cdesc, NULL, NULL, s->wbytes, s->wspace, s->work_bytes, s->work,
                            0, NULL),
            "cudnnRNNForward");
    if (s->half)
        CUDA_TRY((cudaError_t)rb_gpu_f16_to_f32(s->y, s->y32, ny, s->stream), "fp32 conversion of y");
    return 0;
}

static int cudnn_run(void *state, const float *x, float *y, double *device_ms, rb_status *st)
{
    cudnn_state *s = state;
    size_t nx = (size_t)s->T * s->B * s->I, ny = (size_t)s->T * s->B * s->H;
    CUDA_TRY(cudaSetDevice(s->dev), "cudaSetDevice");
    CUDA_TRY(cudaMemcpyAsync(s->x32, x, nx * sizeof(float), cudaMemcpyHostToDevice, s->stream), "copy x");
    s->x_on_device = 1;
    CUDA_TRY(cudaEventRecord(s->ev0, s->stream), "cudaEventRecord");
    if (enqueue_forward(s, st) != 0)
        return -1;
    CUDA_TRY(cudaEventRecord(s->ev1, s->stream), "cudaEventRecord");
    CUDA_TRY(cudaMemcpyAsync(y, s->y32, ny * sizeof(float), cudaMemcpyDeviceToHost, s->stream), "copy y");
    CUDA_TRY(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize");
    float ms = 0.0f;
    CUDA_TRY(cudaEventElapsedTime(&ms, s->ev0, s->ev1), "cudaEventElapsedTime");
    if (device_ms)
        *device_ms = ms;
    return 0;
}

static int infer_once(void *ctx, rb_status *st)
{
    cudnn_state *s = ctx;
    if (enqueue_forward(s, st) != 0)
        return -1;
    CUDA_TRY(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize");
    return 0;
}

static int cudnn_report(void *state, const float *x, rb_metrics *m, rb_status *st)
{
    cudnn_state *s = state;
    CUDA_TRY(cudaSetDevice(s->dev), "cudaSetDevice");
    snprintf(m->device, sizeof m->device, "%s", s->gpu_desc);
    rb_metrics_extra(m, "precision", "%s", precisions[s->prec]);
    rb_metrics_extra(m, "math", "%s", s->math_name);
    rb_metrics_extra(m, "input_mode", "%s",
                     s->skip ? "skip (CUDNN_SKIP_INPUT, DeepBench)" : "full (CUDNN_LINEAR_INPUT)");
    rb_metrics_extra(m, "algo", "%s", algos[s->algo]);
    rb_metrics_extra(m, "cudnn_version", "%zu", cudnnGetVersion());
    rb_metrics_extra(m, "timing", "CUDA events around the whole-sequence GPU work; x/y copies excluded");
    if (s->skip)
        rb_metrics_extra(m, "reference_check",
                         "skip input ignores W: error vs the full reference is not meaningful; checked by "
                         "gpu-selftest with W = stacked identities");
    rb_gpu_fill_datasheet(s->gpu_name, s->prec, m);
    if (x) {
        CUDA_TRY(cudaMemcpy(s->x32, x, (size_t)s->T * s->B * s->I * sizeof(float), cudaMemcpyHostToDevice), "copy x");
        s->x_on_device = 1;
    }
    if (!s->x_on_device)
        CUDA_TRY(cudaMemset(s->x32, 0, (size_t)s->T * s->B * s->I * sizeof(float)), "cudaMemset x");
    return rb_gpu_energy_window(s->dev, infer_once, s, 1.0, m, st);
}

static int cudnn_config(const rb_options *opt, char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int max)
{
    const char *prec = rb_opt_get(opt, "precision"), *in = rb_opt_get(opt, "input"), *algo = rb_opt_get(opt, "algo");
    char buf[32];
    snprintf(buf, sizeof buf, "%d", CUDNN_VERSION);
    int n = rb_gpu_config_common(key, val, 0, max);
    n = rb_gpu_config_add(key, val, n, max, "cudnn_headers", buf);
    n = rb_gpu_config_add(key, val, n, max, "precision", prec ? prec : "fp32");
    n = rb_gpu_config_add(key, val, n, max, "input", in ? in : "full");
    n = rb_gpu_config_add(key, val, n, max, "algo", algo ? algo : "standard");
    return rb_gpu_config_add(key, val, n, max, "api", "cudnnSetRNNDescriptor_v8 + cudnnRNNForward (inference)");
}

const rb_backend rb_backend_cudnn = {
    .name = "cudnn",
    .summary = "NVIDIA GPU, cuDNN 9 RNN API (input=full|skip, algo=standard|persist-*, precision=fp32|tf32|fp16)",
    .kind = RB_MEASURED,
    .probe = cudnn_probe,
    .prepare = cudnn_prepare,
    .run = cudnn_run,
    .report = cudnn_report,
    .release = cudnn_release,
    .config = cudnn_config,
};
