/* backends/cpu_blas/cpu_blas_kernels.h — cpu-blas's own vector kernels, compiled once per instruction set
 * (cpu_blas_kernels_impl.h included by cpu_blas_kernels_{portable,avx2,avx512}.c) and picked at run time:
 *  - the element-wise passes of each cell, one loop over memory per operation, intermediates in memory (the
 *    "stitched kernels" model), over a range of hidden units so threads can share them;
 *  - a multi-right-hand-side GEMV, Y[b] += A X[b] for a few vectors in one pass over A (what a BLAS GEMM with
 *    M = batch should do; OpenBLAS 0.3.21 instead re-packs all of A on every call);
 *  - exp / expm1 / sigmoid / tanh over arrays (cpu_vmath.h), for the tests of the documented error bound. */
#ifndef RB_CPU_BLAS_KERNELS_H
#define RB_CPU_BLAS_KERNELS_H

#include "cpu_isa.h"

/* Buffers (row-major): xp [B][G*H] input projection of this step (W x + bw); hp [B][G*H] recurrent projection
 * (U h + bu); tmp [B][G*H] scratch; h [B][H] state in/out; c [B][H] LSTM cell state in/out. Each call updates
 * units [u0, u1) of every batch row. */
typedef struct rb_cpu_kernels {
    rb_isa isa;
    void (*lstm)(int B, int H, int u0, int u1, const float *xp, const float *hp, float *tmp, float *h, float *c);
    void (*gru)(int B, int H, int u0, int u1, const float *xp, const float *hp, float *tmp, float *h);
    void (*vanilla)(int B, int H, int u0, int u1, const float *xp, const float *hp, float *h);
    /* Y[b][r] += sum_k A[r][k] X[b][k] for r < rows, b < nb (any nb >= 1; one pass over A per 4 vectors). */
    void (*gemv_multi)(int rows, int K, const float *A, int lda, int nb, const float *X, int ldx, float *Y, int ldy);
    void (*exp)(int n, const float *in, float *out);
    void (*expm1)(int n, const float *in, float *out);
    void (*sigmoid)(int n, const float *in, float *out);
    void (*tanh)(int n, const float *in, float *out);
} rb_cpu_kernels;

/* The kernels compiled for isa: portable, avx2 and avx512 have their own; avx512-vnni / avx512-bf16 use avx512's.
 * NULL when the CPU cannot run them. */
const rb_cpu_kernels *rb_cpu_kernels_for(rb_isa isa);
/* The widest set this CPU runs. */
const rb_cpu_kernels *rb_cpu_kernels_best(void);

extern const rb_cpu_kernels rb_cpu_kernels_portable, rb_cpu_kernels_avx2, rb_cpu_kernels_avx512;

#endif
