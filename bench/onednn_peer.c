/* bench/onednn_peer.c — oneDNN's RNN primitive (C API, oneDNN 2.x) as a benchmark peer: LSTM, linear-before-reset
 * GRU and vanilla tanh RNN, one layer, left to right, h_0 = c_0 = 0, the same gate equations as the reference.
 * Gate order mapping: LSTM i,f,g,o and vanilla as ours; LBR-GRU oneDNN u,r,o <- our z,r,n, bias [u, r, o_x, o_h].
 * int8 ("u8s8"): activations u8 = 127 f + 128 (x and h are in [-1, 1]), weights s8 with one scale per gate row
 * (max |row of [W U]| / 127), f32 output; x is quantised inside run (timed). The weights reorder takes the RNN
 * attributes (data and weights qparams), which it needs for the scales and the u8 shift's compensation. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnnl.h"
#include "onednn_peer.h"

struct rb_onednn {
    rb_problem p;
    int int8;
    dnnl_engine_t eng;
    dnnl_stream_t strm;
    dnnl_primitive_t prim;
    dnnl_memory_t src, wl, wi, bias, dst;
    dnnl_memory_t src_iter, src_iter_c; /* int8: h_0 given explicitly as u8 128 (= 0.0), c_0 = 0 */
    uint8_t *xq; /* int8: quantised x */
};

#define CHECK(call, what)                                                                                              \
    do {                                                                                                               \
        dnnl_status_t rc_ = (call);                                                                                    \
        if (rc_ != dnnl_success) {                                                                                     \
            snprintf(why, whylen, "oneDNN %s: status %d%s", what, (int)rc_,                                            \
                     rc_ == dnnl_unimplemented ? " (unimplemented for this cell/precision)" : "");                    \
            goto fail;                                                                                                 \
        }                                                                                                              \
    } while (0)

const char *rb_onednn_available(void)
{
    return NULL;
}

const char *rb_onednn_version(void)
{
    static char v[64];
    const dnnl_version_t *d = dnnl_version();
    snprintf(v, sizeof v, "oneDNN %d.%d.%d", d->major, d->minor, d->patch);
    return v;
}

/* Our gate index for oneDNN's gate g. */
static int our_gate(rb_cell cell, int g)
{
    if (cell == RB_CELL_GRU)
        return g == 0 ? 1 : g == 1 ? 0 : 2;
    return g;
}

/* user layout ldigo: dst[k][g][o] = M[(our_gate(g) * H + o) * K + k] */
static void to_ldigo(const float *M, int K, int G, int H, rb_cell cell, float *dst)
{
    for (int k = 0; k < K; k++)
        for (int g = 0; g < G; g++)
            for (int o = 0; o < H; o++)
                dst[((size_t)k * G + g) * H + o] = M[((size_t)our_gate(cell, g) * H + o) * K + k];
}

static int reorder_into(dnnl_engine_t eng, dnnl_stream_t strm, const dnnl_memory_desc_t *user_md, float *user,
                        const dnnl_memory_desc_t *prim_md, const_dnnl_primitive_attr_t attr, dnnl_memory_t *out,
                        char *why, size_t whylen)
{
    dnnl_memory_t um = NULL;
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t r = NULL;
    int ret = -1;
    CHECK(dnnl_memory_create(&um, user_md, eng, user), "user weights memory");
    CHECK(dnnl_memory_create(out, prim_md, eng, DNNL_MEMORY_ALLOCATE), "weights memory");
    CHECK(dnnl_reorder_primitive_desc_create(&rpd, user_md, eng, prim_md, eng, attr), "weights reorder");
    CHECK(dnnl_primitive_create(&r, rpd), "reorder primitive");
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, um}, {DNNL_ARG_TO, *out}};
    CHECK(dnnl_primitive_execute(r, strm, 2, args), "reorder");
    CHECK(dnnl_stream_wait(strm), "stream wait");
    ret = 0;
fail:
    if (r)
        dnnl_primitive_destroy(r);
    if (rpd)
        dnnl_primitive_desc_destroy(rpd);
    if (um)
        dnnl_memory_destroy(um);
    return ret;
}

