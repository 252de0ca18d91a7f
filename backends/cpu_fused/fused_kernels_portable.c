/* backends/cpu_fused/fused_kernels_portable.c — cpu-fused's kernels for the portable path (flags in CMakeLists.txt): the
 * generic code of fused_kernels_impl.h; bf16 by widening, int8 in 32-bit lanes. */
#include "fused_kernels_impl.h"

const rb_fused_kernels rb_fused_kernels_portable = {
    .isa = RB_ISA_PORTABLE,
    .nb_max = nb_max,
    .dot_f32 = dot_f32,
    .dot_bf16 = dot_bf16_widen,
    .bf16_native = 0,
    .dot_i8 = dot_i8_generic,
    .i8_offset = 0,
    .cell = cell_update,
    RB_FUSED_CONVERSIONS,
};
