/* backends/brainwave/bw_exec.h — functional execution of an RNN on the modeled Brainwave NPU: weights held
 * in block floating point per native-dimension block, MVM input vectors converted from fp16 to BFP per block,
 * exact block dot products accumulated in fp32, MVM results and every MFU vector op rounded to fp16.
 * Batch entries are independent requests (Brainwave serves batch 1); the emulation runs them side by side, one time
 * step of every request at a time, so each weight row is read once per step for the whole batch. W x_t does not
 * depend on h, so it is computed for a chunk of steps ahead. Block dot products are exact integers and the fp32
 * accumulation over blocks keeps its order, so the output is the same bits whatever the batching, the thread count
 * (parallel.h) or the instruction set (AVX-512 VNNI, AVX2 or portable integer kernels, chosen at run time). */
#ifndef BW_EXEC_H
#define BW_EXEC_H

#include <stdint.h>
#include "bw_bfp.h"
#include "problem.h"

/* A matrix [rows][cols] in BFP: each row's columns cut into col_blocks blocks of `block` values, each block stored
 * in `stride` bytes (block rounded up to 64, zero padded) so vector kernels need no tail; one step exponent per
 * (row, block). Magnitudes are stored in int8 (formats up to 7 magnitude bits). */
typedef struct bw_bfp_matrix {
    int rows, cols, block, col_blocks, stride;
    int8_t *q;    /* [rows][col_blocks][stride] */
    int16_t *exp; /* [rows][col_blocks]: step exponents */
} bw_bfp_matrix;

/* A set of n vectors in BFP with a matrix's block layout, ready for the kernels. */
typedef struct bw_bfp_vectors {
    int n, col_blocks, stride;
    int8_t *q;    /* [n][col_blocks][stride] */
    int16_t *exp; /* [n][col_blocks] */
    int32_t *sum; /* [n][col_blocks]: sum of each block's q (the VNNI kernel's offset correction) */
} bw_bfp_vectors;

typedef struct bw_exec {
    rb_problem prob;
    bw_bfp_format fmt;
    int block;              /* native dimension */
    bw_bfp_matrix W, U;     /* gate-stacked [G*H][I] and [G*H][H] */
    float *b_sum;           /* fp16(bw + bu), [G*H] (LSTM, vanilla, GRU r and z) */
    float *bw, *bu;         /* fp16 copies, [G*H] (GRU n gate keeps them apart: linear before reset) */
    int chunk;              /* time steps whose W x is computed together */
    /* scratch */
    bw_bfp_vectors xv;      /* [chunk * B] input vectors */
    bw_bfp_vectors hv;      /* [B] states */
    float *wx;              /* [chunk][B][G*H] W x_t */
    float *uh;              /* [B][G*H] U h_{t-1} */
    float *h, *c;           /* [B][H] */
    float *tmp;             /* [max(I, H)] fp16 copy of one input vector */
} bw_exec;

/* Quantise weights and allocate state. 0, or -1 with a reason in err. */
int bw_exec_init(bw_exec *ex, const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block,
                 char *err, size_t errlen);
/* x [T][B][I] -> y [T][B][H]. */
void bw_exec_run(bw_exec *ex, const float *x, float *y);
void bw_exec_free(bw_exec *ex);

/* y[r] = fp32 accumulation over blocks of (exact integer block dot product) * 2^(s_w + s_x), for a
 * vector already quantised into q/qexp (col_blocks * block entries, as bw_bfp_vector writes them) with the matrix's
 * block size. Exposed for tests. */
void bw_bfp_matvec(const bw_bfp_matrix *m, const int8_t *qx, const int16_t *sx, float *y);
/* Quantise a float matrix into BFP (m is allocated). 0 or -1. */
int bw_bfp_matrix_make(bw_bfp_matrix *m, const bw_bfp_format *f, const float *a, int rows, int cols, int block);
void bw_bfp_matrix_free(bw_bfp_matrix *m);
/* Quantise a vector of n floats into padded blocks (q has col_blocks*block entries). */
void bw_bfp_vector(const bw_bfp_format *f, const float *x, int n, int block, int8_t *q, int16_t *sx);

/* Testing: selects the integer kernel by name ("vnni", "avx2", "portable"; NULL or "" = this CPU's best). Returns
 * the name in use, or NULL when unknown or not supported here (the selection is unchanged). */
const char *bw_kernel_select(const char *isa);

#endif
