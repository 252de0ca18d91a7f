/* backends/cpu_blas/cpu_blas_kernels_avx2.c — cpu-blas's kernels built for the avx2 path (flags set in
 * CMakeLists.txt); the code is cpu_blas_kernels_impl.h. */
#define RB_KERNELS_NAME rb_cpu_kernels_avx2
#define RB_KERNELS_ISA RB_ISA_AVX2
#define RB_GEMV_LANES 8
#define RB_GEMV_ROWS 2
#include "cpu_blas_kernels_impl.h"
