/* backends/cublas/gpu_option_specs.c — the declared options and output error bounds of the GPU backends (cublas,
 * cudnn). Plain C without CUDA, linked into the real backends and into their stubs, so a mistyped GPU option is
 * rejected before any work on every machine, with or without a GPU or the CUDA toolkit. */
#include <string.h>
#include "gpu_option_specs.h"

const rb_option_spec rb_gpu_cublas_options[] = {
    {"precision", RB_OPT_ENUM, "fp32|tf32|fp16", "fp32", "arithmetic of the GEMMs and element-wise kernels"},
    {"graph", RB_OPT_ENUM, "off|on", "off", "replay the per-step kernels as one CUDA graph"},
    {"device", RB_OPT_INT, "0..1023", "0", "CUDA device index"},
    {NULL, 0, NULL, NULL, NULL},
};

const rb_option_spec rb_gpu_cudnn_options[] = {
    {"precision", RB_OPT_ENUM, "fp32|tf32|fp16", "fp32", "math and data type of the RNN"},
    {"input", RB_OPT_ENUM, "full|skip", "full", "skip: DeepBench's CUDNN_SKIP_INPUT (W x precomputed, untimed)"},
    {"algo", RB_OPT_ENUM, "standard|persist-static|persist-dynamic|persist-static-small-h", "standard",
     "cuDNN RNN algorithm"},
    {"device", RB_OPT_INT, "0..1023", "0", "CUDA device index"},
    {NULL, 0, NULL, NULL, NULL},
};

/* fp32: FMA contraction and a different summation order than the double-accumulating reference; tf32 keeps 10
 * mantissa bits in the products; fp16 stores weights, inputs and states in 11-bit mantissas. Not yet checked on a
 * GPU (see backends/cublas/README.md). */
double rb_gpu_error_bound(const rb_problem *p, const rb_options *opt)
{
    (void)p;
    const char *prec = rb_opt_get(opt, "precision");
    if (prec && strcmp(prec, "fp16") == 0)
        return 5e-2;
    if (prec && strcmp(prec, "tf32") == 0)
        return 1e-2;
    return 1e-4;
}
