/* backends/spatial/spatial_int8.c — int8/int32/Q16.16 functional execution with LUT activations
 * (see spatial_int8.h for the numerics). */
#include "spatial_int8.h"
#include "parallel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Q16_ONE 65536.0

static int32_t sat32(int64_t v)
{
    if (v > INT32_MAX)
        return INT32_MAX;
    if (v < INT32_MIN)
        return INT32_MIN;
    return (int32_t)v;
}

static int32_t to_q16(double v) { return sat32(llround(v * Q16_ONE)); }

static int8_t quant8(double v, double scale)
{
    if (!(scale > 0))
        return 0;
    long r = lrint(v / scale);
    if (r > 127)
        r = 127;
    if (r < -127)
        r = -127;
    return (int8_t)r;
}

static int32_t qmul(int32_t a, int32_t b) { return sat32(((int64_t)a * b + 32768) >> 16); }

/* Q16.16 h -> int8 with scale 1/127 */
static int8_t h_to_q8(int32_t h)
{
    int64_t v = ((int64_t)h * 127 + 32768) >> 16;
    if (v > 127)
        v = 127;
    if (v < -127)
        v = -127;
    return (int8_t)v;
}

static int32_t dot8(const int8_t *restrict a, const int8_t *restrict b, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += (int32_t)a[i] * (int32_t)b[i];
    return s;
}

static double max_abs(const float *v, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((double)v[i]) > m)
            m = fabs((double)v[i]);
    return m;
}

void sp_rescale_init(sp_rescale *r, double factor)
{
    double target = factor * Q16_ONE;
    int shift = 0;
    while (target != 0 && fabs(target) < (double)(1LL << 30) && shift < 60) {
        target *= 2;
        shift++;
    }
    r->mult = llround(target);
    r->shift = shift;
}

int32_t sp_rescale_apply(const sp_rescale *r, int64_t acc)
{
    int64_t p = acc * r->mult;
    if (r->shift > 0)
        p = (p + ((int64_t)1 << (r->shift - 1))) >> r->shift;
    return sat32(p);
}

int sp_lut_init(sp_lut *l, const sp_arch *a)
{
    l->n = a->lut_entries;
    l->lo_q16 = llround(a->lut_min * Q16_ONE);
    double step = (a->lut_max - a->lut_min) / a->lut_entries;
    l->step_q16 = llround(step * Q16_ONE);
    if (l->step_q16 < 1)
        l->step_q16 = 1;
    l->sig = malloc((size_t)l->n * sizeof *l->sig);
    l->tanh = malloc((size_t)l->n * sizeof *l->tanh);
    if (!l->sig || !l->tanh) {
        sp_lut_free(l);
        return -1;
    }
    for (int i = 0; i < l->n; i++) {
        double xc = a->lut_min + (i + 0.5) * step;
        l->sig[i] = to_q16(1.0 / (1.0 + exp(-xc)));
        l->tanh[i] = to_q16(tanh(xc));
    }
    return 0;
}

void sp_lut_free(sp_lut *l)
{
    free(l->sig);
    free(l->tanh);
    l->sig = l->tanh = NULL;
}

int32_t sp_lut_eval(const sp_lut *l, const int32_t *table, int32_t x_q16)
{
    int64_t d = (int64_t)x_q16 - l->lo_q16;
    int64_t idx = d < 0 ? 0 : d / l->step_q16;
    if (idx >= l->n)
        idx = l->n - 1;
    return table[idx];
}

int sp_qmodel_init(sp_qmodel *q, const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode)
{
    return sp_qmodel_init_scaled(q, p, w, a, mode, 1.0);
}

