/* backends/brainwave/bw_bfp.h — Brainwave numerics: block floating point (one shared exponent per native-
 * dimension block, a sign and a few magnitude bits per element) for matrices and MVM input vectors, and
 * IEEE half-precision rounding for the vector (MFU) side.
 *
 * A block of n values is stored as integers q_i (|q_i| <= 2^b - 1, b = magnitude bits) and one step
 * exponent s: value_i = q_i * 2^s. The shared exponent e is that of the block's largest magnitude
 * (2^e <= max|x| < 2^(e+1)), clamped to the format's exponent range, and s = e - b + 1, so the block
 * maximum keeps b significant bits. Rounding is to nearest, ties to even; a magnitude that rounds above
 * 2^b - 1 saturates. An all-zero block stores zeros. */
#ifndef BW_BFP_H
#define BW_BFP_H

#include <stdint.h>

typedef struct bw_bfp_format {
    int mag_bits;     /* b: magnitude bits per element (mantissa bits + stored leading bit) */
    int exp_min;      /* shared exponent range, IEEE-like for the given exponent width */
    int exp_max;
} bw_bfp_format;

/* Format from exponent bits, mantissa bits and whether the leading bit is stored (0/1). 0, or -1 if invalid. */
int bw_bfp_format_make(bw_bfp_format *f, int exp_bits, int mantissa_bits, int leading_bit);

/* Quantise n values: writes q[0..n-1] and returns the step exponent s (value = q * 2^s). Non-finite input
 * is treated as saturating (+-max). */
int bw_bfp_quantize(const bw_bfp_format *f, const float *x, int n, int16_t *q);
/* The shared exponent e that bw_bfp_quantize would pick for a block with this max magnitude. */
int bw_bfp_shared_exponent(const bw_bfp_format *f, float maxabs);
/* Quantise then dequantise x in blocks of `block` elements (last block may be short): out may equal x. */
void bw_bfp_round(const bw_bfp_format *f, const float *x, float *out, int n, int block);

/* Round to the nearest IEEE binary16 value (ties to even, subnormals kept, overflow to +-inf), as float. */
float bw_fp16_round(float x);

#endif