int rb_onednn_prepare(const rb_problem *p, const rb_weights *w, int int8, rb_onednn **out, char *why, size_t whylen)
{
    *out = NULL;
    rb_onednn *o = calloc(1, sizeof *o);
    float *wl_user = NULL, *wi_user = NULL, *bias_user = NULL, *scales = NULL;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    if (!o) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    o->p = *p;
    o->int8 = int8;
    const int T = p->timesteps, B = p->batch, I = p->input, H = p->hidden;
    const int G = rb_cell_gates(p->cell), Gb = p->cell == RB_CELL_GRU ? 4 : G;
    CHECK(dnnl_engine_create(&o->eng, dnnl_cpu, 0), "engine");
    CHECK(dnnl_stream_create(&o->strm, o->eng, dnnl_stream_default_flags), "stream");

    dnnl_memory_desc_t src_md, dst_md, wl_any, wi_any, bias_md, wl_user_md, wi_user_md;
    dnnl_dims_t src_dims = {T, B, I}, dst_dims = {T, B, H};
    dnnl_dims_t wl_dims = {1, 1, I, G, H}, wi_dims = {1, 1, H, G, H}, b_dims = {1, 1, Gb, H};
    CHECK(dnnl_memory_desc_init_by_tag(&src_md, 3, src_dims, int8 ? dnnl_u8 : dnnl_f32, dnnl_tnc), "src md");
    CHECK(dnnl_memory_desc_init_by_tag(&dst_md, 3, dst_dims, dnnl_f32, dnnl_tnc), "dst md");
    CHECK(dnnl_memory_desc_init_by_tag(&wl_any, 5, wl_dims, int8 ? dnnl_s8 : dnnl_f32, dnnl_format_tag_any), "md");
    CHECK(dnnl_memory_desc_init_by_tag(&wi_any, 5, wi_dims, int8 ? dnnl_s8 : dnnl_f32, dnnl_format_tag_any), "md");
    CHECK(dnnl_memory_desc_init_by_tag(&bias_md, 4, b_dims, dnnl_f32, dnnl_ldgo), "bias md");
    CHECK(dnnl_memory_desc_init_by_tag(&wl_user_md, 5, wl_dims, dnnl_f32, dnnl_ldigo), "md");
    CHECK(dnnl_memory_desc_init_by_tag(&wi_user_md, 5, wi_dims, dnnl_f32, dnnl_ldigo), "md");

    dnnl_memory_desc_t iter_md, iter_c_md;
    dnnl_dims_t iter_dims = {1, 1, B, H};
    CHECK(dnnl_memory_desc_init_by_tag(&iter_md, 4, iter_dims, dnnl_u8, dnnl_ldnc), "src_iter md");
    CHECK(dnnl_memory_desc_init_by_tag(&iter_c_md, 4, iter_dims, dnnl_f32, dnnl_ldnc), "src_iter_c md");
    const dnnl_memory_desc_t *iter = int8 ? &iter_md : NULL, *iter_c = int8 ? &iter_c_md : NULL;
    CHECK(dnnl_primitive_attr_create(&attr), "attr");
    if (int8) {
        scales = malloc((size_t)G * H * sizeof *scales);
        if (!scales)
            goto oom;
        for (int g = 0; g < G; g++)
            for (int u = 0; u < H; u++) {
                size_t r = (size_t)our_gate(p->cell, g) * H + u;
                float m = 0;
                for (int k = 0; k < I; k++)
                    m = fmaxf(m, fabsf(w->W[r * I + k]));
                for (int k = 0; k < H; k++)
                    m = fmaxf(m, fabsf(w->U[r * H + k]));
                scales[(size_t)g * H + u] = m > 0 ? 127.0f / m : 1.0f;
            }
        CHECK(dnnl_primitive_attr_set_rnn_data_qparams(attr, 127.0f, 128.0f), "data qparams");
        CHECK(dnnl_primitive_attr_set_rnn_weights_qparams(attr, (dnnl_dim_t)G * H, (1 << 3) | (1 << 4), scales),
              "weights qparams");
    }
    dnnl_rnn_desc_t d;
    switch (p->cell) {
    case RB_CELL_LSTM:
        CHECK(dnnl_lstm_forward_desc_init(&d, dnnl_forward_inference, dnnl_unidirectional_left2right, &src_md, iter,
                                          iter_c, &wl_any, &wi_any, &bias_md, &dst_md, NULL, NULL, 0),
              "LSTM desc");
        break;
    case RB_CELL_GRU:
        CHECK(dnnl_lbr_gru_forward_desc_init(&d, dnnl_forward_inference, dnnl_unidirectional_left2right, &src_md,
                                             iter, &wl_any, &wi_any, &bias_md, &dst_md, NULL, 0),
              "LBR-GRU desc");
        break;
    case RB_CELL_VANILLA:
        CHECK(dnnl_vanilla_rnn_forward_desc_init(&d, dnnl_forward_inference, dnnl_eltwise_tanh,
                                                 dnnl_unidirectional_left2right, &src_md, iter, &wl_any, &wi_any,
                                                 &bias_md, &dst_md, NULL, 0, 0.0f, 0.0f),
              "vanilla RNN desc");
        break;
    }
    CHECK(dnnl_primitive_desc_create(&pd, &d, attr, o->eng, NULL), int8 ? "u8s8 primitive" : "fp32 primitive");
    CHECK(dnnl_primitive_create(&o->prim, pd), "primitive");

    wl_user = malloc((size_t)I * G * H * sizeof(float));
    wi_user = malloc((size_t)H * G * H * sizeof(float));
    bias_user = malloc((size_t)Gb * H * sizeof(float));
    if (!wl_user || !wi_user || !bias_user)
        goto oom;
    to_ldigo(w->W, I, G, H, p->cell, wl_user);
    to_ldigo(w->U, H, G, H, p->cell, wi_user);
    for (int g = 0; g < G; g++)
        for (int u = 0; u < H; u++) {
            size_t r = (size_t)our_gate(p->cell, g) * H + u;
            bias_user[(size_t)g * H + u] = p->cell == RB_CELL_GRU && g == 2 ? w->bw[r] : w->bw[r] + w->bu[r];
        }
    if (p->cell == RB_CELL_GRU)
        for (int u = 0; u < H; u++)
            bias_user[(size_t)3 * H + u] = w->bu[(size_t)2 * H + u];
    if (reorder_into(o->eng, o->strm, &wl_user_md, wl_user, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0),
                     attr, &o->wl, why, whylen) ||
        reorder_into(o->eng, o->strm, &wi_user_md, wi_user, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 1),
                     attr, &o->wi, why, whylen))
        goto fail;
    CHECK(dnnl_memory_create(&o->bias, &bias_md, o->eng, DNNL_MEMORY_ALLOCATE), "bias memory");
    void *bh = NULL;
    CHECK(dnnl_memory_get_data_handle(o->bias, &bh), "bias handle");
    memcpy(bh, bias_user, (size_t)Gb * H * sizeof(float));
    if (int8) {
        o->xq = malloc((size_t)T * B * I);
        if (!o->xq)
            goto oom;
        void *ih = NULL;
        CHECK(dnnl_memory_create(&o->src_iter, &iter_md, o->eng, DNNL_MEMORY_ALLOCATE), "src_iter memory");
        CHECK(dnnl_memory_get_data_handle(o->src_iter, &ih), "src_iter handle");
        memset(ih, 128, (size_t)B * H);
        if (p->cell == RB_CELL_LSTM) {
            CHECK(dnnl_memory_create(&o->src_iter_c, &iter_c_md, o->eng, DNNL_MEMORY_ALLOCATE), "src_iter_c memory");
            CHECK(dnnl_memory_get_data_handle(o->src_iter_c, &ih), "src_iter_c handle");
            memset(ih, 0, (size_t)B * H * sizeof(float));
        }
    }
    CHECK(dnnl_memory_create(&o->src, &src_md, o->eng, DNNL_MEMORY_NONE), "src memory");
    CHECK(dnnl_memory_create(&o->dst, &dst_md, o->eng, DNNL_MEMORY_NONE), "dst memory");
    free(wl_user);
    free(wi_user);
    free(bias_user);
    free(scales);
    dnnl_primitive_desc_destroy(pd);
    dnnl_primitive_attr_destroy(attr);
    *out = o;
    return 0;
