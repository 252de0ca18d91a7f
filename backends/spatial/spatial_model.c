/* backends/spatial/spatial_model.c — closed-form latency of a mapping (ranks the DSE candidates and cross-checks
 * the cycle-level simulator). See spatial_model.h for the step timeline. */
#include "spatial_model.h"

#include <math.h>
#include <string.h>

/* Cycle (from the step start) at which the busiest copy issues the last vector of slot m. */
static double slot_end(const sp_mapping *m, long slot, double stream_cycles)
{
    double vec = (double)(slot + 1) * m->n_k;
    double t = m->lat_read + vec - 1.0;
    if (stream_cycles > 0) { /* the slot's last vector also waits for its share of the weight stream */
        double need = ceil(stream_cycles * vec / (double)m->n_issue);
        if (need > t)
            t = need;
    }
    return t;
}

/* Elements written from slot `slot` on: every copy is busy until the last B slots, then last_slot_units are. */
static double remaining(const sp_shape *s, const sp_mapping *m, long slot)
{
    long full = (long)m->n_units - s->B; /* slots with all hu copies busy */
    if (slot <= full)
        return (double)s->B * s->H - (double)slot * m->f.hu;
    return (double)(m->n_units - slot) * m->last_slot_units;
}

void sp_model_closed_form(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t)
{
    memset(t, 0, sizeof *t);
    double bpc = sp_arch_dram_bytes_per_cycle(a);
    double stream = m->streamed_bytes_per_step > 0 ? m->streamed_bytes_per_step / bpc : 0;
    double w = a->h_writeback_per_cycle;
    long last = m->n_units - 1, full = m->n_units - s->B;
    long cand[4] = { 0, full - 1, full, last };
    double finish = 0;
    for (int i = 0; i < 4; i++) {
        long slot = cand[i];
        if (slot < 0 || slot > last)
            continue;
        double f = slot_end(m, slot, stream) + m->lat_to_write + remaining(s, m, slot) / w;
        if (f > finish)
            finish = f;
    }
    double issue_last = slot_end(m, last, stream);
    double written_by_issue = issue_last + m->lat_to_write + m->last_slot_units / w;
    t->issue_cycles = issue_last - m->lat_read + 1;
    t->write_cycles = finish;
    t->write_bound = finish > written_by_issue + 1e-9;
    double compute = ceil(finish - 1e-9) + m->lat_sync + m->lat_ctrl;
    double dram = ceil((m->streamed_bytes_per_step + m->in_bytes_per_step + m->out_bytes_per_step) / bpc);
    t->steady_step = fmax(compute, dram);
    t->first_step = t->steady_step;
    t->load_cycles = ceil(m->in_bytes_per_step / bpc);
    t->total_cycles = t->load_cycles + (double)s->T * t->steady_step;
    t->latency_ms = t->total_cycles / (a->clock_mhz * 1e3);
}
