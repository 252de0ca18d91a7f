/* backends/cpu_fused/fused_pack.c — packs W and U into cpu-fused's per-block layouts (see fused_kernels.h) and
 * quantises them (bf16: round to nearest even; int8: symmetric, one scale per row); large blocks on huge pages. */
#define _DEFAULT_SOURCE /* madvise */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "fused_kernels.h"
#include "fused_pack.h"

/* Zeroed, 64-byte aligned. Allocations of 2 MiB or more (the weight streams) are 2 MiB aligned and advised as
 * transparent huge pages where the kernel offers them (THP "madvise" mode): streaming DRAM-resident weights then
 * takes no TLB miss per 4 KiB page, and the hardware prefetcher is not stopped at every 4 KiB boundary. Without THP
 * the advice fails harmlessly and the pages stay small. */
static void *zalloc(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    size_t align = bytes >= huge ? huge : 64;
    bytes = (bytes + align - 1) / align * align;
    void *p = aligned_alloc(align, bytes ? bytes : 64);
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (align == huge)
        (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes ? bytes : 64);
    return p;
}

static size_t elem_bytes(rb_fused_precision prec)
{
    return prec == RB_PREC_FP32 ? 4 : prec == RB_PREC_BF16 ? 2 : 1;
}

/* Packs M [G*H][K] (row g*H + unit) into nblk blocks of Kp k each, at the precision; int8 also fills scales and
 * row sums ([nblk][G][16]). */
static void pack_matrix(const float *M, int G, int H, int K, int Kp, int nblk, rb_fused_precision prec, void *dst,
                        size_t blk_bytes, float *scale, int32_t *rowsum)
{
    for (int j = 0; j < nblk; j++) {
        char *blk = (char *)dst + (size_t)j * blk_bytes;
        for (int g = 0; g < G; g++)
            for (int u = 0; u < RB_FUSED_UNITS; u++) {
                int unit = j * RB_FUSED_UNITS + u;
                size_t ru = (size_t)(j * G + g) * RB_FUSED_UNITS + u; /* row index in [nblk][G][16] */
                if (unit >= H)
                    continue; /* padding rows stay 0 */
                const float *row = M + ((size_t)g * H + unit) * K;
                float s = 1.0f;
                if (prec == RB_PREC_INT8) {
                    float m = 0;
                    for (int k = 0; k < K; k++)
                        m = fmaxf(m, fabsf(row[k]));
                    s = m > 0 ? m / 127.0f : 1.0f;
                    scale[ru] = s;
                }
                int32_t sum = 0;
                for (int k = 0; k < K; k++) {
                    size_t lane = (size_t)g * RB_FUSED_UNITS + u;
                    if (prec == RB_PREC_FP32) {
                        ((float *)blk)[(size_t)k * G * RB_FUSED_UNITS + lane] = row[k];
                    } else if (prec == RB_PREC_BF16) {
                        ((uint16_t *)blk)[(((size_t)(k / 2) * G * RB_FUSED_UNITS + lane) * 2) + (k & 1)] =
                            rb_bf16_round(row[k]);
                    } else {
                        long q = lrintf(row[k] / s);
                        q = q > 127 ? 127 : q < -127 ? -127 : q;
                        ((int8_t *)blk)[((size_t)(k / 4) * G * RB_FUSED_UNITS + lane) * 4 + (k & 3)] = (int8_t)q;
                        sum += (int32_t)q;
                    }
                }
                if (rowsum)
                    rowsum[ru] = sum;
            }
    }
    (void)Kp;
}

static void pack_bias(const float *b, int G, int H, int nblk, float *dst)
{
    for (int j = 0; j < nblk; j++)
        for (int g = 0; g < G; g++)
            for (int u = 0; u < RB_FUSED_UNITS; u++) {
                int unit = j * RB_FUSED_UNITS + u;
                dst[(size_t)(j * G + g) * RB_FUSED_UNITS + u] = unit < H ? b[(size_t)g * H + unit] : 0.0f;
            }
}

int rb_fused_pack_make(rb_fused_pack *pk, const rb_problem *p, const rb_weights *w, rb_fused_precision prec)
{
    memset(pk, 0, sizeof *pk);
    pk->prec = prec;
    pk->G = rb_cell_gates(p->cell);
    pk->H = p->hidden;
    pk->I = p->input;
    pk->Hp = (p->hidden + RB_FUSED_UNITS - 1) / RB_FUSED_UNITS * RB_FUSED_UNITS;
    pk->Ip = (p->input + 3) / 4 * 4;
    pk->nblk = pk->Hp / RB_FUSED_UNITS;
    size_t row_bytes = (size_t)pk->G * RB_FUSED_UNITS * elem_bytes(prec);
    pk->bx_stride = (row_bytes * pk->Ip + 63) / 64 * 64;
    pk->bh_stride = (row_bytes * pk->Hp + 63) / 64 * 64;
    size_t nrow = (size_t)pk->nblk * pk->G * RB_FUSED_UNITS;
    pk->wx = zalloc(pk->bx_stride * pk->nblk);
    pk->wh = zalloc(pk->bh_stride * pk->nblk);
    pk->bx = zalloc(nrow * sizeof(float));
    pk->bh = zalloc(nrow * sizeof(float));
    if (prec == RB_PREC_INT8) {
        pk->sx = zalloc(nrow * sizeof(float));
        pk->sh = zalloc(nrow * sizeof(float));
        pk->cx = zalloc(nrow * sizeof(int32_t));
        pk->ch = zalloc(nrow * sizeof(int32_t));
    }
    if (!pk->wx || !pk->wh || !pk->bx || !pk->bh ||
        (prec == RB_PREC_INT8 && (!pk->sx || !pk->sh || !pk->cx || !pk->ch))) {
        rb_fused_pack_free(pk);
        return -1;
    }
    pack_matrix(w->W, pk->G, pk->H, pk->I, pk->Ip, pk->nblk, prec, pk->wx, pk->bx_stride, pk->sx, pk->cx);
    pack_matrix(w->U, pk->G, pk->H, pk->H, pk->Hp, pk->nblk, prec, pk->wh, pk->bh_stride, pk->sh, pk->ch);
    pack_bias(w->bw, pk->G, pk->H, pk->nblk, pk->bx);
    pack_bias(w->bu, pk->G, pk->H, pk->nblk, pk->bh);
    return 0;
}

void rb_fused_pack_free(rb_fused_pack *pk)
{
    free(pk->wx);
    free(pk->wh);
    free(pk->bx);
    free(pk->bh);
    free(pk->sx);
    free(pk->sh);
    free(pk->cx);
    free(pk->ch);
    memset(pk, 0, sizeof *pk);
}

size_t rb_fused_pack_bytes_w(const rb_fused_pack *pk)
{
    return pk->bx_stride * pk->nblk;
}

size_t rb_fused_pack_bytes_u(const rb_fused_pack *pk)
{
    return pk->bh_stride * pk->nblk;
}
