/* backends/cpu_blas/cpu_blas_kernels_impl.h — the code of cpu-blas's kernels (see cpu_blas_kernels.h), included
 * once per instruction set by cpu_blas_kernels_<isa>.c, which defines RB_KERNELS_NAME, RB_KERNELS_ISA,
 * RB_GEMV_LANES (floats per native vector) and RB_GEMV_ROWS (rows of A per register tile). */
#include <stddef.h>
#include <stdint.h>
#include "cpu_blas_kernels.h"
#include "cpu_vmath.h"

static inline rb_vf ld(const float *p, int n)
{
    return n == RB_VF_LANES ? rb_vf_load(p) : rb_vf_load_n(p, n);
}

static inline void st(float *p, rb_vf v, int n)
{
    if (n == RB_VF_LANES)
        rb_vf_store(p, v);
    else
        rb_vf_store_n(p, v, n);
}

/* for each chunk [k, k + n) of [u0, u1), one vector wide */
#define FOR_CHUNKS(k, n, u0, u1)                                                                                       \
    for (int k = (u0), n = (u1) - (u0) < RB_VF_LANES ? (u1) - (u0) : RB_VF_LANES; k < (u1);                            \
         k += RB_VF_LANES, n = (u1) - k < RB_VF_LANES ? (u1) - k : RB_VF_LANES)

static void lstm_passes(int B, int H, int u0, int u1, const float *xp, const float *hp, float *tmp, float *h,
                        float *c)
{
    const size_t G = 4 * (size_t)H;
    for (int b = 0; b < B; b++) /* pass 1: sum the projections */
        for (int g = 0; g < 4; g++) {
            size_t o = b * G + (size_t)g * H;
            FOR_CHUNKS(k, n, u0, u1) st(tmp + o + k, ld(xp + o + k, n) + ld(hp + o + k, n), n);
        }
    for (int b = 0; b < B; b++) { /* pass 2: activations i, f, (g), o */
        float *t = tmp + b * G;
        FOR_CHUNKS(k, n, u0, u1)
        {
            st(t + k, rb_vsigmoid(ld(t + k, n)), n);
            st(t + H + k, rb_vsigmoid(ld(t + H + k, n)), n);
            st(t + 2 * H + k, rb_vtanh(ld(t + 2 * H + k, n)), n);
            st(t + 3 * H + k, rb_vsigmoid(ld(t + 3 * H + k, n)), n);
        }
    }
    for (int b = 0; b < B; b++) { /* pass 3: cell state */
        const float *t = tmp + b * G;
        float *cb = c + (size_t)b * H;
        FOR_CHUNKS(k, n, u0, u1)
        st(cb + k, ld(t + H + k, n) * ld(cb + k, n) + ld(t + k, n) * ld(t + 2 * H + k, n), n);
    }
    for (int b = 0; b < B; b++) { /* pass 4: hidden state */
        const float *t = tmp + b * G;
        FOR_CHUNKS(k, n, u0, u1)
        st(h + (size_t)b * H + k, ld(t + 3 * H + k, n) * rb_vtanh(ld(c + (size_t)b * H + k, n)), n);
    }
}

static void gru_passes(int B, int H, int u0, int u1, const float *xp, const float *hp, float *tmp, float *h)
{
    const size_t G = 3 * (size_t)H;
    for (int b = 0; b < B; b++) /* pass 1: r, z gates */
        for (int g = 0; g < 2; g++) {
            size_t o = b * G + (size_t)g * H;
            FOR_CHUNKS(k, n, u0, u1) st(tmp + o + k, rb_vsigmoid(ld(xp + o + k, n) + ld(hp + o + k, n)), n);
        }
    for (int b = 0; b < B; b++) { /* pass 2: candidate n = tanh(Wn x + bwn + r * (Un h + bun)) */
        size_t o = b * G;
        FOR_CHUNKS(k, n, u0, u1)
        st(tmp + o + 2 * H + k,
           rb_vtanh(ld(xp + o + 2 * H + k, n) + ld(tmp + o + k, n) * ld(hp + o + 2 * H + k, n)), n);
    }
    for (int b = 0; b < B; b++) { /* pass 3: h' = (1 - z) n + z h */
        const float *t = tmp + b * G;
        float *hb = h + (size_t)b * H;
        FOR_CHUNKS(k, n, u0, u1)
        {
            rb_vf z = ld(t + H + k, n);
            st(hb + k, (1.0f - z) * ld(t + 2 * H + k, n) + z * ld(hb + k, n), n);
        }
    }
}

