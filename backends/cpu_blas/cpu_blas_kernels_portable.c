/* backends/cpu_blas/cpu_blas_kernels_portable.c — cpu-blas's kernels built for the portable path (flags set in
 * CMakeLists.txt); the code is cpu_blas_kernels_impl.h. */
#define RB_KERNELS_NAME rb_cpu_kernels_portable
#define RB_KERNELS_ISA RB_ISA_PORTABLE
#define RB_GEMV_LANES 4
#define RB_GEMV_ROWS 2
#include "cpu_blas_kernels_impl.h"