oom:
    snprintf(why, whylen, "out of memory");
fail:
    free(wl_user);
    free(wi_user);
    free(bias_user);
    free(scales);
    if (pd)
        dnnl_primitive_desc_destroy(pd);
    if (attr)
        dnnl_primitive_attr_destroy(attr);
    rb_onednn_release(o);
    return -1;
}

int rb_onednn_run(rb_onednn *o, const float *x, float *y, int threads)
{
    omp_set_num_threads(threads);
    const size_t n = (size_t)o->p.timesteps * o->p.batch * o->p.input;
    void *src = (void *)x;
    if (o->int8) {
        for (size_t i = 0; i < n; i++) {
            float q = nearbyintf(127.0f * x[i] + 128.0f);
            o->xq[i] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
        }
        src = o->xq;
    }
    if (dnnl_memory_set_data_handle(o->src, src) != dnnl_success || dnnl_memory_set_data_handle(o->dst, y) != dnnl_success)
        return -1;
    dnnl_exec_arg_t args[7] = {{DNNL_ARG_SRC_LAYER, o->src},         {DNNL_ARG_WEIGHTS_LAYER, o->wl},
                               {DNNL_ARG_WEIGHTS_ITER, o->wi},       {DNNL_ARG_BIAS, o->bias},
                               {DNNL_ARG_DST_LAYER, o->dst},         {DNNL_ARG_SRC_ITER, o->src_iter},
                               {DNNL_ARG_SRC_ITER_C, o->src_iter_c}};
    int nargs = o->src_iter_c ? 7 : o->src_iter ? 6 : 5;
    if (dnnl_primitive_execute(o->prim, o->strm, nargs, args) != dnnl_success)
        return -1;
    return dnnl_stream_wait(o->strm) == dnnl_success ? 0 : -1;
}

void rb_onednn_threads(int threads)
{
    omp_set_num_threads(threads);
}

void rb_onednn_release(rb_onednn *o)
{
    if (!o)
        return;
    if (o->prim)
        dnnl_primitive_destroy(o->prim);
    dnnl_memory_t mems[7] = {o->src, o->wl, o->wi, o->bias, o->dst, o->src_iter, o->src_iter_c};
    for (int i = 0; i < 7; i++)
        if (mems[i])
            dnnl_memory_destroy(mems[i]);
    if (o->strm)
        dnnl_stream_destroy(o->strm);
    if (o->eng)
        dnnl_engine_destroy(o->eng);
    free(o->xq);
    free(o);
}
