/* backends/spatial/spatial_cost.c — energy, power and area from per-unit activity (see spatial_cost.h). */
#include "spatial_cost.h"

#include <math.h>
#include <string.h>

static double frac(double busy, double units, double cycles)
{
    if (units <= 0 || cycles <= 0)
        return 0;
    double f = busy / (units * cycles);
    return f > 1 ? 1 : f;
}

void sp_cost_of(const sp_arch *a, const sp_shape *s, const sp_mapping *m, const sp_timing *t, sp_cost *c)
{
    memset(c, 0, sizeof *c);
    const double C = t->steady_step;                   /* cycles of one steady step */
    const double units = (double)s->B * s->H;          /* hidden units (x batch) per step */
    const int G = s->G, hu = m->f.hu, ru = m->f.ru;
    sp_tail tail;
    sp_tail_of(s->cell, s->mode, &tail);

    /* busy unit-cycles per step, in full-width equivalents: a PCU's busy power is for all its lanes working, a
     * PMU's for a vector access touching all its banks; a scalar operation (hv = 1: combine trees and tails use
     * one lane) or a scalar access (an h element written into an x/h buffer, a LUT lookup, a state or bias
     * access) costs 1/lanes of that */
    const double scalar = 1.0 / a->lanes;
    double issues = units * m->n_k;                    /* vector issues of all copies */
    double mvm_busy = issues * G * ru;                 /* every MVM PCU of a copy issues with it */
    double x_vectors = (double)s->B * s->I / (double)sp_arch_vec_elems(a); /* x_{t+1} arrives as vectors */
    double xh_busy;
    if (a->xh_private) /* each replica is read at every issue of its PCU and receives its slice of h and x */
        xh_busy = mvm_busy + (units * scalar + x_vectors) * G * hu;
    else               /* one read per chunk feeds every copy (broadcast) */
        xh_busy = (double)m->n_units * m->n_k * ru + units * scalar + x_vectors;
    c->act.mvm = frac(mvm_busy, m->pcu_mvm, C);
    c->act.weight = frac(mvm_busy, m->pmu_weight, C);
    c->act.xh = frac(xh_busy, m->pmu_xh, C);
    c->act.combine = frac(units * tail.n_tokens * m->combine_per_gate * scalar, m->pcu_combine, C);
    c->act.ew = frac(units * tail.pcus * scalar, m->pcu_ew, C);
    c->act.lut = frac(units * tail.luts * scalar, m->pmu_lut, C);
    c->act.state = frac(units * tail.state * 2 * scalar, m->pmu_state, C); /* a read and a write per unit */
    c->act.bias = frac(units * (s->mode == SP_INPUT_SKIP ? 2 : 1) * scalar, m->pmu_bias, C);
    double bpc = sp_arch_dram_bytes_per_cycle(a);
    double dram_bytes = m->in_bytes_per_step + m->out_bytes_per_step + m->streamed_bytes_per_step;
    c->dags_used = m->streamed_bytes_per_step > 0 ? a->dags : (a->dags < 2 ? a->dags : 2);
    c->act.dag = frac(dram_bytes / bpc, 1, C); /* the DRAM channel's busy share */

    const double f = a->idle_power_frac;
#define P(n, mw, act) ((double)(n) * (mw) * 1e-3 * (f + (1 - f) * (act)))
    c->unit_power_w = P(m->pcu_mvm, a->pcu_power_mw, c->act.mvm) + P(m->pcu_combine, a->pcu_power_mw, c->act.combine) +
                      P(m->pcu_ew, a->pcu_power_mw, c->act.ew) + P(m->pmu_weight, a->pmu_power_mw, c->act.weight) +
                      P(m->pmu_xh, a->pmu_power_mw, c->act.xh) + P(m->pmu_lut, a->pmu_power_mw, c->act.lut) +
                      P(m->pmu_state, a->pmu_power_mw, c->act.state) + P(m->pmu_bias, a->pmu_power_mw, c->act.bias) +
                      P(c->dags_used, a->dag_power_mw, c->act.dag);
#undef P

    /* network flit energy per step: weights and private x/h reads cross one hop; a broadcast x/h read reaches
     * every copy across the region; h and x are multicast to the x/h buffers; partial sums climb the combine
     * trees; the tail moves a few scalars per unit */
    double vec_hops = mvm_busy;                                                /* weight reads */
    double xh_fanout = a->xh_private ? (double)G * hu : 1.0;
    if (a->xh_private)
        vec_hops += mvm_busy;                                                  /* x/h reads, next PMU */
    else
        vec_hops += (double)m->n_units * m->n_k * ru * (m->bcast_hops + (double)G * hu);
    vec_hops += (double)s->B * s->I / sp_arch_vec_elems(a) * (m->bcast_hops + xh_fanout);
    double scal_hops = units * (m->bcast_hops + xh_fanout)                     /* h write-back multicast */
                       + units * tail.n_tokens * ru * (m->combine_levels + 1)  /* partial sums */
                       + units * (tail.luts + tail.pcus + tail.state + 1);     /* tail */
    double step_s = C / (a->clock_mhz * 1e6);
    c->net_power_w = step_s > 0 ? (vec_hops * a->vector_flit_pj + scal_hops * a->scalar_flit_pj) * 1e-12 / step_s : 0;
    c->dram_power_w = step_s > 0 ? dram_bytes * a->dram_pj_per_byte * 1e-12 / step_s : 0;

    c->power_w = c->unit_power_w + c->net_power_w + c->dram_power_w;
    double seconds = t->total_cycles / (a->clock_mhz * 1e6);
    c->energy_j = c->power_w * seconds;

    double all_units = a->pcus * a->pcu_area_mm2 + a->pmus * a->pmu_area_mm2;
    double overhead = all_units > 0 ? a->chip_area_mm2 / all_units : 1.0;
    if (overhead < 1.0)
        overhead = 1.0;
    c->area_alloc_mm2 = (m->pcus * a->pcu_area_mm2 + m->pmus * a->pmu_area_mm2) * overhead;
    c->area_chip_mm2 = a->chip_area_mm2;

    double vec = sp_arch_vec_elems(a);
    double macs = m->macs_per_step * s->T;
    c->util_chip = t->total_cycles > 0 ? macs / ((double)a->pcus * vec * t->total_cycles) : 0;
    c->util_alloc = t->total_cycles > 0 ? macs / ((double)m->pcu_mvm * vec * t->total_cycles) : 0;
}
