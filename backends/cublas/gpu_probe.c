/* backends/cublas/gpu_probe.c — GPU discovery for the GPU backends: the no-crash device probe (device nodes first,
 * then CUDA: gpu_presence.h), device selection with a one-line description, CUDA error formatting, and the build
 * facts reported as backend configuration. */
#include <stdio.h>
#include <cuda_runtime_api.h>
#include "gpu_common.h"
#include "gpu_presence.h"

int rb_gpu_cuda_fail(rb_status *st, int cuda_err, const char *what)
{
    cudaError_t e = (cudaError_t)cuda_err;
    return rb_fail(st, "%s: %s (%s, error %d)", what, cudaGetErrorName(e), cudaGetErrorString(e), cuda_err);
}

int rb_gpu_probe(rb_status *why)
{
    /* no device: say so, without asking CUDA (whose answer is then a misleading driver/runtime version error) */
    char absent[RB_MSG_MAX];
    if (!rb_gpu_present(RB_GPU_DEV_DIR, RB_GPU_PROC_DRIVER, absent, sizeof absent))
        return rb_fail(why, "%s", absent);
    int n = 0; /* stays 0 when the runtime finds no driver */
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        (void)cudaGetLastError(); /* clear it so later calls are not confused */
        if (e == cudaErrorInsufficientDriver) {
            char drv[64];
            rb_gpu_driver_version(RB_GPU_PROC_DRIVER, drv, sizeof drv);
            return rb_fail(why, "no usable GPU: the NVIDIA driver (%s) is older than this build's CUDA runtime %d.%d "
                                "needs: cudaGetDeviceCount: %s (error %d)", drv[0] ? drv : "version unknown",
                           CUDART_VERSION / 1000, (CUDART_VERSION % 1000) / 10, cudaGetErrorName(e), (int)e);
        }
        return rb_fail(why, "no usable GPU: cudaGetDeviceCount: %s (%s, error %d)", cudaGetErrorString(e),
                       cudaGetErrorName(e), (int)e);
    }
    if (n <= 0)
        return rb_fail(why, "no usable GPU: cudaGetDeviceCount found 0 CUDA devices");
    return 0;
}

int rb_gpu_select(int dev, char *name, size_t name_len, char *desc, size_t desc_len, rb_status *st)
{
    if (rb_gpu_probe(st) != 0)
        return -1;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess)
        return rb_gpu_cuda_fail(st, e, "cudaGetDeviceCount");
    if (dev < 0 || dev >= n)
        return rb_fail(st, "device=%d out of range: %d CUDA device(s)", dev, n);
    e = cudaSetDevice(dev);
    if (e != cudaSuccess)
        return rb_gpu_cuda_fail(st, e, "cudaSetDevice");
    struct cudaDeviceProp prop;
    e = cudaGetDeviceProperties(&prop, dev);
    if (e != cudaSuccess)
        return rb_gpu_cuda_fail(st, e, "cudaGetDeviceProperties");
    int drv = 0, rt = 0;
    (void)cudaDriverGetVersion(&drv);
    (void)cudaRuntimeGetVersion(&rt);
    snprintf(name, name_len, "%s", prop.name);
    snprintf(desc, desc_len, "%s (sm_%d%d, %d SMs, driver %d.%d, runtime %d.%d)", prop.name, prop.major, prop.minor,
             prop.multiProcessorCount, drv / 1000, (drv % 1000) / 10, rt / 1000, (rt % 1000) / 10);
    return 0;
}

#ifndef RB_GPU_ARCHS
#define RB_GPU_ARCHS "unknown"
#endif

int rb_gpu_config_add(char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int n, int max, const char *k,
                      const char *v)
{
    if (n >= max)
        return n;
    snprintf(key[n], RB_OPT_KEY_MAX, "%s", k);
    snprintf(val[n], RB_OPT_VAL_MAX, "%s", v);
    return n + 1;
}

int rb_gpu_config_common(char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int n, int max)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d", CUDART_VERSION / 1000, (CUDART_VERSION % 1000) / 10);
    n = rb_gpu_config_add(key, val, n, max, "cuda_headers", buf);
    n = rb_gpu_config_add(key, val, n, max, "cuda_architectures", RB_GPU_ARCHS);
    n = rb_gpu_config_add(key, val, n, max, "energy_method",
                          "NVML nvmlDeviceGetTotalEnergyConsumption via dlopen, >= 1 s window");
    n = rb_gpu_config_add(key, val, n, max, "area_peak_source", "datasheet table (gpu_table.c)");
    return n;
}

int rb_gpu_config_head(const rb_options *opt, char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int max,
                       const char *headers_key, int headers_version)
{
    const char *prec = rb_opt_get(opt, "precision");
    char buf[32];
    snprintf(buf, sizeof buf, "%d", headers_version);
    int n = rb_gpu_config_common(key, val, 0, max);
    n = rb_gpu_config_add(key, val, n, max, headers_key, buf);
    return rb_gpu_config_add(key, val, n, max, "precision", prec ? prec : "fp32");
}
