/* backends/cudnn/cudnn_backend.c — the "cudnn" backend: cuDNN 9's RNN API (cudnnSetRNNDescriptor_v8 +
 * cudnnRNNForward in inference mode), one layer, unidirectional, as DeepBench's GPU baseline but on the current API.
 * Options: input=full|skip, algo=standard|persist-static|persist-dynamic|persist-static-small-h,
 * precision=fp32|tf32|fp16, device=N. Timing: CUDA events around the GPU work of one whole-sequence inference (fp16
 * conversions of cuDNN's input and of y included, host copies excluded).
 * input=skip is DeepBench's mode (CUDNN_SKIP_INPUT): cuDNN adds an H-wide input vector, unprojected, to every gate,
 * so only the recurrent part is timed. Like the spatial backend we compute the input projection untimed first
 * (cudnn_project.c: x' = W_0 x + bw_0, gate 0's block) and time the skip-input run on x'. For a vanilla cell (one
 * gate) that run is the full model and gives y. For LSTM/GRU one vector for all gates cannot carry the per-gate
 * projections W_g x, so skip is a timing mode there: y comes from a second, full-input net (CUDNN_LINEAR_INPUT, same
 * precision, algo standard) run untimed after the timed one; its input biases are the real bw, the skip net's are
 * 0 (bw_0 is in x'), so every output holds bw + bu exactly once. See README.md. */
#include <stdlib.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include "backend.h"
#include "cudnn_project.h"
#include "cudnn_weights.h"
#include "gpu_common.h"
#include "gpu_option_specs.h"

static const char *const inputs[] = {"full", "skip", NULL};
static const char *const algos[] = {"standard", "persist-static", "persist-dynamic", "persist-static-small-h", NULL};
static const cudnnRNNAlgo_t algo_ids[] = {CUDNN_RNN_ALGO_STANDARD, CUDNN_RNN_ALGO_PERSIST_STATIC,
                                          CUDNN_RNN_ALGO_PERSIST_DYNAMIC, CUDNN_RNN_ALGO_PERSIST_STATIC_SMALL_H};
static const char *const allowed_opts[] = {"input", "algo", "precision", "device", NULL};

/* One cuDNN RNN with its weights and input: the timed net, or input=skip's full-input output net. */
typedef struct cudnn_net {
    cudnnRNNDescriptor_t rnn;
    cudnnRNNDataDescriptor_t xdesc;
    int skip;  /* CUDNN_SKIP_INPUT (input width H) or CUDNN_LINEAR_INPUT (input width I) */
    int width; /* input vector size cuDNN reads */
    void *wspace;
    size_t wbytes;
    float *in32; /* fp32 input on the device: the state's x32 or xp32 (not owned) */
    void *in;    /* what cuDNN reads: in32, or an owned fp16 copy */
    const char *math_name;
} cudnn_net;

typedef struct cudnn_state {
    int H, I, B, T, G;
    int dev, skip, algo, half;
    rb_gpu_prec prec;
    cudnnHandle_t dnn;
    cudnnDropoutDescriptor_t dropout; /* dropout 0, no RNG states: one layer, inference */
    cudnn_net timed;                  /* what runs between the CUDA events */
    cudnn_net out;                    /* input=skip with G > 1: the untimed full-input net whose y is returned */
    int has_out;
    int *lens;                        /* [B] sequence lengths, all T */
    cudnnRNNDataDescriptor_t ydesc;
    cudnnTensorDescriptor_t hdesc, cdesc;
    cudaStream_t stream;
    cudaEvent_t ev0, ev1;
    void *work; /* workspace shared by the nets (the larger size) */
    size_t work_bytes;
    int32_t *dev_seq; /* [B] sequence lengths on the device (cudnnRNNForward reads them asynchronously) */
    float *x32;       /* x [T][B][I] on the device */
    float *xp32;      /* input=skip: projected x' [T][B][H] */
    float *y32;       /* y [T][B][H] */
    void *y;          /* what cuDNN writes: y32, or an fp16 copy */
    rb_cudnn_proj proj; /* input=skip: the projection (zeroed otherwise) */
    int x_on_device;
    char gpu_name[128];
    char gpu_desc[128];
} cudnn_state;

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

