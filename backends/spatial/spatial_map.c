/* backends/spatial/spatial_map.c — resource model of the loop-based RNN mapping: trip counts, PCU/PMU
 * allocation, on-chip fit or DRAM weight streaming, network placement and the latency of each pipeline
 * segment. See spatial_map.h for the loop nest. */
#include "spatial_map.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static long ceil_div(long a, long b) { return (a + b - 1) / b; }

void sp_shape_from_problem(sp_shape *s, const rb_problem *p, sp_input_mode mode)
{
    s->cell = p->cell;
    s->G = rb_cell_gates(p->cell);
    s->H = p->hidden;
    s->I = p->input;
    s->B = p->batch;
    s->T = p->timesteps;
    s->mode = mode;
}

const char *sp_input_mode_name(sp_input_mode m) { return m == SP_INPUT_FULL ? "full" : "skip"; }

static void seg(sp_tail *t, int is_lut, int ops)
{
    t->is_lut[t->n_seg] = is_lut;
    t->ops[t->n_seg] = ops;
    t->n_seg++;
    if (is_lut)
        t->lut_ops += ops;
    else
        t->alu_ops += ops;
}

void sp_tail_of(rb_cell cell, sp_input_mode mode, sp_tail *t)
{
    memset(t, 0, sizeof *t);
    int G = rb_cell_gates(cell);
    int extra = mode == SP_INPUT_FULL ? G : 0; /* rescale + add the x-part partial sums */
    switch (cell) {
    case RB_CELL_LSTM:
        seg(t, 0, 4 + extra); /* acc*scale + projection/bias, per gate */
        seg(t, 1, 4);         /* sigma(i), sigma(f), tanh(g), sigma(o) in parallel LUTs */
        seg(t, 0, 3);         /* f*c, i*g, c' = sum */
        seg(t, 1, 1);         /* tanh(c') */
        seg(t, 0, 2);         /* h' = o*tanh(c'), requantise h' to 8 bits */
        t->state_pmu = 1;     /* c */
        break;
    case RB_CELL_GRU:
        seg(t, 0, 3 + extra); /* r, z pre-activations; Un h + bun kept apart (linear before reset) */
        seg(t, 1, 2);         /* sigma(r), sigma(z) */
        seg(t, 0, 2);         /* r*(Un h + bun), + (Wn x + bwn) */
        seg(t, 1, 1);         /* tanh(n) */
        seg(t, 0, 4);         /* h - n, z*(h - n), + n, requantise */
        t->state_pmu = 1;     /* previous h at full accumulator precision */
        break;
    case RB_CELL_VANILLA:
    default:
        seg(t, 0, 1 + extra); /* acc*scale + projection/bias */
        seg(t, 1, 1);         /* tanh */
        seg(t, 0, 1);         /* requantise */
        t->state_pmu = 0;
        break;
    }
}

int sp_reduction_len(const sp_shape *s)
{
    if (s->mode == SP_INPUT_FULL && s->I > s->H)
        return s->I;
    return s->H;
}

static int is_pow2(int x) { return x > 0 && (x & (x - 1)) == 0; }

static int illegal(sp_mapping *m, const char *fmt, int a, int b)
{
    m->legal = 0;
    snprintf(m->why, sizeof m->why, fmt, a, b);
    return 0;
}

