/* backends/cublas/gpu_option_specs.h — declared options and error bounds of the GPU backends (no CUDA needed). */
#ifndef RB_GPU_OPTION_SPECS_H
#define RB_GPU_OPTION_SPECS_H

#include "backend.h"

extern const rb_option_spec rb_gpu_cublas_options[];
extern const rb_option_spec rb_gpu_cudnn_options[];
/* max_rel_err bound for the precision option in opt (fp32 default). */
double rb_gpu_error_bound(const rb_problem *p, const rb_options *opt);

#endif