static void net_release(cudnn_net *net, int half)
{
    if (half && net->in)
        cudaFree(net->in);
    if (net->wspace)
        cudaFree(net->wspace);
    if (net->xdesc)
        cudnnDestroyRNNDataDescriptor(net->xdesc);
    if (net->rnn)
        cudnnDestroyRNNDescriptor(net->rnn);
}

static void cudnn_release(void *state)
{
    cudnn_state *s = state;
    if (!s)
        return;
    cudaSetDevice(s->dev);
    net_release(&s->timed, s->half);
    net_release(&s->out, s->half);
    rb_cudnn_proj_free(&s->proj);
    void *bufs[] = {s->work, s->dev_seq, s->x32, s->xp32, s->y32, s->half ? s->y : NULL};
    rb_gpu_free_each(bufs, sizeof bufs / sizeof bufs[0]);
    free(s->lens);
    if (s->ydesc)
        cudnnDestroyRNNDataDescriptor(s->ydesc);
    if (s->hdesc)
        cudnnDestroyTensorDescriptor(s->hdesc);
    if (s->cdesc)
        cudnnDestroyTensorDescriptor(s->cdesc);
    if (s->dropout)
        cudnnDestroyDropoutDescriptor(s->dropout);
    if (s->dnn)
        cudnnDestroy(s->dnn);
    rb_gpu_stream_destroy(s->stream, s->ev0, s->ev1);
    free(s);
}

static cudnnRNNMode_t cell_mode(rb_cell c)
{
    return c == RB_CELL_LSTM ? CUDNN_LSTM : c == RB_CELL_GRU ? CUDNN_GRU : CUDNN_RNN_TANH;
}

static cudnnDataType_t data_type(const cudnn_state *s)
{
    return s->half ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
}

/* Shared descriptors and buffers: sequence lengths, y, h/c (unused, NULL pointers), x, x', y on the device. The
 * data layout is packed sequence-major with every sequence T long, which is exactly [T][B][vec]. */
static int make_shared(cudnn_state *s, rb_status *st)
{
    size_t nx = (size_t)s->T * s->B * s->I, ny = (size_t)s->T * s->B * s->H;
    s->lens = malloc((size_t)s->B * sizeof *s->lens);
    if (!s->lens)
        return rb_fail(st, "out of memory");
    for (int b = 0; b < s->B; b++)
        s->lens[b] = s->T;
    DNN_TRY(cudnnCreateDropoutDescriptor(&s->dropout), "cudnnCreateDropoutDescriptor");
    DNN_TRY(cudnnSetDropoutDescriptor(s->dropout, s->dnn, 0.0f, NULL, 0, 0), "cudnnSetDropoutDescriptor");
    DNN_TRY(cudnnCreateRNNDataDescriptor(&s->ydesc), "cudnnCreateRNNDataDescriptor");
    DNN_TRY(cudnnSetRNNDataDescriptor(s->ydesc, data_type(s), CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, s->T, s->B,
                                      s->H, s->lens, NULL),
            "y data descriptor");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->dev_seq, (size_t)s->B * sizeof(int32_t)), "cudaMalloc sequence lengths");
    RB_GPU_CUDA_TRY(cudaMemcpy(s->dev_seq, s->lens, (size_t)s->B * sizeof(int32_t), cudaMemcpyHostToDevice),
                    "sequence lengths upload");
    int dims[3] = {1, s->B, s->H}, strides[3] = {s->B * s->H, s->H, 1};
    DNN_TRY(cudnnCreateTensorDescriptor(&s->hdesc), "cudnnCreateTensorDescriptor");
    DNN_TRY(cudnnCreateTensorDescriptor(&s->cdesc), "cudnnCreateTensorDescriptor");
    DNN_TRY(cudnnSetTensorNdDescriptor(s->hdesc, data_type(s), 3, dims, strides), "h descriptor");
    DNN_TRY(cudnnSetTensorNdDescriptor(s->cdesc, data_type(s), 3, dims, strides), "c descriptor");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->x32, nx * sizeof(float)), "cudaMalloc x");
    if (s->skip)
        RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->xp32, ny * sizeof(float)), "cudaMalloc projected x");
    RB_GPU_CUDA_TRY(cudaMalloc((void **)&s->y32, ny * sizeof(float)), "cudaMalloc y");
    s->y = s->y32;
    if (s->half) {
        s->y = NULL;
        RB_GPU_CUDA_TRY(cudaMalloc(&s->y, ny * 2), "cudaMalloc y16");
    }
    return 0;
}

