/* workloads/reference.c — the fp32 reference cells (LSTM, GRU linear-before-reset, vanilla tanh) exactly as
 * documented in problem.h: fp32 weights, inputs and states; dot products accumulated in double; gate
 * arithmetic in double. This is the ground truth every backend's output is compared with.
 *
 * Organisation, for speed on big problems without changing the arithmetic:
 *  1. the input projection W x_t + bw is computed for a chunk of timesteps at once, so each row of W is
 *     streamed from memory once per chunk instead of once per step;
 *  2. per step, the recurrent projection U h_{t-1} + bu streams the rows of U once for the whole batch, and the
 *     element-wise cell update of each hidden unit follows right after that unit's gate rows;
 *  3. both are split over threads (parallel.h) by rows and by hidden units; every output value is computed by one
 *     thread in one fixed order (ref_dot.h), so the result is bit-identical for any thread count and instruction
 *     set, and identical to the single-threaded implementation this replaced. */
#include "problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "ref_dot.h"

/* Timesteps x batch rows whose input projection is computed together (bounds the scratch memory). */
#define CHUNK_VECTORS 32
#define ROWS_PER_TASK 64  /* input projection: rows of W per claimed chunk */
#define UNITS_PER_TASK 16 /* recurrent step: hidden units (G rows each) per claimed chunk */

typedef struct ref_run {
    rb_cell cell;
    size_t G, H, I, B, rows;
    const rb_weights *w;
    rb_dot_rows_fn dot;
    /* input projection of one chunk: xpre[v][r] = bw[r] + W[r] . xd[v] */
    const double *xd; /* [nvec][I] */
    size_t nvec;
    double *xpre;     /* [chunk * B][rows] */
    /* one recurrent step */
    const double *hd;     /* [B][H] h_{t-1} in double */
    const float *h_prev;  /* [B][H] */
    float *h_new;         /* [B][H] */
    float *c;             /* [B][H] LSTM cell state */
    const double *xstep;  /* [B][rows] this step's slice of xpre */
    double *hpre;         /* [B][rows] */
} ref_run;

/* out[v*rows + r] = bias[r] + M[r] . vec[v] for rows [r0, r1) and every v. */
static void project_rows(const ref_run *k, const float *M, const float *bias, size_t len, size_t r0, size_t r1,
                         const double *vec, size_t nvec, double *out)
{
    double d[4];
    for (size_t r = r0; r < r1; r += 4) {
        int nr = r1 - r < 4 ? (int)(r1 - r) : 4;
        for (size_t v = 0; v < nvec; v++) {
            k->dot(M + r * len, len, nr, vec + v * len, len, d);
            for (int i = 0; i < nr; i++)
                out[v * k->rows + r + (size_t)i] = (double)bias[r + (size_t)i] + d[i];
        }
    }
}

static void input_task(void *ctx, size_t r0, size_t r1)
{
    const ref_run *k = ctx;
    project_rows(k, k->w->W, k->w->bw, k->I, r0, r1, k->xd, k->nvec, k->xpre);
}

static double sigmoid(double v)
{
    return 1.0 / (1.0 + exp(-v));
}

/* One step of the cell for hidden units [j0, j1) of one batch element. xp and hp hold the G*H gate
 * pre-activations from the input (with bw) and from the recurrent side (with bu), gate-blocked; h is h_{t-1};
 * c the LSTM cell state. */
static void lstm_step(const double *xp, const double *hp, float *c, float *h_out, size_t H, size_t j0, size_t j1)
{
    for (size_t j = j0; j < j1; j++) {
        double i = sigmoid(xp[j] + hp[j]);
        double f = sigmoid(xp[H + j] + hp[H + j]);
        double g = tanh(xp[2 * H + j] + hp[2 * H + j]);
        double o = sigmoid(xp[3 * H + j] + hp[3 * H + j]);
        double c_new = f * (double)c[j] + i * g;
        c[j] = (float)c_new;
        h_out[j] = (float)(o * tanh(c_new));
    }
}

static void gru_step(const double *xp, const double *hp, const float *h, float *h_out, size_t H, size_t j0,
                     size_t j1)
{
    for (size_t j = j0; j < j1; j++) {
        double r = sigmoid(xp[j] + hp[j]);
        double z = sigmoid(xp[H + j] + hp[H + j]);
        double n = tanh(xp[2 * H + j] + r * hp[2 * H + j]);
        h_out[j] = (float)((1.0 - z) * n + z * (double)h[j]);
    }
}

