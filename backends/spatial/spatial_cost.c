/* backends/spatial/spatial_cost.c — energy/power/area of a mapped and timed problem (see spatial_cost.h). */
#include "spatial_cost.h"

#include <string.h>

void sp_cost_of(const sp_arch *a, const sp_shape *s, const sp_mapping *m, const sp_timing *t, sp_cost *c)
{
    memset(c, 0, sizeof *c);
    double seconds = t->total_cycles / (a->clock_mhz * 1e6);
    double steps = (double)s->T;

    /* units: allocated ones active for the whole sequence, the others at the idle fraction */
    double active_w = (m->pcus * a->pcu_power_mw + m->pmus * a->pmu_power_mw + a->dags * a->dag_power_mw) * 1e-3;
    double idle_w = ((a->pcus - m->pcus) * a->pcu_power_mw + (a->pmus - m->pmus) * a->pmu_power_mw) * 1e-3 *
                    a->idle_power_frac;
    c->unit_energy_j = (active_w + idle_w) * seconds;

    /* network: vector flits (weights 1 hop, h/x multicast over the region), scalar flits (partial sums
     * through the combine tree, the element-wise chain, h write-back) */
    double issues = (double)m->n_issue * m->f.hu;                   /* copy-level issues per step */
    double vec_hops = issues * m->f.gp * m->f.ru                      /* weight reads, one per MVM PCU */
                      + issues / m->f.hu * m->f.ru * (m->bcast_hops + m->f.hu * m->f.gp); /* multicast tree */
    double units = (double)s->B * s->H;
    sp_tail tail;
    sp_tail_of(s->cell, s->mode, &tail);
    double scal_hops = units * s->G * m->f.ru * (m->combine_levels + 1) + units * (tail.n_seg + m->bcast_hops);
    c->net_energy_j = steps * (vec_hops * a->vector_flit_pj + scal_hops * a->scalar_flit_pj) * 1e-12;

    double dram_bytes = m->in_bytes_per_step * steps + steps * (m->streamed_bytes_per_step + m->out_bytes_per_step);
    c->dram_energy_j = dram_bytes * a->dram_pj_per_byte * 1e-12;

    c->energy_j = c->unit_energy_j + c->net_energy_j + c->dram_energy_j;
    c->power_w = seconds > 0 ? c->energy_j / seconds : 0;

    double all_units = a->pcus * a->pcu_area_mm2 + a->pmus * a->pmu_area_mm2;
    double overhead = all_units > 0 ? a->chip_area_mm2 / all_units : 1.0;
    if (overhead < 1.0)
        overhead = 1.0;
    c->area_alloc_mm2 = (m->pcus * a->pcu_area_mm2 + m->pmus * a->pmu_area_mm2) * overhead;
    c->area_chip_mm2 = a->chip_area_mm2;

    double vec = sp_arch_vec_elems(a);
    double macs = m->macs_per_step * steps;
    c->util_chip = t->total_cycles > 0 ? macs / ((double)a->pcus * vec * t->total_cycles) : 0;
    c->util_alloc = t->total_cycles > 0 ? macs / ((double)m->pcu_mvm * vec * t->total_cycles) : 0;
}