static void vanilla_passes(int B, int H, int u0, int u1, const float *xp, const float *hp, float *h)
{
    for (int b = 0; b < B; b++) {
        size_t o = (size_t)b * H;
        FOR_CHUNKS(k, n, u0, u1) st(h + o + k, rb_vtanh(ld(xp + o + k, n) + ld(hp + o + k, n)), n);
    }
}

/* ---- multi-right-hand-side GEMV ---- */
typedef float gv __attribute__((vector_size(RB_GEMV_LANES * 4)));

static inline gv gv_load(const float *p)
{
    gv v;
    memcpy(&v, p, sizeof v);
    return v;
}

typedef int32_t gvi __attribute__((vector_size(RB_GEMV_LANES * 4)));
#if RB_GEMV_LANES == 16
#define GV_EVEN {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}
#define GV_ODD {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}
#elif RB_GEMV_LANES == 8
#define GV_EVEN {0, 2, 4, 6, 8, 10, 12, 14}
#define GV_ODD {1, 3, 5, 7, 9, 11, 13, 15}
#else
#define GV_EVEN {0, 2, 4, 6}
#define GV_ODD {1, 3, 5, 7}
#endif

/* Lanes (2i, 2i + 1) of a then of b, summed: the first half holds a's pair sums, the second half b's. */
static inline gv gv_pairsum(gv a, gv b)
{
    const gvi even = GV_EVEN, odd = GV_ODD;
    return __builtin_shuffle(a, b, even) + __builtin_shuffle(a, b, odd);
}

/* out[m] = the sum of v[m]'s lanes, m < n: a transposing tree, RB_GEMV_LANES sums per log2(lanes) levels of
 * pair sums (2 shuffles and an add per pair) instead of a serial horizontal sum per vector. */
static inline __attribute__((always_inline)) void gv_sums(const gv *v, int n, float *out)
{
    for (int m0 = 0; m0 < n; m0 += RB_GEMV_LANES) {
        gv t[RB_GEMV_LANES];
        for (int m = 0; m < RB_GEMV_LANES; m++)
            t[m] = m0 + m < n ? v[m0 + m] : (gv){0};
        for (int w = RB_GEMV_LANES; w > 1; w /= 2)
            for (int m = 0; m < w / 2; m++)
                t[m] = gv_pairsum(t[2 * m], t[2 * m + 1]);
        for (int m = 0; m < RB_GEMV_LANES && m0 + m < n; m++)
            out[m0 + m] = t[0][m];
    }
}

/* Software prefetch of A's rows, RB_GEMV_PF_FLOATS ahead of the loads: with several vectors the loop does NB FMAs
 * per loaded vector of A, so the out-of-order window covers fewer of A's cache lines and the DRAM stream slowed
 * (measured on a 50 MB matrix: 4 vectors took 1.5-1.6x one vector's time without it). A prefetch past the end of
 * a row lands in the next row (or beyond A: harmless, a prefetch cannot fault). */
#ifndef RB_GEMV_PF_FLOATS
#define RB_GEMV_PF_FLOATS 256
#endif

/* Y[j][i] += A[i] . X[j] for i < R rows, j < NB vectors; R and NB are constants at every call site, so the
 * R x NB accumulators live in registers. */