/* One net: RNN descriptor (fp32 asks for FMA-only math first and falls back to the default math), its input
 * descriptor and buffer, its weight space filled from w; raises s->work_bytes to what it needs. */
static int make_net(cudnn_state *s, cudnn_net *net, const rb_problem *p, const rb_weights *w, int skip, int algo,
                    float *in32, rb_status *st)
{
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
    net->skip = skip;
    net->width = skip ? s->H : s->I;
    net->in32 = in32;
    DNN_TRY(cudnnCreateRNNDescriptor(&net->rnn), "cudnnCreateRNNDescriptor");
    cudnnStatus_t cs = CUDNN_STATUS_BAD_PARAM;
    for (int i = 0; i < n && cs != CUDNN_STATUS_SUCCESS; i++) {
        cs = cudnnSetRNNDescriptor_v8(net->rnn, algo_ids[algo], cell_mode(p->cell), CUDNN_RNN_DOUBLE_BIAS,
                                      CUDNN_UNIDIRECTIONAL, skip ? CUDNN_SKIP_INPUT : CUDNN_LINEAR_INPUT,
                                      data_type(s), CUDNN_DATA_FLOAT, tries[i], net->width, s->H, s->H, 1,
                                      s->dropout, CUDNN_RNN_PADDED_IO_DISABLED);
        net->math_name = names[i];
    }
    DNN_TRY(cs, "cudnnSetRNNDescriptor_v8");
    if (algo_ids[algo] == CUDNN_RNN_ALGO_PERSIST_DYNAMIC)
        DNN_TRY(cudnnBuildRNNDynamic(s->dnn, net->rnn, s->B), "cudnnBuildRNNDynamic");
    DNN_TRY(cudnnCreateRNNDataDescriptor(&net->xdesc), "cudnnCreateRNNDataDescriptor");
    DNN_TRY(cudnnSetRNNDataDescriptor(net->xdesc, data_type(s), CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, s->T, s->B,
                                      net->width, s->lens, NULL),
            "x data descriptor");
    size_t work = 0, reserve = 0;
    DNN_TRY(cudnnGetRNNTempSpaceSizes(s->dnn, net->rnn, CUDNN_FWD_MODE_INFERENCE, net->xdesc, &work, &reserve),
            "cudnnGetRNNTempSpaceSizes");
    if (work > s->work_bytes)
        s->work_bytes = work;
    DNN_TRY(cudnnGetRNNWeightSpaceSize(s->dnn, net->rnn, &net->wbytes), "cudnnGetRNNWeightSpaceSize");
    RB_GPU_CUDA_TRY(cudaMalloc(&net->wspace, net->wbytes), "cudaMalloc weight space");
    net->in = in32;
    if (s->half) {
        net->in = NULL;
        RB_GPU_CUDA_TRY(cudaMalloc(&net->in, (size_t)s->T * s->B * net->width * 2), "cudaMalloc x16");
    }
    return rb_cudnn_load_weights(s->dnn, net->rnn, net->wspace, net->wbytes, w, skip, s->half, s->stream, st);
}

