/* backends/cpu_blas/cpu_blas_cells.c — the scalar (libm expf/tanhf) element-wise passes of cpu-blas's
 * kernels=openblas mode, the implementation before the tuned kernels, kept for side-by-side comparison. Each loop is
 * a separate pass over memory, like the separate element-wise kernels of a BLAS-based framework. */
#include <math.h>
#include "cpu_blas_cells.h"

static float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

void rb_cpu_lstm_pointwise(int B, int H, const float *xp, const float *hp, float *tmp, float *h, float *c)
{
    const int G = 4 * H;
    for (int b = 0; b < B; b++) { /* pass 1: sum the projections */
        for (int k = 0; k < G; k++)
            tmp[b * G + k] = xp[b * G + k] + hp[b * G + k];
    }
    for (int b = 0; b < B; b++) { /* pass 2: activations i,f,(g),o */
        float *t = tmp + (size_t)b * G;
        for (int k = 0; k < H; k++) {
            t[k] = sigmoidf(t[k]);
            t[H + k] = sigmoidf(t[H + k]);
            t[2 * H + k] = tanhf(t[2 * H + k]);
            t[3 * H + k] = sigmoidf(t[3 * H + k]);
        }
    }
    for (int b = 0; b < B; b++) { /* pass 3: cell state */
        const float *t = tmp + (size_t)b * G;
        for (int k = 0; k < H; k++)
            c[b * H + k] = t[H + k] * c[b * H + k] + t[k] * t[2 * H + k];
    }
    for (int b = 0; b < B; b++) { /* pass 4: hidden state */
        const float *t = tmp + (size_t)b * G;
        for (int k = 0; k < H; k++)
            h[b * H + k] = t[3 * H + k] * tanhf(c[b * H + k]);
    }
}

void rb_cpu_gru_pointwise(int B, int H, const float *xp, const float *hp, float *tmp, float *h)
{
    const int G = 3 * H;
    for (int b = 0; b < B; b++) { /* pass 1: r, z gates */
        float *t = tmp + (size_t)b * G;
        for (int k = 0; k < 2 * H; k++)
            t[k] = sigmoidf(xp[b * G + k] + hp[b * G + k]);
    }
    for (int b = 0; b < B; b++) { /* pass 2: candidate n = tanh(Wn x + bwn + r * (Un h + bun)) */
        float *t = tmp + (size_t)b * G;
        for (int k = 0; k < H; k++)
            t[2 * H + k] = tanhf(xp[b * G + 2 * H + k] + t[k] * hp[b * G + 2 * H + k]);
    }
    for (int b = 0; b < B; b++) { /* pass 3: h' = (1-z) n + z h */
        const float *t = tmp + (size_t)b * G;
        for (int k = 0; k < H; k++) {
            float z = t[H + k];
            h[b * H + k] = (1.0f - z) * t[2 * H + k] + z * h[b * H + k];
        }
    }
}

void rb_cpu_vanilla_pointwise(int B, int H, const float *xp, const float *hp, float *h)
{
    for (int k = 0; k < B * H; k++)
        h[k] = tanhf(xp[k] + hp[k]);
}
