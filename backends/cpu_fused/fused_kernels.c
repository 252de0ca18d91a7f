/* backends/cpu_fused/fused_kernels.c — picks cpu-fused's kernel set for an instruction set and precision. */
#include <stddef.h>
#include "fused_kernels.h"

const rb_fused_kernels *rb_fused_kernels_for(rb_isa isa)
{
    if (!rb_isa_supported(isa))
        return NULL;
    switch (isa) {
    case RB_ISA_PORTABLE: return &rb_fused_kernels_portable;
    case RB_ISA_AVX2: return &rb_fused_kernels_avx2;
    case RB_ISA_AVX512: return &rb_fused_kernels_avx512;
    case RB_ISA_AVX512_VNNI: return &rb_fused_kernels_avx512_vnni;
    case RB_ISA_AVX512_BF16: return &rb_fused_kernels_avx512_bf16;
    case RB_ISA_COUNT: break;
    }
    return NULL;
}

rb_isa rb_fused_best_isa(int precision)
{
    if (precision == 1 && rb_isa_supported(RB_ISA_AVX512_BF16))
        return RB_ISA_AVX512_BF16;
    if (precision == 2 && rb_isa_supported(RB_ISA_AVX512_VNNI))
        return RB_ISA_AVX512_VNNI;
    if (rb_isa_supported(RB_ISA_AVX512))
        return RB_ISA_AVX512;
    if (rb_isa_supported(RB_ISA_AVX2))
        return RB_ISA_AVX2;
    return RB_ISA_PORTABLE;
}
