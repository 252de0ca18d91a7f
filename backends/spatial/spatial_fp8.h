/* backends/spatial/spatial_fp8.h — functional execution in the paper's mixed-precision numerics (§4.1, Table 5:
 * "mix f8+16+32"):
 *   - weights [W U] and the x/h operand buffer hold 8-bit floating point ("4-float8": four per 32-bit word). The
 *     paper does not give the format: e4m3 (OCP FP8: 3 mantissa bits, exponent bias 7, max 448, no infinities)
 *     is the default, e5m2 (2 mantissa bits, bias 15, max 57344) selectable. Rounding to nearest even,
 *     saturating at the format's maximum. Each tensor (the weights; the x/h buffer) carries one power-of-two
 *     scale that puts its largest magnitude at or below 2^7, so products stay inside fp16;
 *   - the map-reduce of one PCU, per lane: four 8-bit products rounded to fp16 ("4x8 mul + split"), added in
 *     pairs and rounded to fp16 ("2x16 add + split"), the two pair sums added in fp32; then the 16 lanes in a
 *     fixed fp32 tree (lane l with l + 8, then l + 4, ...) and fp32 accumulation over the 64-element vectors, x
 *     part first, then h part. The order is that of ru = 1 (the numerics do not depend on the mapping; other
 *     ru only reorder fp32 additions);
 *   - the accumulator is rescaled and biased in fp32 (the LUT PMU's address datapath), the activations are
 *     table lookups (lut_entries entries over [lut_min, lut_max), entry = the function at the bin centre, stored
 *     as 8-bit floats), and every element-wise operation after them rounds its result to the 8-bit format
 *     ("element-wise operations in 8-bit"), including the LSTM cell state c and the GRU's h;
 *   - input=skip: the projections W x + b are precomputed with the same arithmetic and streamed in as 8-bit
 *     floats with one power-of-two scale.
 * The output y is the 8-bit h of every step.
 *
 * Execution (spatial_fp8.c, spatial_fp8_kernel.c): weights are held as bf16 codes (2 bytes a weight; every 8-bit
 * float is a bf16 number) in blocks of 16 rows; the x part of every step is computed ahead for a chunk of
 * steps, each weight block read once for all the requests of a batch, the row blocks split over the process's
 * thread pool (workloads/parallel.h), AVX-512 / AVX2 / portable kernels chosen at run time. Every row's fp32
 * operations are those of the order above, so the output does not depend on the kernel or the thread count. */
#ifndef RB_SPATIAL_FP8_H
#define RB_SPATIAL_FP8_H

#include <stdint.h>

#include "spatial_arch.h"
#include "spatial_map.h"

typedef struct sp_fp8_fmt {
    const char *name;   /* "e4m3", "e5m2" */
    int mbits;          /* mantissa bits */
    int emin;           /* exponent of the smallest normal number */
    double max;         /* largest finite magnitude (saturation) */
    int scale_bias;     /* 0; tests set it to emulate a quantiser that mis-scales its tensors */
} sp_fp8_fmt;

extern const sp_fp8_fmt SP_FP8_E4M3, SP_FP8_E5M2;

/* Round to the nearest 8-bit float of the format (ties to even), saturating. */
float sp_fp8_round(float v, const sp_fp8_fmt *f);
/* Round to the nearest fp16 (ties to even), saturating at 65504. */
float sp_f16_round(float v);

typedef struct sp_fp8_model {
    rb_cell cell;
    int G, H, I;
    sp_input_mode mode;
    sp_fp8_fmt fmt;
    int nxc, nhc;          /* 64-element vectors of the x part and the h part */
    int nblk;              /* blocks of 16 rows covering the G*H rows (the last zero-padded) */
    uint16_t *Wh;          /* [nblk][nxc + nhc][64][16] bf16 codes of the 8-bit float weights x 2^kw (layout in
                              spatial_fp8_kernel.h): row r is [W_r U_r], each part lane-major per 64-vector */
    int kw;                /* weight scale exponent */
    float wmax;            /* largest |weight| as stored: with the operands' largest, bounds the fp16 sums */
    float *bias;           /* [G*H] fp32: bw + bu, except the GRU n gate: bw_n */
    float *bun;            /* [H] GRU bu_n (inside r * (.)) */
    float *sig, *tanh;     /* activation tables, 8-bit float entries */
    int lut_n;
    float lut_lo, lut_scale; /* index = (v - lut_lo) * lut_scale */
} sp_fp8_model;

/* Quantise the weights. 0, or -1 on allocation failure or a format whose values are not all bf16 numbers. */
int sp_fp8_init(sp_fp8_model *q, const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode,
                const sp_fp8_fmt *fmt);
void sp_fp8_free(sp_fp8_model *q);
/* Whole-sequence inference x [T][B][I] -> y [T][B][H]. 0, or -1 on allocation failure. */
int sp_fp8_run(const sp_fp8_model *q, const rb_problem *p, const float *x, float *y);

#endif
