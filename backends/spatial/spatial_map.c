/* backends/spatial/spatial_map.c — resource model of the paper's loop-based RNN mapping: trip counts, PCU and
 * PMU allocation, weight capacity (on chip or streamed), placement and the latency of each segment of the
 * per-step chain. See spatial_map.h for the loop nest. */
#include "spatial_map.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static long ceil_div(long a, long b) { return (a + b - 1) / b; }

void sp_shape_from_problem(sp_shape *s, const rb_problem *p, sp_input_mode mode, sp_capacity cap)
{
    s->cell = p->cell;
    s->G = rb_cell_gates(p->cell);
    s->H = p->hidden;
    s->I = p->input;
    s->B = p->batch;
    s->T = p->timesteps;
    s->mode = mode;
    s->cap = cap;
}

const char *sp_input_mode_name(sp_input_mode m) { return m == SP_INPUT_FULL ? "full" : "skip"; }
const char *sp_capacity_name(sp_capacity c) { return c == SP_CAP_STREAM ? "stream" : "onchip"; }

/* The tails, per unit, after the gate sums leave their combine trees (rescale and bias are folded into the LUT
 * PMU's address datapath: index = saturate(int(acc * scale' + bias'))):
 *   LSTM   LUTs sigma(i), sigma(f), tanh(g), sigma(o) -> PCU c' = f*c + i*g (4 inputs, 3 ops) -> LUT tanh(c')
 *          -> PCU h = o * tanh(c'), round to 8 bits (2 ops); state PMU: c.
 *   GRU    LUTs sigma(r), sigma(z); PCU u_h = acc_nh*s + bUn, u_x = acc_nx*s + bWn (4 inputs, 4 ops) -> PCU
 *          a = r*u_h + u_x (2 ops) -> LUT tanh(a) -> PCU h' = n + z*(h - n), round (4 ops); state PMU: h.
 *   vanilla LUT tanh, whose 8-bit entries are the new h; no PCU, no state. */
void sp_tail_of(rb_cell cell, sp_input_mode mode, sp_tail *t)
{
    memset(t, 0, sizeof *t);
    t->n_tokens = rb_cell_gates(cell);
    switch (cell) {
    case RB_CELL_LSTM:
        t->luts = 5;
        t->pcus = 2;
        t->state = 1;
        t->alu_ops = 5;
        break;
    case RB_CELL_GRU:
        t->luts = 3;
        t->pcus = 3;
        t->state = 1;
        t->alu_ops = 10;
        if (mode == SP_INPUT_FULL)
            t->n_tokens += 1; /* the n gate's x and h sums travel apart */
        break;
    case RB_CELL_VANILLA:
    default:
        t->luts = 1;
        t->pcus = 0;
        t->state = 0;
        t->alu_ops = 0;
        break;
    }
}

int sp_tail_latency(const sp_arch *a, rb_cell cell)
{
    int pcu = a->stages + a->hop_cycles;                                  /* through a PCU, then one hop */
    int lut = a->pmu_addr_stages + a->pmu_read_cycles + a->hop_cycles;    /* index, read, hop */
    switch (cell) {
    case RB_CELL_LSTM:
        return lut + pcu + lut + pcu;
    case RB_CELL_GRU: /* sigma(r) runs beside the n rescale PCU */
        return (pcu > lut ? pcu : lut) + pcu + lut + pcu;
    case RB_CELL_VANILLA:
    default:
        return lut;
    }
}

int sp_reduction_len(const sp_shape *s) { return s->mode == SP_INPUT_FULL ? s->I + s->H : s->H; }

int sp_chunks(const sp_shape *s, long slice)
{
    if (s->mode == SP_INPUT_SKIP)
        return (int)ceil_div(s->H, slice);
    if (s->cell == RB_CELL_GRU) /* x and h chunked apart (linear before reset) */
        return (int)(ceil_div(s->I, slice) + ceil_div(s->H, slice));
    return (int)ceil_div((long)s->I + s->H, slice);
}

static int is_pow2(int x) { return x > 0 && (x & (x - 1)) == 0; }

static int illegal(sp_mapping *m, const char *fmt, long a, long b)
{
    m->legal = 0;
    snprintf(m->why, sizeof m->why, fmt, a, b);
    return 0;
}

/* PCUs of a tree that reduces n inputs with fan-in f: each node turns f inputs into one. */
static int tree_nodes(int n, int f) { return n <= 1 ? 0 : (int)ceil_div(n - 1, f - 1); }
static int tree_levels(int n, int f)
{
    int l = 0;
    for (; n > 1; n = (int)ceil_div(n, f))
        l++;
    return l;
}