int sp_qmodel_init_scaled(sp_qmodel *q, const rb_problem *p, const rb_weights *w, const sp_arch *a,
                          sp_input_mode mode, double scale_error)
{
    memset(q, 0, sizeof *q);
    q->cell = p->cell;
    q->G = rb_cell_gates(p->cell);
    q->H = p->hidden;
    q->I = p->input;
    q->mode = mode;
    size_t nw = (size_t)q->G * q->H * q->I, nu = (size_t)q->G * q->H * q->H, nb = (size_t)q->G * q->H;
    q->Wq = malloc(nw);
    q->Uq = malloc(nu);
    q->bias = malloc(nb * sizeof *q->bias);
    q->bun = calloc((size_t)q->H, sizeof *q->bun);
    if (!q->Wq || !q->Uq || !q->bias || !q->bun || sp_lut_init(&q->lut, a) != 0) {
        sp_qmodel_free(q);
        return -1;
    }
    q->sW = max_abs(w->W, nw) / 127.0;
    q->sU = max_abs(w->U, nu) / 127.0;
    for (size_t i = 0; i < nw; i++)
        q->Wq[i] = quant8(w->W[i], q->sW * scale_error);
    for (size_t i = 0; i < nu; i++)
        q->Uq[i] = quant8(w->U[i], q->sU * scale_error);
    for (int r = 0; r < q->G * q->H; r++) {
        int gru_n = q->cell == RB_CELL_GRU && r >= 2 * q->H;
        q->bias[r] = to_q16((double)w->bw[r] + (gru_n ? 0.0 : (double)w->bu[r]));
        if (gru_n)
            q->bun[r - 2 * q->H] = to_q16(w->bu[r]);
    }
    return 0;
}

void sp_qmodel_free(sp_qmodel *q)
{
    free(q->Wq);
    free(q->Uq);
    free(q->bias);
    free(q->bun);
    sp_lut_free(&q->lut);
    q->Wq = q->Uq = NULL;
    q->bias = q->bun = NULL;
}

/* Element-wise tail of one hidden unit. pre[g] = Q16.16 pre-activation (x part + h part + bias) for every
 * gate except the GRU n gate, where pre[2] is the x part and un the h part (+ bu_n). */
static void tail(const sp_qmodel *q, const int32_t *pre, int32_t un, int32_t *c, int32_t *hfp, int8_t *hq)
{
    const sp_lut *l = &q->lut;
    switch (q->cell) {
    case RB_CELL_LSTM: {
        int32_t ig = sp_lut_eval(l, l->sig, pre[0]);
        int32_t fg = sp_lut_eval(l, l->sig, pre[1]);
        int32_t gg = sp_lut_eval(l, l->tanh, pre[2]);
        int32_t og = sp_lut_eval(l, l->sig, pre[3]);
        *c = sat32((int64_t)qmul(fg, *c) + qmul(ig, gg));
        *hq = h_to_q8(qmul(og, sp_lut_eval(l, l->tanh, *c)));
        break;
    }
    case RB_CELL_GRU: {
        int32_t r = sp_lut_eval(l, l->sig, pre[0]);
        int32_t z = sp_lut_eval(l, l->sig, pre[1]);
        int32_t n = sp_lut_eval(l, l->tanh, sat32((int64_t)pre[2] + qmul(r, un)));
        *hfp = sat32((int64_t)n + qmul(z, sat32((int64_t)*hfp - n)));
        *hq = h_to_q8(*hfp);
        break;
    }
    case RB_CELL_VANILLA:
    default:
        *hq = h_to_q8(sp_lut_eval(l, l->tanh, pre[0]));
        break;
    }
}

/* One step's gate pre-activations of rows [r0, r1) for one request: integer and independent per row, so the rows
 * are split over the thread pool without changing a bit. */
typedef struct rows_ctx {
    const sp_qmodel *q;
    const sp_rescale *rW, *rU, *rP;
    const int8_t *projq, *x, *h;
    size_t tb;
    int32_t *xpart, *upart;
} rows_ctx;

#define ROWS_PER_TASK 64
#define ROWS_PAR_MIN_MACS (1 << 18) /* below this a step runs on the caller */

static void rows_task(void *arg, size_t r0, size_t r1)
{
    const rows_ctx *k = arg;
    const sp_qmodel *q = k->q;
    const int I = q->I, H = q->H;
    const size_t GH = (size_t)q->G * H;
    for (size_t r = r0; r < r1; r++) {
        if (q->mode == SP_INPUT_SKIP)
            k->xpart[r] = sp_rescale_apply(k->rP, k->projq[k->tb * GH + r]);
        else
            k->xpart[r] = sat32((int64_t)sp_rescale_apply(k->rW, dot8(q->Wq + r * I, k->x, I)) + q->bias[r]);
        k->upart[r] = sp_rescale_apply(k->rU, dot8(q->Uq + r * H, k->h, H));
    }
}

