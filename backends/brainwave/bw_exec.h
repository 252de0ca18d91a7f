/* backends/brainwave/bw_exec.h — functional execution of an RNN on the modeled Brainwave NPU: weights held
 * in block floating point per native-dimension block, MVM input vectors converted from fp16 to BFP per block,
 * exact block dot products accumulated in fp32, MVM results and every MFU vector op rounded to fp16.
 * Batch entries run one after another (Brainwave serves batch 1). W x_t does not depend on h, so the
 * emulation computes it for all steps of a sequence up front (cache-blocked); the arithmetic per element
 * is exactly that of the per-step order, since block dot products are exact integers. */
#ifndef BW_EXEC_H
#define BW_EXEC_H

#include <stdint.h>
#include "bw_bfp.h"
#include "problem.h"

/* A matrix [rows][cols] in BFP: columns padded to col_blocks * block; one step exponent per (row, block).
 * Magnitudes are stored in int8 (formats up to 7 magnitude bits). */
typedef struct bw_bfp_matrix {
    int rows, cols, block, col_blocks;
    int8_t *q;    /* [rows][col_blocks * block] */
    int16_t *exp; /* [rows][col_blocks]: step exponents */
} bw_bfp_matrix;

typedef struct bw_exec {
    rb_problem prob;
    bw_bfp_format fmt;
    int block;              /* native dimension */
    bw_bfp_matrix W, U;     /* gate-stacked [G*H][I] and [G*H][H] */
    float *b_sum;           /* fp16(bw + bu), [G*H] (LSTM, vanilla, GRU r and z) */
    float *bw, *bu;         /* fp16 copies, [G*H] (GRU n gate keeps them apart: linear before reset) */
    /* scratch */
    int8_t *qvec;           /* [max(padded I, padded H)] */
    int16_t *qexp;
    int8_t *qx_all;         /* [T][padded I]: every input vector of one sequence in BFP */
    int16_t *sx_all;        /* [T][I blocks] */
    float *wx_all;          /* [T][G*H]: W x_t for the whole sequence (independent of h) */
    float *xin, *uh, *h, *c, *tmp;
} bw_exec;

/* Quantise weights and allocate state. 0, or -1 with a reason in err. */
int bw_exec_init(bw_exec *ex, const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block,
                 char *err, size_t errlen);
/* x [T][B][I] -> y [T][B][H]. */
void bw_exec_run(bw_exec *ex, const float *x, float *y);
void bw_exec_free(bw_exec *ex);

/* y[r] = fp32 accumulation over blocks of (exact integer block dot product) * 2^(s_w + s_x), for a
 * vector already quantised into q/qexp with the matrix's block size. Exposed for tests. */
void bw_bfp_matvec(const bw_bfp_matrix *m, const int8_t *qx, const int16_t *sx, float *y);
/* Quantise a float matrix into BFP (m is allocated). 0 or -1. */
int bw_bfp_matrix_make(bw_bfp_matrix *m, const bw_bfp_format *f, const float *a, int rows, int cols, int block);
void bw_bfp_matrix_free(bw_bfp_matrix *m);
/* Quantise a vector of n floats into padded blocks (q has col_blocks*block entries). */
void bw_bfp_vector(const bw_bfp_format *f, const float *x, int n, int block, int8_t *q, int16_t *sx);

#endif
