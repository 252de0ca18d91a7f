/* backends/cpu_fused/fused_kernels.h — cpu-fused's inner kernels, compiled once per instruction set
 * (fused_kernels_impl.h included by fused_kernels_<isa>.c) and picked at run time.
 *
 * Packed weights (fused_pack.c): hidden units in blocks of RB_FUSED_UNITS = 16; a block holds, for every k of the
 * concatenated input [x; h] (segments padded to multiples of 4), the G gates x 16 units' weights side by side:
 *   fp32  [K][G][16] float
 *   bf16  [K/2][G][16] uint32: the pair (k even in the low half, k odd in the high half), bf16 = fp32's top 16 bits
 *   int8  [K/4][G][16][4] int8: four consecutive k per unit (the VNNI dot-product layout), one scale per row
 * Dot kernels accumulate acc[b][g][u] += sum_k w[k][g][u] * z[b][k] over k in [k0, k1) for nb <= nb_max(G)
 * vectors z (row stride zs), acc in memory ([nb][G][16]; float, or int32 for int8). */
#ifndef RB_FUSED_KERNELS_H
#define RB_FUSED_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "cpu_isa.h"
#include "problem.h"

#define RB_FUSED_UNITS 16

typedef struct rb_fused_kernels {
    rb_isa isa;
    /* most vectors one call takes for a cell with G gates (register budget) */
    int (*nb_max)(int G);
    /* fp32 weights, fp32 activations; k0, k1 are k indices */
    void (*dot_f32)(const float *w, int G, int k0, int k1, const float *z, size_t zs, int nb, float *acc);
    /* bf16 weights; k0, k1 even. Widening paths read fp32 activations z; the native BF16 path (bf16_native) reads
     * bf16 activations zb (pairs of uint16), converting nothing in the loop. */
    void (*dot_bf16)(const uint32_t *w, int G, int k0, int k1, const float *z, const uint16_t *zb, size_t zs,
                     int nb, float *acc);
    int bf16_native;
    /* int8 weights, activations as u8 = s8 + 128; k0, k1 multiples of 4. The sum is sum w * s8 when i8_offset is 0,
     * sum w * (s8 + 128) when 1 (VNNI's u8 x s8): the caller then subtracts 128 * the row's weight sum. */
    void (*dot_i8)(const int8_t *w, int G, int k0, int k1, const uint8_t *z, size_t zs, int nb, int32_t *acc);
    int i8_offset;
    /* The cell update of one block for nb vectors, in registers: px, ph [nb][G][16] pre-activations (x side with bw,
     * h side with bu; GRU keeps them apart for r * (Un h + bun)); c [b * cs + u] LSTM cell state in/out; hprev
     * [b * hs + u] h_{t-1}; writes h_t to hout [b * hs + u]. */
    void (*cell)(rb_cell cell, int nb, const float *px, const float *ph, float *c, size_t cs, const float *hprev,
                 float *hout, size_t hs);
    /* Per-step conversions, vectorised at the set's width (n, blk multiples of 16):
     * dequant_add: out[b][r] += (iacc[b][r] - off * 128 * rowsum[r]) * scale[r] * ascale[b * as], r < blk;
     * quant_h: q[u] = rb_q8(h[u], 127) (h with the fixed scale 1/127); round_bf16: q[u] = rb_bf16_round(h[u]);
     * quant_x: one x vector to u8 with its own scale (returned), padded with 128 from n to np. */
    void (*dequant_add)(float *out, const int32_t *iacc, const float *scale, const int32_t *rowsum, int off,
                        const float *ascale, size_t as, int nb, int blk);
    void (*quant_h)(const float *h, uint8_t *q, int n);
    void (*round_bf16)(const float *h, uint16_t *q, int n);
    float (*quant_x)(const float *src, int n, int np, uint8_t *dst);
} rb_fused_kernels;

/* Kernels for the ISA for one precision ("fp32", "bf16", "int8"): every ISA the CPU runs has a set; the portable
 * one always. NULL when the CPU cannot run isa. */
const rb_fused_kernels *rb_fused_kernels_for(rb_isa isa);
/* The fastest set this CPU runs for a precision (0 fp32, 1 bf16, 2 int8). */
rb_isa rb_fused_best_isa(int precision);

extern const rb_fused_kernels rb_fused_kernels_portable, rb_fused_kernels_avx2, rb_fused_kernels_avx512,
    rb_fused_kernels_avx512_vnni, rb_fused_kernels_avx512_bf16;

#endif