static inline __attribute__((always_inline)) void gemv_tile(const int R, const int NB, int K, const float *A,
                                                             int lda, const float *X, int ldx, float *Y, int ldy)
{
    gv acc[RB_GEMV_ROWS][4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NB; j++)
            acc[i][j] = (gv){0};
    int k = 0;
    for (; k + RB_GEMV_LANES <= K; k += RB_GEMV_LANES) {
        gv x[4];
        for (int j = 0; j < NB; j++)
            x[j] = gv_load(X + (size_t)j * ldx + k);
        for (int i = 0; i < R; i++) {
            if (NB > 1 && (k & 15) == 0) /* one prefetch per 64-byte line */
                __builtin_prefetch(A + (size_t)i * lda + k + RB_GEMV_PF_FLOATS, 0, 0);
            gv a = gv_load(A + (size_t)i * lda + k);
            for (int j = 0; j < NB; j++)
                acc[i][j] += a * x[j];
        }
    }
    gv v[RB_GEMV_ROWS * 4];
    float sums[RB_GEMV_ROWS * 4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NB; j++)
            v[j * R + i] = acc[i][j];
    gv_sums(v, R * NB, sums);
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NB; j++) {
            float s = sums[j * R + i];
            for (int kk = k; kk < K; kk++)
                s += A[(size_t)i * lda + kk] * X[(size_t)j * ldx + kk];
            Y[(size_t)j * ldy + i] += s;
        }
}

#define GEMV_NB(R, nbc, K, A, lda, X, ldx, Y, ldy)                                                                   \
    switch (nbc) {                                                                                                     \
    case 1: gemv_tile(R, 1, K, A, lda, X, ldx, Y, ldy); break;                                                         \
    case 2: gemv_tile(R, 2, K, A, lda, X, ldx, Y, ldy); break;                                                         \
    case 3: gemv_tile(R, 3, K, A, lda, X, ldx, Y, ldy); break;                                                         \
    default: gemv_tile(R, 4, K, A, lda, X, ldx, Y, ldy); break;                                                        \
    }

static void gemv_multi(int rows, int K, const float *A, int lda, int nb, const float *X, int ldx, float *Y, int ldy)
{
    for (int b0 = 0; b0 < nb; b0 += 4) {
        int nbc = nb - b0 < 4 ? nb - b0 : 4;
        const float *Xb = X + (size_t)b0 * ldx;
        float *Yb = Y + (size_t)b0 * ldy;
        int r = 0;
        for (; r + RB_GEMV_ROWS <= rows; r += RB_GEMV_ROWS)
            GEMV_NB(RB_GEMV_ROWS, nbc, K, A + (size_t)r * lda, lda, Xb, ldx, Yb + r, ldy)
        for (; r < rows; r++)
            GEMV_NB(1, nbc, K, A + (size_t)r * lda, lda, Xb, ldx, Yb + r, ldy)
    }
}

/* ---- array math (tests) ---- */
#define ARRAY_FN(name, f)                                                                                              \
    static void name(int n, const float *in, float *out)                                                               \
    {                                                                                                                  \
        FOR_CHUNKS(k, m, 0, n) st(out + k, f(ld(in + k, m)), m);                                                       \
    }
ARRAY_FN(array_exp, rb_vexp)
ARRAY_FN(array_expm1, rb_vexpm1)
ARRAY_FN(array_sigmoid, rb_vsigmoid)
ARRAY_FN(array_tanh, rb_vtanh)

const rb_cpu_kernels RB_KERNELS_NAME = {
    .isa = RB_KERNELS_ISA,
    .lstm = lstm_passes,
    .gru = gru_passes,
    .vanilla = vanilla_passes,
    .gemv_multi = gemv_multi,
    .exp = array_exp,
    .expm1 = array_expm1,
    .sigmoid = array_sigmoid,
    .tanh = array_tanh,
};
