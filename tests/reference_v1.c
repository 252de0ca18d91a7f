/* tests/reference_v1.c — the single-threaded fp32 reference as it was before the threaded, multi-ISA version
 * (workloads/reference.c up to commit 7a9737a), kept verbatim but renamed: test_reference checks that the current
 * reference gives the same bits. */
#include "problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Timesteps x batch rows whose input projection is computed together (bounds the scratch memory). */
#define CHUNK_VECTORS 32

/* sum_k a[k]*b[k], products and sums in double. Eight named accumulators (not an array, which the
 * compiler would keep in memory) let it keep them in vector registers. */
static inline __attribute__((always_inline)) double dot(const float *a, const float *b, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        s0 += (double)a[k] * (double)b[k];
        s1 += (double)a[k + 1] * (double)b[k + 1];
        s2 += (double)a[k + 2] * (double)b[k + 2];
        s3 += (double)a[k + 3] * (double)b[k + 3];
        s4 += (double)a[k + 4] * (double)b[k + 4];
        s5 += (double)a[k + 5] * (double)b[k + 5];
        s6 += (double)a[k + 6] * (double)b[k + 6];
        s7 += (double)a[k + 7] * (double)b[k + 7];
    }
    for (; k < n; k++)
        s0 += (double)a[k] * (double)b[k];
    return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
}

/* On x86-64 with GCC, also compile the projection for AVX2 and pick the version at load time (the
 * arithmetic is the same: products of two floats are exact in double, and the summation order is fixed). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RB_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define RB_MULTIVERSION
#endif

/* out[v][r] = bias[r] + M[r] . vec[v]  for r < rows, v < nvec;  M is [rows][len], vec is [nvec][len]. */
RB_MULTIVERSION static void project(const float *M, const float *bias, size_t rows, size_t len, const float *vec, size_t nvec,
                    double *out)
{
    for (size_t r = 0; r < rows; r++) {
        const float *row = M + r * len;
        for (size_t v = 0; v < nvec; v++)
            out[v * rows + r] = (double)bias[r] + dot(row, vec + v * len, len);
    }
}

static double sigmoid(double v)
{
    return 1.0 / (1.0 + exp(-v));
}

/* One step of the cell for one batch element. xp and hp hold the G*H gate pre-activations from the input
 * (with bw) and from the recurrent side (with bu), gate-blocked; h is h_{t-1}; c the LSTM cell state. */
static void lstm_step(const double *xp, const double *hp, float *c, float *h_out, size_t H)
{
    for (size_t j = 0; j < H; j++) {
        double i = sigmoid(xp[j] + hp[j]);
        double f = sigmoid(xp[H + j] + hp[H + j]);
        double g = tanh(xp[2 * H + j] + hp[2 * H + j]);
        double o = sigmoid(xp[3 * H + j] + hp[3 * H + j]);
        double c_new = f * (double)c[j] + i * g;
        c[j] = (float)c_new;
        h_out[j] = (float)(o * tanh(c_new));
    }
}

static void gru_step(const double *xp, const double *hp, const float *h, float *h_out, size_t H)
{
    for (size_t j = 0; j < H; j++) {
        double r = sigmoid(xp[j] + hp[j]);
        double z = sigmoid(xp[H + j] + hp[H + j]);
        double n = tanh(xp[2 * H + j] + r * hp[2 * H + j]);
        h_out[j] = (float)((1.0 - z) * n + z * (double)h[j]);
    }
}

static void vanilla_step(const double *xp, const double *hp, float *h_out, size_t H)
{
    for (size_t j = 0; j < H; j++)
        h_out[j] = (float)tanh(xp[j] + hp[j]);
}

int rb_reference_forward_v1(const rb_problem *p, const rb_weights *w, const float *x, float *y)
{
    const int G = rb_cell_gates(p->cell);
    if (G == 0 || p->hidden <= 0 || p->input <= 0 || p->batch <= 0 || p->timesteps <= 0 || w->gates != G ||
        w->hidden != p->hidden || w->input != p->input)
        return -1;
    const size_t H = (size_t)p->hidden, I = (size_t)p->input, B = (size_t)p->batch, T = (size_t)p->timesteps;
    const size_t rows = (size_t)G * H;
    size_t chunk = B >= CHUNK_VECTORS ? 1 : CHUNK_VECTORS / B; /* timesteps per input-projection chunk */
    if (chunk > T)
        chunk = T;

    double *xpre = malloc(chunk * B * rows * sizeof *xpre); /* [chunk][B][rows] */
    double *hpre = malloc(B * rows * sizeof *hpre);         /* [B][rows] */
    float *h0 = calloc(B * H, sizeof *h0);                  /* h_0 = 0 */
    float *c = calloc(B * H, sizeof *c);                    /* c_0 = 0 (LSTM only) */
    int rc = -1;
    if (xpre == NULL || hpre == NULL || h0 == NULL || c == NULL)
        goto done;

    for (size_t t0 = 0; t0 < T; t0 += chunk) {
        size_t steps = T - t0 < chunk ? T - t0 : chunk;
        project(w->W, w->bw, rows, I, x + t0 * B * I, steps * B, xpre);
        for (size_t s = 0; s < steps; s++) {
            size_t t = t0 + s;
            const float *h_prev = t == 0 ? h0 : y + (t - 1) * B * H;
            float *h_new = y + t * B * H;
            project(w->U, w->bu, rows, H, h_prev, B, hpre);
            for (size_t b = 0; b < B; b++) {
                const double *xp = xpre + (s * B + b) * rows, *hp = hpre + b * rows;
                switch (p->cell) {
                case RB_CELL_LSTM: lstm_step(xp, hp, c + b * H, h_new + b * H, H); break;
                case RB_CELL_GRU: gru_step(xp, hp, h_prev + b * H, h_new + b * H, H); break;
                case RB_CELL_VANILLA: vanilla_step(xp, hp, h_new + b * H, H); break;
                }
            }
        }
    }
    rc = 0;
done:
    free(xpre);
    free(hpre);
    free(h0);
    free(c);
    return rc;
}
