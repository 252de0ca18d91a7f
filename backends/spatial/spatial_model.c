/* backends/spatial/spatial_model.c — closed-form latency of a mapping (used to rank DSE candidates and to
 * cross-check the cycle-level simulator). */
#include "spatial_model.h"

#include <math.h>
#include <string.h>

void sp_model_closed_form(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t)
{
    memset(t, 0, sizeof *t);
    double bpc = sp_arch_dram_bytes_per_cycle(a);
    double issue_end = fmax((double)m->lat_read + (double)m->n_issue - 1.0, ceil(m->streamed_bytes_per_step / bpc));
    double compute = (double)(m->pipeline_depth - m->lat_read) + issue_end;
    double dram = ceil((m->streamed_bytes_per_step + m->in_bytes_per_step + m->out_bytes_per_step) / bpc);
    t->steady_step = fmax(compute, dram);
    t->first_step = t->steady_step;
    t->load_cycles = ceil(m->in_bytes_per_step / bpc);
    t->total_cycles = t->load_cycles + (double)s->T * t->steady_step;
    t->latency_ms = t->total_cycles / (a->clock_mhz * 1e3);
}
