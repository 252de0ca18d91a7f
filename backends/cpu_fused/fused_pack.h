/* backends/cpu_fused/fused_pack.h — cpu-fused's weights, packed once in prepare: per block of 16 hidden units, all
 * gate rows of W (x side) and of U (h side) in the dot kernels' layout (fused_kernels.h), in fp32, bf16 or int8
 * (one scale per row of W and of U, and the row's sum of quantised weights for VNNI's u8 offset), with the
 * biases in the same [G][16] block order. Also the activation conversions shared by prepare and run. */
#ifndef RB_FUSED_PACK_H
#define RB_FUSED_PACK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "problem.h"

typedef enum { RB_PREC_FP32 = 0, RB_PREC_BF16 = 1, RB_PREC_INT8 = 2 } rb_fused_precision;

typedef struct rb_fused_pack {
    rb_fused_precision prec;
    int G, H, I;
    int Hp, Ip;     /* H rounded up to 16 units, I rounded up to 4 */
    int nblk;       /* Hp / 16 */
    void *wx, *wh;  /* [nblk] blocks of W (Ip k) and U (Hp k) */
    size_t bx_stride, bh_stride; /* bytes per block of wx, wh */
    float *bx, *bh; /* [nblk][G][16] bw, bu (0 in padding) */
    float *sx, *sh; /* int8: [nblk][G][16] row scales of W and U */
    int32_t *cx, *ch; /* int8: [nblk][G][16] sums of each row's quantised weights */
} rb_fused_pack;

/* 0, or -1 when out of memory. */
int rb_fused_pack_make(rb_fused_pack *pk, const rb_problem *p, const rb_weights *w, rb_fused_precision prec);
void rb_fused_pack_free(rb_fused_pack *pk);
/* Bytes of packed W and U (what a step streams: U, plus W when the input is fused). */
size_t rb_fused_pack_bytes_w(const rb_fused_pack *pk);
size_t rb_fused_pack_bytes_u(const rb_fused_pack *pk);

/* fp32 -> bf16, round to nearest even. */
static inline uint16_t rb_bf16_round(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

/* int8 activation as u8 = clamp(round(v / scale), -127, 127) + 128. */
static inline uint8_t rb_q8(float v, float inv_scale)
{
    float q = v * inv_scale;
    q = q > 127.0f ? 127.0f : q < -127.0f ? -127.0f : q;
    return (uint8_t)((int)(q + (q >= 0 ? 0.5f : -0.5f)) + 128);
}

#endif
