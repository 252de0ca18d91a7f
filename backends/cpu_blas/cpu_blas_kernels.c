/* backends/cpu_blas/cpu_blas_kernels.c — picks the compiled kernel set for an instruction set. */
#include <stddef.h>
#include "cpu_blas_kernels.h"

const rb_cpu_kernels *rb_cpu_kernels_for(rb_isa isa)
{
    if (!rb_isa_supported(isa))
        return NULL;
    switch (isa) {
    case RB_ISA_PORTABLE: return &rb_cpu_kernels_portable;
    case RB_ISA_AVX2: return &rb_cpu_kernels_avx2;
    case RB_ISA_AVX512:
    case RB_ISA_AVX512_VNNI:
    case RB_ISA_AVX512_BF16: return &rb_cpu_kernels_avx512;
    case RB_ISA_COUNT: break;
    }
    return NULL;
}

const rb_cpu_kernels *rb_cpu_kernels_best(void)
{
    if (rb_isa_supported(RB_ISA_AVX512))
        return &rb_cpu_kernels_avx512;
    if (rb_isa_supported(RB_ISA_AVX2))
        return &rb_cpu_kernels_avx2;
    return &rb_cpu_kernels_portable;
}
