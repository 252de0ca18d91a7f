/* backends/cublas/gpu_common.h — code shared by the GPU backends (cublas, cudnn): device probe and description,
 * option checking, the GPU datasheet table (area, peak, TDP), the NVML energy counter loaded with dlopen, the
 * energy window over repeated inferences, and fp32<->fp16 conversion kernels. Private to backends/cublas and
 * backends/cudnn (and their tests); the harness never includes it. */
#ifndef RB_GPU_COMMON_H
#define RB_GPU_COMMON_H

#include <stddef.h>
#include "backend.h"

/* ---- probe and device ---- */
/* 0 when at least one CUDA device is usable; -1 with the CUDA error (string, name, number) otherwise.
 * Never crashes without a driver: the count is set to 0 before cudaGetDeviceCount. */
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

/* ---- datasheet table ---- */
typedef enum { RB_GPU_PREC_FP32 = 0, RB_GPU_PREC_TF32 = 1, RB_GPU_PREC_FP16 = 2 } rb_gpu_prec;

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

/* printf-style failure with the CUDA runtime error appended: "what: cudaErrorX (text)". */
int rb_gpu_cuda_fail(rb_status *st, int cuda_err, const char *what);

#endif