int sp_qmodel_run(const sp_qmodel *q, const rb_problem *p, const float *x, float *y)
{
    const int G = q->G, H = q->H, I = q->I, B = p->batch, T = p->timesteps;
    const size_t GH = (size_t)G * H;
    size_t nx = (size_t)T * B * I;
    int rc = -1;
    int8_t *xq = malloc(nx ? nx : 1);
    int8_t *hq = calloc((size_t)B * H, 1), *hq_next = calloc((size_t)B * H, 1);
    int32_t *c = calloc((size_t)B * H, sizeof *c), *hfp = calloc((size_t)B * H, sizeof *hfp);
    int32_t *xpart = malloc(GH * sizeof *xpart), *upart = malloc(GH * sizeof *upart);
    int32_t *proj32 = NULL;
    int8_t *projq = NULL;
    if (!xq || !hq || !hq_next || !c || !hfp || !xpart || !upart)
        goto out;

    double sx = max_abs(x, nx) / 127.0;
    for (size_t i = 0; i < nx; i++)
        xq[i] = quant8(x[i], sx);
    sp_rescale rW, rU, rP = { 0, 0 };
    sp_rescale_init(&rW, q->sW * sx);
    sp_rescale_init(&rU, q->sU / 127.0);

    if (q->mode == SP_INPUT_SKIP) {
        /* precompute every step's projection, then quantise the stream to int8 with one scale */
        size_t np = (size_t)T * B * GH;
        proj32 = malloc(np * sizeof *proj32);
        projq = malloc(np ? np : 1);
        if (!proj32 || !projq)
            goto out;
        int64_t mx = 0;
        for (size_t tb = 0; tb < (size_t)T * B; tb++)
            for (size_t r = 0; r < GH; r++) {
                int32_t v = sat32((int64_t)sp_rescale_apply(&rW, dot8(q->Wq + r * I, xq + tb * I, I)) + q->bias[r]);
                proj32[tb * GH + r] = v;
                int64_t av = v < 0 ? -(int64_t)v : v;
                if (av > mx)
                    mx = av;
            }
        double sp = (double)mx / Q16_ONE / 127.0;
        for (size_t i = 0; i < np; i++)
            projq[i] = quant8(proj32[i] / Q16_ONE, sp);
        sp_rescale_init(&rP, sp);
        free(proj32);
        proj32 = NULL;
    }

    for (int t = 0; t < T; t++) {
        for (int b = 0; b < B; b++) {
            size_t tb = (size_t)t * B + b;
            const int8_t *h = hq + (size_t)b * H;
            rows_ctx k = {q, &rW, &rU, &rP, projq, xq + tb * I, h, tb, xpart, upart};
            if (GH * (size_t)(I + H) < ROWS_PAR_MIN_MACS || rb_par_threads() == 1)
                rows_task(&k, 0, GH);
            else
                rb_par_for(GH, ROWS_PER_TASK, rows_task, &k);
            for (int i = 0; i < H; i++) {
                int32_t pre[4] = { 0, 0, 0, 0 }, un = 0;
                for (int g = 0; g < G; g++) {
                    size_t r = (size_t)g * H + i;
                    int gru_n = q->cell == RB_CELL_GRU && g == 2;
                    pre[g] = gru_n ? xpart[r] : sat32((int64_t)xpart[r] + upart[r]);
                    if (gru_n)
                        un = sat32((int64_t)upart[r] + q->bun[i]);
                }
                size_t s = (size_t)b * H + i;
                tail(q, pre, un, &c[s], &hfp[s], &hq_next[s]);
                y[tb * H + i] = (float)(hq_next[s] / 127.0);
            }
        }
        int8_t *tmp = hq;
        hq = hq_next;
        hq_next = tmp;
    }
    rc = 0;
out:
    free(xq);
    free(hq);
    free(hq_next);
    free(c);
    free(hfp);
    free(xpart);
    free(upart);
    free(proj32);
    free(projq);
    return rc;
}