static void vanilla_step(const double *xp, const double *hp, float *h_out, size_t j0, size_t j1)
{
    for (size_t j = j0; j < j1; j++)
        h_out[j] = (float)tanh(xp[j] + hp[j]);
}

/* Hidden units [j0, j1): their G gate rows of U h_{t-1} + bu for every batch element, then their cell update. */
static void step_task(void *ctx, size_t j0, size_t j1)
{
    const ref_run *k = ctx;
    const size_t H = k->H;
    for (size_t g = 0; g < k->G; g++)
        project_rows(k, k->w->U, k->w->bu, H, g * H + j0, g * H + j1, k->hd, k->B, k->hpre);
    for (size_t b = 0; b < k->B; b++) {
        const double *xp = k->xstep + b * k->rows, *hp = k->hpre + b * k->rows;
        switch (k->cell) {
        case RB_CELL_LSTM: lstm_step(xp, hp, k->c + b * H, k->h_new + b * H, H, j0, j1); break;
        case RB_CELL_GRU: gru_step(xp, hp, k->h_prev + b * H, k->h_new + b * H, H, j0, j1); break;
        case RB_CELL_VANILLA: vanilla_step(xp, hp, k->h_new + b * H, j0, j1); break;
        }
    }
}

static void to_double(const float *src, double *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (double)src[i];
}

int rb_reference_forward(const rb_problem *p, const rb_weights *w, const float *x, float *y)
{
    const int G = rb_cell_gates(p->cell);
    if (G == 0 || p->hidden <= 0 || p->input <= 0 || p->batch <= 0 || p->timesteps <= 0 || w->gates != G ||
        w->hidden != p->hidden || w->input != p->input || x == NULL || y == NULL)
        return -1;
    const size_t H = (size_t)p->hidden, I = (size_t)p->input, B = (size_t)p->batch, T = (size_t)p->timesteps;
    const size_t rows = (size_t)G * H;
    size_t chunk = B >= CHUNK_VECTORS ? 1 : CHUNK_VECTORS / B; /* timesteps per input-projection chunk */
    if (chunk > T)
        chunk = T;

    double *xpre = malloc(chunk * B * rows * sizeof *xpre); /* [chunk][B][rows] */
    double *xd = malloc(chunk * B * I * sizeof *xd);        /* the chunk's inputs in double */
    double *hpre = malloc(B * rows * sizeof *hpre);         /* [B][rows] */
    double *hd = calloc(B * H, sizeof *hd);                 /* h_{t-1} in double; h_0 = 0 */
    float *h0 = calloc(B * H, sizeof *h0);                  /* h_0 = 0 */
    float *c = calloc(B * H, sizeof *c);                    /* c_0 = 0 (LSTM only) */
    int rc = -1;
    if (xpre == NULL || xd == NULL || hpre == NULL || hd == NULL || h0 == NULL || c == NULL)
        goto done;

    ref_run k = {.cell = p->cell, .G = (size_t)G, .H = H, .I = I, .B = B, .rows = rows, .w = w,
                 .dot = rb_dot_rows(), .xd = xd, .xpre = xpre, .hd = hd, .c = c, .hpre = hpre};
    for (size_t t0 = 0; t0 < T; t0 += chunk) {
        size_t steps = T - t0 < chunk ? T - t0 : chunk;
        to_double(x + t0 * B * I, xd, steps * B * I);
        k.nvec = steps * B;
        rb_par_for(rows, ROWS_PER_TASK, input_task, &k);
        for (size_t s = 0; s < steps; s++) {
            size_t t = t0 + s;
            k.h_prev = t == 0 ? h0 : y + (t - 1) * B * H;
            if (t > 0)
                to_double(k.h_prev, hd, B * H);
            k.h_new = y + t * B * H;
            k.xstep = xpre + s * B * rows;
            rb_par_for(H, UNITS_PER_TASK, step_task, &k);
        }
    }
    rc = 0;
done:
    free(xpre);
    free(xd);
    free(hpre);
    free(hd);
    free(h0);
    free(c);
    return rc;
}