/* Nets, workspace and (input=skip) the projection; then waits for the setup work. */
static int make_all(cudnn_state *s, const rb_problem *p, const rb_weights *w, rb_status *st)
{
    if (make_shared(s, st) != 0 || make_net(s, &s->timed, p, w, s->skip, s->algo, s->skip ? s->xp32 : s->x32, st))
        return -1;
    s->has_out = s->skip && s->G > 1;
    if (s->has_out && make_net(s, &s->out, p, w, 0, 0, s->x32, st) != 0)
        return -1;
    if (s->work_bytes)
        RB_GPU_CUDA_TRY(cudaMalloc(&s->work, s->work_bytes), "cudaMalloc workspace");
    if (s->skip && rb_cudnn_proj_init(&s->proj, w, s->T * s->B, s->stream, st) != 0)
        return -1;
    RB_GPU_CUDA_TRY(cudaDeviceSynchronize(), "cudaDeviceSynchronize"); /* setup on the legacy stream done before ours */
    return 0;
}

static int cudnn_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state,
                         rb_status *st)
{
    int prec = 0, skip = 0, algo = 0, dev = 0;
    *state = NULL;
    if (rb_gpu_opt_common(opt, allowed_opts, &prec, st) || rb_gpu_opt_choice(opt, "input", inputs, 0, &skip, st) ||
        rb_gpu_opt_choice(opt, "algo", algos, 0, &algo, st) || rb_gpu_opt_device(opt, &dev, st) ||
        rb_gpu_check_shape(p, st))
        return -1;
    if (w->hidden != p->hidden || w->input != p->input || w->gates < 1)
        return rb_fail(st, "weights do not match the problem shape");
    cudnn_state *s = calloc(1, sizeof *s);
    if (!s)
        return rb_fail(st, "out of memory");
    s->H = p->hidden;
    s->I = p->input;
    s->B = p->batch;
    s->T = p->timesteps;
    s->G = w->gates;
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
    if (rb_gpu_stream_create(&s->stream, &s->ev0, &s->ev1, st) != 0)
        goto out;
    cs = cudnnSetStream(s->dnn, s->stream);
    if (cs != CUDNN_STATUS_SUCCESS) {
        rb_fail(st, "cudnnSetStream: %s", cudnnGetErrorString(cs));
        goto out;
    }
    if (make_all(s, p, w, st) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        cudnn_release(s);
    else
        *state = s;
    return rc;
}

/* input=skip: enqueues the untimed projection x32 -> xp32 (nothing otherwise). */
static int stage_input(cudnn_state *s, rb_status *st)
{
    return s->skip ? rb_cudnn_proj_enqueue(&s->proj, s->x32, s->xp32, st) : 0;
}

/* Enqueues one inference of net from its fp32 input to s->y32. */
static int enqueue_forward(cudnn_state *s, const cudnn_net *net, rb_status *st)
{
    size_t nx = (size_t)s->T * s->B * net->width, ny = (size_t)s->T * s->B * s->H;
    if (s->half)
        RB_GPU_CUDA_TRY((cudaError_t)rb_gpu_f32_to_f16(net->in32, net->in, nx, s->stream), "fp16 conversion of x");
    DNN_TRY(cudnnRNNForward(s->dnn, net->rnn, CUDNN_FWD_MODE_INFERENCE, s->dev_seq, net->xdesc, net->in, s->ydesc,
                            s->y, s->hdesc, NULL, NULL, s->cdesc, NULL, NULL, net->wbytes, net->wspace,
                            s->work_bytes, s->work, 0, NULL),
            "cudnnRNNForward");
    if (s->half)
        RB_GPU_CUDA_TRY((cudaError_t)rb_gpu_f16_to_f32(s->y, s->y32, ny, s->stream), "fp32 conversion of y");
    return 0;
}

static int stage_cb(void *ctx, rb_status *st) { return stage_input(ctx, st); }
static int timed_cb(void *ctx, rb_status *st) { return enqueue_forward(ctx, &((cudnn_state *)ctx)->timed, st); }
static int out_cb(void *ctx, rb_status *st) { return enqueue_forward(ctx, &((cudnn_state *)ctx)->out, st); }

static int cudnn_run(void *state, const float *x, float *y, double *device_ms, rb_status *st)
{
    cudnn_state *s = state;
    /* stage_input before ev0 (untimed); input=skip with G > 1: the full-input net after ev1 (untimed, overwrites y) */
    const rb_gpu_run r = {.dev = s->dev, .stream = s->stream, .ev0 = s->ev0, .ev1 = s->ev1, .dev_x = s->x32,
                          .nx = (size_t)s->T * s->B * s->I, .dev_y = s->y32, .ny = (size_t)s->T * s->B * s->H,
                          .x_on_device = &s->x_on_device, .before = stage_cb, .timed = timed_cb,
                          .after = s->has_out ? out_cb : NULL, .ctx = s};
    return rb_gpu_timed_run(&r, x, y, device_ms, st);
}

/* One timed-net inference (the energy window measures what the latency measures). */
static int infer_once(void *ctx, rb_status *st)
{
    cudnn_state *s = ctx;
    if (enqueue_forward(s, &s->timed, st) != 0)
        return -1;
    RB_GPU_CUDA_TRY(cudaStreamSynchronize(s->stream), "cudaStreamSynchronize");
    return 0;
}

static int cudnn_report(void *state, const float *x, rb_metrics *m, rb_status *st)
{
    cudnn_state *s = state;
    size_t nx = (size_t)s->T * s->B * s->I;
    if (rb_gpu_report_head(s->dev, s->gpu_desc, s->prec, m, st) != 0)
        return -1;
    m->recurrent_only = s->skip;
    rb_metrics_extra(m, "math", "%s", s->timed.math_name);
    rb_metrics_extra(m, "input_mode", "%s",
                     s->skip ? "skip (CUDNN_SKIP_INPUT, DeepBench): W x + bw precomputed untimed (cuBLAS)"
                             : "full (CUDNN_LINEAR_INPUT)");
    rb_metrics_extra(m, "algo", "%s", algos[s->algo]);
    rb_metrics_extra(m, "cudnn_version", "%zu", cudnnGetVersion());
    rb_metrics_extra(m, "timing", "%s", RB_GPU_TIMING_NOTE);
    if (s->skip)
        rb_metrics_extra(m, "reference_check", "%s",
                         s->has_out ? "timing mode: times skip run on x'=W_0 x+bw_0; y from untimed full-input run"
                                    : "y = timed skip run on x'=W x+bw (full model for a vanilla cell)");
    rb_gpu_fill_datasheet(s->gpu_name, s->prec, m);
    /* on our stream: it does not synchronise with the legacy stream that cudaMemcpy would use */
    if (x) {
        RB_GPU_CUDA_TRY(cudaMemcpyAsync(s->x32, x, nx * sizeof(float), cudaMemcpyHostToDevice, s->stream), "copy x");
        s->x_on_device = 1;
    }
    if (!s->x_on_device)
        RB_GPU_CUDA_TRY(cudaMemsetAsync(s->x32, 0, nx * sizeof(float), s->stream), "cudaMemset x");
    if (stage_input(s, st) != 0)
        return -1;
    return rb_gpu_energy_window(s->dev, infer_once, s, 1.0, m, st);
}

static int cudnn_config(const rb_options *opt, char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int max)
{
    const char *in = rb_opt_get(opt, "input"), *algo = rb_opt_get(opt, "algo");
    int n = rb_gpu_config_head(opt, key, val, max, "cudnn_headers", CUDNN_VERSION);
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
    .options = rb_gpu_cudnn_options,
    .error_bound = rb_gpu_error_bound,
};
