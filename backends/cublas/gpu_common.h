/* backends/cublas/gpu_common.h — code shared by the GPU backends (cublas, cudnn): device probe and description,
 * option checking, the GPU datasheet table (area, peak, TDP), the NVML energy counter loaded with dlopen, the
 * energy window over repeated inferences, fp32<->fp16 conversion kernels, the stream/event setup and the CUDA-event
 * timed run, the common report() and config() fields, and cuBLAS handle setup. Private to backends/cublas and
 * backends/cudnn (and their tests); the harness never includes it. */
#ifndef RB_GPU_COMMON_H
#define RB_GPU_COMMON_H

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#ifdef __cplusplus /* gpu_convert.cu */
extern "C" {
#endif

#include <stddef.h>
#include "backend.h"

/* ---- probe and device ---- */
/* 0 when at least one CUDA device is usable; -1 otherwise with the reason: "no NVIDIA GPU found (no /dev/nvidia*)"
 * when there is no device node (CUDA is not asked), else the CUDA error (string, name, number; for a driver older
 * than the runtime, both versions). Never crashes without a driver: the count is set to 0 before
 * cudaGetDeviceCount. */
int rb_gpu_probe(rb_status *why);
/* Selects device `dev` (after checking it exists) and writes "NAME (sm_XY, N SMs, driver a.b, runtime c.d)"
 * into desc and the bare name into name. 0 or -1 with reason. */
int rb_gpu_select(int dev, char *name, size_t name_len, char *desc, size_t desc_len, rb_status *st);

/* Value of option key "device" (a CUDA device index, default 0). 0 or -1 with reason. */
int rb_gpu_opt_device(const rb_options *o, int *dev, rb_status *st);
/* Fails (-1, reason) when o holds a key not in the NULL-terminated list `allowed`. */
int rb_gpu_opt_check(const rb_options *o, const char *const *allowed, rb_status *st);
/* Value of key `key` matched against the NULL-terminated `choices`; *idx = its index, or def when absent.
 * -1 with reason on an unknown value. */
int rb_gpu_opt_choice(const rb_options *o, const char *key, const char *const *choices, int def, int *idx,
                      rb_status *st);
/* rb_gpu_opt_check(o, allowed) then option "precision" (rb_gpu_prec_names, default fp32) into *prec. */
int rb_gpu_opt_common(const rb_options *o, const char *const *allowed, int *prec, rb_status *st);
/* -1 with "invalid problem shape" unless hidden, input, batch and timesteps are all positive. */
int rb_gpu_check_shape(const rb_problem *p, rb_status *st);

/* ---- datasheet table ---- */
typedef enum { RB_GPU_PREC_FP32 = 0, RB_GPU_PREC_TF32 = 1, RB_GPU_PREC_FP16 = 2 } rb_gpu_prec;
/* Option values of "precision", indexed by rb_gpu_prec, NULL-terminated. */
extern const char *const rb_gpu_prec_names[];

typedef struct rb_gpu_model {
    const char *match;    /* substring of cudaDeviceProp.name, e.g. "H100" */
    const char *also;     /* a second substring that must occur too (e.g. "PCI"), or NULL */
    const char *label;    /* e.g. "NVIDIA H100 PCIe" */
    double die_mm2;       /* die area */
    double peak_gflops[3]; /* dense peak per rb_gpu_prec (tf32 = fp32 where the GPU has no TF32) */
    double tdp_w;
} rb_gpu_model;

/* First table row whose `match` (and `also`) occur in name (most specific rows come first), or NULL. */
const rb_gpu_model *rb_gpu_model_find(const char *name);
/* Fills area, peak (in precision prec) and a "tdp_w" extra from the table with source datasheet; leaves them
 * unavailable with an extra "datasheet" = reason when the GPU is not in the table. */
void rb_gpu_fill_datasheet(const char *name, rb_gpu_prec prec, rb_metrics *m);

/* ---- NVML energy ---- */
/* Total board energy in millijoules since the driver loaded (nvmlDeviceGetTotalEnergyConsumption), for the
 * CUDA device `dev`. libnvidia-ml.so.1 is loaded with dlopen on first use. 0 or -1 with reason. */
int rb_gpu_energy_mj(int dev, unsigned long long *mj, rb_status *st);

/* One inference enqueued and completed (the backend's GPU work, synchronised). 0 or -1 with reason. */
typedef int (*rb_gpu_infer_fn)(void *ctx, rb_status *st);
/* Runs infer repeatedly for at least min_s seconds (and at least 3 times) between two energy readings, then
 * sets energy per inference and average power (source measured) and extras energy_window_s / energy_reps.
 * When NVML is unusable the figures stay unavailable with an extra "energy" = reason and 0 is returned;
 * -1 only when an inference fails. */
int rb_gpu_energy_window(int dev, rb_gpu_infer_fn infer, void *ctx, double min_s, rb_metrics *m, rb_status *st);

/* ---- conversion kernels (gpu_convert.cu), enqueued on `stream` (a cudaStream_t); 0 or the cudaError_t ---- */
int rb_gpu_f32_to_f16(const float *src, void *dst_half, size_t n, void *stream);
int rb_gpu_f16_to_f32(const void *src_half, float *dst, size_t n, void *stream);

/* Backend configuration pairs for /backends/<name>: the CUDA headers built against, the GPU architectures compiled,
 * the energy method. Appends at *n (up to max) and returns the new count. */
int rb_gpu_config_common(char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int n, int max);
/* Appends one pair when room is left; returns the new count. */
int rb_gpu_config_add(char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int n, int max, const char *k,
                      const char *v);
/* The pairs every GPU backend starts with: rb_gpu_config_common, then headers_key = the library's header version
 * (e.g. "cublas_headers" = CUBLAS_VERSION), then "precision" (option value, default fp32). Returns the count. */
int rb_gpu_config_head(const rb_options *opt, char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int max,
                       const char *headers_key, int headers_version);

/* printf-style failure with the CUDA runtime error appended: "what: cudaErrorX (text)". */
int rb_gpu_cuda_fail(rb_status *st, int cuda_err, const char *what);
/* In a function taking `rb_status *st` and returning int: returns rb_gpu_cuda_fail(st, error, what) when call
 * does not return cudaSuccess. */
#define RB_GPU_CUDA_TRY(call, what)                                                                                \
    do {                                                                                                           \
        cudaError_t e_ = (call);                                                                                   \
        if (e_ != cudaSuccess)                                                                                     \
            return rb_gpu_cuda_fail(st, e_, what);                                                                 \
    } while (0)

/* ---- stream, events, buffers (gpu_stream.c) ---- */
/* A non-blocking stream and the two timing events, created in that order. On failure (-1 with
 * "stream/event creation: ...") what was created stays in *stream / *ev0 / *ev1 for rb_gpu_stream_destroy. */
int rb_gpu_stream_create(cudaStream_t *stream, cudaEvent_t *ev0, cudaEvent_t *ev1, rb_status *st);
/* Destroys ev0, ev1 and stream, skipping NULL ones. */
void rb_gpu_stream_destroy(cudaStream_t stream, cudaEvent_t ev0, cudaEvent_t ev1);
/* cudaFree of each non-NULL bufs[i]. */
void rb_gpu_free_each(void *const *bufs, size_t n);

/* One whole-sequence run as both GPU backends time it. */
typedef struct rb_gpu_run {
    int dev;
    cudaStream_t stream;
    cudaEvent_t ev0, ev1;
    float *dev_x;          /* device input, nx floats: x is copied here on the stream */
    size_t nx;
    const float *dev_y;    /* device output, ny floats: copied back to y after the work */
    size_t ny;
    int *x_on_device;      /* set to 1 once x's copy is enqueued */
    rb_gpu_infer_fn before; /* untimed work after x's copy (NULL: none) */
    rb_gpu_infer_fn timed;  /* the work enqueued between ev0 and ev1 */
    rb_gpu_infer_fn after;  /* untimed work after ev1, before y's copy (NULL: none) */
    void *ctx;             /* passed to before, timed, after */
} rb_gpu_run;
/* cudaSetDevice, x in on the stream, before, ev0, timed, ev1, after, y out, synchronise; *device_ms (when not NULL)
 * = elapsed time between the events. 0 or -1 with reason. */
int rb_gpu_timed_run(const rb_gpu_run *r, const float *x, float *y, double *device_ms, rb_status *st);

/* ---- report() (gpu_stream.c) ---- */
/* The "timing" extra of both GPU backends. */
#define RB_GPU_TIMING_NOTE "CUDA events around the whole-sequence GPU work; x/y copies excluded"
/* cudaSetDevice(dev), m->device = desc and the extra "precision". 0 or -1 with reason. */
int rb_gpu_report_head(int dev, const char *desc, rb_gpu_prec prec, rb_metrics *m, rb_status *st);

/* ---- cuBLAS handles (gpu_blas.c) ---- */
/* Failure "what: <cublasGetStatusString> (status)". */
int rb_gpu_blas_fail(rb_status *st, cublasStatus_t s, const char *what);
/* cublasCreate; on failure *h = NULL and -1 with "cublasCreate: ...". */
int rb_gpu_blas_create(cublasHandle_t *h, rb_status *st);
/* cublasSetStream(h, stream), then cublasSetMathMode(h, math); a failure is reported as what_stream or what_math. */
int rb_gpu_blas_bind(cublasHandle_t h, cudaStream_t stream, cublasMath_t math, const char *what_stream,
                     const char *what_math, rb_status *st);

#ifdef __cplusplus
}
#endif

#endif