int sp_map(const sp_arch *a, const sp_shape *s, sp_factors f, sp_mapping *m)
{
    memset(m, 0, sizeof *m);
    m->f = f;
    m->legal = 1;
    const int vec = sp_arch_vec_elems(a);
    if (f.hu < 1 || f.hu > s->H)
        return illegal(m, "hu=%d outside 1..H=%d", f.hu, s->H);
    if (f.gp < 1 || f.gp > s->G)
        return illegal(m, "gp=%d outside 1..G=%d", f.gp, s->G);
    if (!is_pow2(f.rv) || f.rv > vec)
        return illegal(m, "rv=%d not a power of two <= %d", f.rv, vec);
    int K = sp_reduction_len(s);
    if (f.ru < 1 || (long)(f.ru - 1) * f.rv >= K)
        return illegal(m, "ru=%d leaves a reduction slice empty (K=%d)", f.ru, K);

    /* trip counts */
    long slice = (long)f.ru * f.rv;
    m->n_i = (int)ceil_div(s->H, f.hu);
    m->n_g = (int)ceil_div(s->G, f.gp);
    m->n_k = (int)ceil_div(s->H, slice);
    if (s->mode == SP_INPUT_FULL)
        m->n_k += (int)ceil_div(s->I, slice);
    m->n_issue = (long)s->B * m->n_i * m->n_g * m->n_k;

    /* compute units */
    sp_tail tail;
    sp_tail_of(s->cell, s->mode, &tail);
    m->ew_groups = (int)ceil_div(f.hu, a->lanes);
    m->pcu_mvm = f.hu * f.gp * f.ru;
    int nodes = 0, levels = 0;
    for (int n = f.ru; n > 1; n = (int)ceil_div(n, a->combine_fanin)) {
        nodes += (int)ceil_div(n, a->combine_fanin);
        levels++;
    }
    m->combine_levels = levels;
    m->pcu_combine = f.gp * m->ew_groups * nodes;
    int ew_pcus_per_group = 0;
    for (int i = 0; i < tail.n_seg; i++)
        if (!tail.is_lut[i])
            ew_pcus_per_group += (int)ceil_div(tail.ops[i], a->stages);
    m->pcu_ew = m->ew_groups * ew_pcus_per_group;
    m->pcus = m->pcu_mvm + m->pcu_combine + m->pcu_ew;
    if (m->pcus > a->pcus)
        return illegal(m, "needs %d PCUs > %d", m->pcus, a->pcus);

    /* memories other than weights */
    double wb = a->mul_bits / 8.0;
    m->in_bytes_per_step = s->mode == SP_INPUT_SKIP ? (double)s->G * s->H * s->B * wb : (double)s->I * s->B * wb;
    m->out_bytes_per_step = (double)s->H * s->B * wb;
    m->pmu_slice = f.ru; /* h (double-buffered) and x slice, broadcast to hu*gp PCUs */
    m->pmu_stream = (int)ceil_div((long)ceil(2.0 * m->in_bytes_per_step), a->pmu_bytes);
    m->pmu_lut = m->ew_groups * tail.lut_ops;
    m->pmu_state = m->ew_groups * tail.state_pmu;
    int other = m->pmu_slice + m->pmu_stream + m->pmu_lut + m->pmu_state;

    /* weights: each MVM PCU streams its own slice from its own PMU(s) at one vector per cycle */
    double per_pcu = (double)m->n_i * m->n_g * m->n_k * f.rv * wb;
    m->weight_bytes = per_pcu * m->pcu_mvm;
    int per_pcu_pmus = (int)ceil(per_pcu / (double)a->pmu_bytes);
    if (other + (long)per_pcu_pmus * m->pcu_mvm <= a->pmus) {
        m->pmu_weight = per_pcu_pmus * m->pcu_mvm;
        m->resident_bytes = m->weight_bytes;
        m->streamed_bytes_per_step = 0;
        m->dram_streamed = 0;
    } else {
        /* does not fit: every MVM PCU keeps one PMU as a double-buffered stream buffer, the remaining PMUs
         * hold a resident part of the weights, the rest is streamed from DRAM every step */
        int avail = a->pmus - other;
        if (avail < m->pcu_mvm)
            return illegal(m, "needs %d PMUs > %d", other + m->pcu_mvm, a->pmus);
        m->pmu_weight = avail;
        m->resident_bytes = fmin(m->weight_bytes, (double)(avail - m->pcu_mvm) * (double)a->pmu_bytes);
        m->streamed_bytes_per_step = m->weight_bytes - m->resident_bytes;
        m->dram_streamed = 1;
    }
    m->pmus = m->pmu_weight + other;

    /* placement: the allocated units packed in a square region around the slice buffers */
    int side = (int)ceil(sqrt((double)(m->pcus + m->pmus)));
    int maxdim = a->grid_rows > a->grid_cols ? a->grid_rows : a->grid_cols;
    if (side > maxdim)
        side = maxdim;
    m->region_side = side;
    m->bcast_hops = side < 1 ? 1 : side;

    /* latency of each segment of the loop-carried chain */
    int hop = a->hop_cycles;
    m->lat_read = a->pmu_read_cycles + m->bcast_hops * hop;
    m->lat_pcu = a->stages;
    m->lat_combine = levels * (hop + a->stages);
    m->lat_to_ew = hop;
    int ew = 0;
    for (int i = 0; i < tail.n_seg; i++) {
        if (tail.is_lut[i]) {
            ew += a->pmu_read_cycles;
        } else {
            int k = (int)ceil_div(tail.ops[i], a->stages);
            ew += k * a->stages + (k - 1) * hop;
        }
        if (i > 0)
            ew += hop;
    }
    m->lat_ew = ew;
    m->lat_wb = m->bcast_hops * hop + 1;
    m->lat_sync = m->bcast_hops * hop;
    m->pipeline_depth =
        m->lat_read + m->lat_pcu + m->lat_combine + m->lat_to_ew + m->lat_ew + m->lat_wb + m->lat_sync;

    int Kfull = s->mode == SP_INPUT_FULL ? s->I + s->H : s->H;
    m->macs_per_step = (double)s->B * s->G * s->H * Kfull;
    return 0;
}
