/* backends/spatial/spatial_fp8_kernel.h — the hot loop of the fp8 functional execution: one block of 16 weight
 * rows against n operand vectors, in the PCU's order (see spatial_fp8.h). Weights are bf16 codes (every
 * 8-bit float of both formats is a bf16 number: at most 8 significant bits, inside fp32's exponent range, so its
 * fp32 bits are the code followed by 16 zeros), stored per block of SP8_ROWS rows, the elements q = 0, 1 (and 2, 3)
 * of a lane side by side in one 32-bit word per row:
 *     w[block * nv * 1024 + sp8_index(v, 16 q + l, row)]      (vector v, lane l, element 4 l + q)
 * so one SIMD load gives one element pair of 16 rows, and a shift or a mask makes each an fp32 register. For each row and operand vector the kernel adds, per 64-element
 * vector in order, the lane tree of that vector (lane l: fp16(fp16(p0 + p1)) + fp16(p2 + p3) in fp32; then l + 8,
 * l + 4, l + 2, l + 1) to the row's fp32 accumulator. Products p are w * x in fp32 (exact: both operands have at
 * most 4 significant bits), rounded to fp16 when `round_products` is set. fp16 rounding is to nearest even,
 * saturating at 65504 when `saturate` is set (it may be left unset only when no product or pair sum can exceed
 * 65504). Three versions (AVX-512, AVX2 + F16C, portable) give the same bits; one is chosen at run time. */
#ifndef SP_FP8_KERNEL_H
#define SP_FP8_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define SP8_ROWS 16 /* rows per weight block */
#define SP8_VEC 64  /* elements per PCU vector: 16 lanes x 4 */

enum { SP8_ROUND_PRODUCTS = 1, SP8_SATURATE = 2 };

/* acc[i * acc_ld + row] += the lane trees of vectors v = 0..nvec-1 of row `row` of the block at w (already offset
 * to its first vector) against operand i (x + i * x_ld, nvec lane-major vectors of 64 floats), for i < n. */
typedef void (*sp8_block_fn)(const uint16_t *w, int nvec, const float *x, size_t x_ld, int n, float *acc,
                             size_t acc_ld, int flags);

/* The kernel in use (this CPU's best unless sp8_kernel_select chose another). */
sp8_block_fn sp8_kernel(void);
/* Chooses "avx512", "avx2" or "portable" (NULL or "": the best this CPU runs); returns the name chosen, or NULL
 * when this CPU or build cannot run the one asked for (the choice is then unchanged). */
const char *sp8_kernel_select(const char *isa);

/* Index in a block's codes of element j (= 16 q + l, lane-major) of vector v of row `row`. */
static inline size_t sp8_index(int v, int j, int row)
{
    return (((size_t)v * 32 + (size_t)(j / 32) * 16 + (size_t)(j % 16)) * SP8_ROWS + (size_t)row) * 2 +
           (size_t)((j / 16) % 2);
}

/* bf16 code of a float that is a bf16 number (its low 16 bits are zero), and back. */
uint16_t sp8_bf16_bits(float v);
float sp8_bf16_value(uint16_t h);

#endif
