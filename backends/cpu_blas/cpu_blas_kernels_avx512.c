/* backends/cpu_blas/cpu_blas_kernels_avx512.c — cpu-blas's kernels built for the avx512 path (flags set in
 * CMakeLists.txt); the code is cpu_blas_kernels_impl.h. */
#define RB_KERNELS_NAME rb_cpu_kernels_avx512
#define RB_KERNELS_ISA RB_ISA_AVX512
#define RB_GEMV_LANES 16
#define RB_GEMV_ROWS 4
#include "cpu_blas_kernels_impl.h"