int sp_map(const sp_arch *a, const sp_shape *s, sp_factors f, sp_mapping *m)
{
    memset(m, 0, sizeof *m);
    m->f = f;
    m->legal = 1;
    const int vec = sp_arch_vec_elems(a);
    const int K = sp_reduction_len(s);
    if (f.hu < 1 || f.hu > s->H)
        return illegal(m, "hu=%ld outside 1..H=%ld", f.hu, s->H);
    if (!is_pow2(f.rv) || f.rv > vec)
        return illegal(m, "rv=%ld not a power of two <= %ld", f.rv, vec);
    if (f.ru < 1 || (long)(f.ru - 1) * f.rv >= K)
        return illegal(m, "ru=%ld leaves a reduction slice empty (K=%ld)", f.ru, K);

    /* trip counts: copy j owns hidden units j, j+hu, ...; the batch multiplies the units */
    long slice = (long)f.ru * f.rv;
    int per_copy = (int)ceil_div(s->H, f.hu);
    m->n_units = s->B * per_copy;
    m->last_slot_units = s->H - (per_copy - 1) * f.hu;
    m->n_k = sp_chunks(s, slice);
    m->n_issue = (long)m->n_units * m->n_k;

    /* compute units */
    sp_tail tail;
    sp_tail_of(s->cell, s->mode, &tail);
    int fan = sp_arch_combine_fanin(a);
    m->combine_per_gate = tree_nodes(f.ru, fan);
    m->combine_levels = tree_levels(f.ru, fan);
    m->pcu_mvm = s->G * f.hu * f.ru;
    m->pcu_combine = s->G * f.hu * m->combine_per_gate;
    m->pcu_ew = f.hu * tail.pcus;
    m->pcus = m->pcu_mvm + m->pcu_combine + m->pcu_ew;
    if (m->pcus > a->pcus)
        return illegal(m, "needs %ld PCUs > %ld", m->pcus, a->pcus);

    /* memories other than weights */
    double wb = a->mul_bits / 8.0;
    m->pmu_xh = a->xh_private ? m->pcu_mvm : f.ru;
    double xh_bytes = 2.0 * m->n_k * f.rv * wb * s->B; /* its slice of [x; h], double-buffered */
    if (xh_bytes > (double)a->pmu_bytes)
        return illegal(m, "an x/h slice of %ld bytes exceeds a %ld-byte PMU", (long)xh_bytes, a->pmu_bytes);
    m->pmu_lut = f.hu * tail.luts;
    m->pmu_state = f.hu * tail.state;
    m->pmu_bias = f.hu;
    int other = m->pmu_xh + m->pmu_lut + m->pmu_state + m->pmu_bias;
    m->in_bytes_per_step = s->mode == SP_INPUT_SKIP ? (double)s->G * s->H * s->B * wb : (double)s->I * s->B * wb;
    m->out_bytes_per_step = (double)s->H * s->B * wb;

    /* weights: every MVM PCU streams its tile from its own PMU at one vector per cycle (bandwidth: one PMU per
     * MVM PCU at least); a tile larger than a PMU spills into PMUs it shares with other PCUs, each reading its
     * spilled part at a different time in the step (capacity: ceil(bytes / pmu_bytes) PMUs in all) */
    m->weight_bytes = (double)s->G * s->H * m->n_k * slice * wb;
    double need = ceil(m->weight_bytes / (double)a->pmu_bytes);
    if (need < m->pcu_mvm)
        need = m->pcu_mvm;
    m->weight_pmus_needed = need;
    int free_pmus = a->pmus - other;
    if (free_pmus < m->pcu_mvm)
        return illegal(m, "needs %ld PMUs > %ld", (long)other + m->pcu_mvm, a->pmus);
    m->weights_fit = need <= free_pmus;
    if (m->weights_fit) {
        m->pmu_weight = (int)need;
        m->resident_bytes = m->weight_bytes;
    } else {
        /* onchip: the paper's assumption, the weights are taken as resident in every free PMU (the row says
         * they do not fit); stream: each MVM PCU keeps one PMU as its double-buffered stream buffer, the other
         * free PMUs hold a resident part, the rest is read from DRAM every step */
        m->pmu_weight = free_pmus;
        if (s->cap == SP_CAP_STREAM) {
            m->resident_bytes = (double)(free_pmus - m->pcu_mvm) * (double)a->pmu_bytes;
            m->streamed_bytes_per_step = m->weight_bytes - m->resident_bytes;
        } else {
            m->resident_bytes = m->weight_bytes;
        }
    }
    m->pmus = m->pmu_weight + other;

    /* placement: the allocated units packed in a square region; h and completion tokens cross it */
    int side = (int)ceil(sqrt((double)(m->pcus + m->pmus)));
    int maxdim = a->grid_rows > a->grid_cols ? a->grid_rows : a->grid_cols;
    if (side > maxdim)
        side = maxdim;
    m->region_side = side;
    m->bcast_hops = side < 1 ? 1 : side;

    /* the loop-carried chain of one step */
    int hop = a->hop_cycles;
    m->lat_read = a->pmu_read_cycles + (a->xh_private ? hop : m->bcast_hops * hop);
    m->lat_mvm = sp_arch_mvm_latency(a);
    m->lat_combine = hop + m->combine_levels * (a->stages + hop);
    m->lat_tail = sp_tail_latency(a, s->cell);
    m->lat_wb = m->bcast_hops * hop;
    m->lat_sync = m->bcast_hops * hop;
    m->lat_ctrl = a->step_overhead_cycles;
    m->lat_to_write = m->lat_mvm + m->lat_combine + m->lat_tail + m->lat_wb;

    m->macs_per_step = (double)s->B * s->G * s->H * K;
    return 0;
}
