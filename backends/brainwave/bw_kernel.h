/* backends/brainwave/bw_kernel.h — the BFP matrix-times-vectors kernels of the Brainwave emulation: exact integer
 * dot products of int8 blocks, each scaled by 2^(s_w + s_x) and accumulated in fp32 over the blocks in order. Three
 * versions (AVX-512 VNNI, AVX2, portable) give the same bits; one is chosen at run time. */
#ifndef BW_KERNEL_H
#define BW_KERNEL_H

#include <stddef.h>
#include "bw_exec.h"

/* out[v * out_ld + r] = sum over blocks cb, in order, in fp32, of (float)(int dot of row r's block cb and vector v's
 * block cb) * 2^(exp_w[r][cb] + exp_v[v][cb]), for rows r in [r0, r1) and vectors v in [0, vecs->n). */
typedef void (*bw_rows_fn)(const bw_bfp_matrix *m, int r0, int r1, const bw_bfp_vectors *vecs, float *out,
                           size_t out_ld);

/* The kernel in use (this CPU's best unless bw_kernel_select chose another). */
bw_rows_fn bw_kernel(void);

#endif
