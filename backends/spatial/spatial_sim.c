/* backends/spatial/spatial_sim.c — cycle-level simulator of the mapped RNN pipeline (see spatial_sim.h). */
#include "spatial_sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One DRAM channel: requests are served in arrival order at bpc bytes per cycle. */
typedef struct {
    double bpc, free_at;
} sp_dram;

static double dram_enqueue(sp_dram *d, double now, double bytes)
{
    double start = fmax(now, d->free_at);
    d->free_at = start + bytes / d->bpc;
    return d->free_at;
}

/* Arrival of a unit at the write-back; tokens of all copies are merged by time. */
typedef struct {
    long t;
    int copy;
} sp_tok;

static int tok_cmp(const void *x, const void *y)
{
    const sp_tok *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->copy - b->copy;
}

/* Issue of copy j's vectors in one step: back to back from `from`, each also not before its share of the
 * weight stream (W bytes starting at w_start, shared by all copies in proportion to their vectors) has
 * arrived. Writes the cycle of every item's last vector into end[]; returns the cycle of the copy's last
 * vector. */
static long copy_issue(long items, int n_k, long from, double W, double w_start, double bpc, long n_issue_max,
                       long *end)
{
    long cyc = from - 1;
    for (long it = 0; it < items; it++) {
        if (W <= 0) {
            cyc += n_k;
        } else {
            for (int k = 0; k < n_k; k++) {
                long v = it * n_k + k;
                long need = (long)ceil(w_start + W * (double)(v + 1) / ((double)n_issue_max * bpc));
                cyc = cyc + 1 > need ? cyc + 1 : need;
            }
        }
        end[it] = cyc;
    }
    return cyc;
}

int sp_simulate(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t)
{
    memset(t, 0, sizeof *t);
    const int hu = m->f.hu, n_k = m->n_k;
    const long total = (long)s->B * s->H;
    const double W = m->streamed_bytes_per_step;
    const double wrate = a->h_writeback_per_cycle;
    const double wb_elem = a->mul_bits / 8.0;
    sp_tok *tok = malloc((size_t)total * sizeof *tok);
    long *end = malloc((size_t)m->n_units * sizeof *end);
    if (!tok || !end) {
        free(tok);
        free(end);
        return -1;
    }
    long vec_per_step = 0;
    for (int j = 0; j < hu; j++)
        vec_per_step += (long)s->B * ((s->H - j + hu - 1) / hu) * n_k;
    t->vector_issues = vec_per_step;

    sp_dram dram = { sp_arch_dram_bytes_per_cycle(a), 0.0 };
    long S = (long)ceil(dram_enqueue(&dram, 0.0, m->in_bytes_per_step));
    t->load_cycles = (double)S;
    double sum = 0;
    long prev_dur = -1;
    for (int step = 0; step < s->T && step < SP_SIM_MAX_STEPS; step++) {
        double w_start = 0;
        if (W > 0) {
            w_start = fmax((double)S, dram.free_at);
            dram_enqueue(&dram, (double)S, W);
        }
        double next_in = step + 1 < s->T ? dram_enqueue(&dram, (double)S, m->in_bytes_per_step) : (double)S;
        /* 1. every copy issues its items; each item becomes a token at the write-back */
        long n = 0, last_issue = S;
        for (int j = 0; j < hu; j++) {
            long items = (long)s->B * ((s->H - j + hu - 1) / hu);
            long last = copy_issue(items, n_k, S + m->lat_read, W, w_start, dram.bpc, m->n_issue, end);
            if (last > last_issue)
                last_issue = last;
            for (long it = 0; it < items; it++) {
                tok[n].t = end[it] + m->lat_to_write;
                tok[n].copy = j;
                n++;
            }
        }
        /* 2. the shared write-back, in arrival order; each written element is also stored to DRAM */
        qsort(tok, (size_t)n, sizeof *tok, tok_cmp);
        double f = 0;
        for (long i = 0; i < n; i++) {
            f = fmax((double)tok[i].t, f) + 1.0 / wrate;
            dram_enqueue(&dram, f, wb_elem);
        }
        long written = (long)ceil(f - 1e-9);
        /* 3. completion token, control overhead, next input */
        long E = written + m->lat_sync + m->lat_ctrl;
        long next_S = step + 1 < s->T ? (long)fmax((double)E, ceil(next_in)) : E;
        if (W > 0 && step + 1 < s->T) /* the next step's weight stream cannot start before this one ends */
            next_S = (long)fmax((double)next_S, ceil(w_start + W / dram.bpc));
        long dur = next_S - S;
        if (step == 0)
            t->first_step = (double)dur;
        sum += (double)dur;
        t->steps_simulated = step + 1;
        t->steady_step = (double)dur;
        t->issue_cycles = (double)(last_issue - (S + m->lat_read) + 1);
        t->write_cycles = f - (double)S;
        t->write_bound = f - (double)S > (double)(last_issue - S) + m->lat_to_write + m->last_slot_units / wrate + 1e-9;
        if (step >= 1 && dur == prev_dur) {
            t->steady_reached = 1;
            break;
        }
        prev_dur = dur;
        S = next_S;
    }
    long rest = (long)s->T - t->steps_simulated;
    t->total_cycles = t->load_cycles + sum + (double)rest * t->steady_step;
    t->latency_ms = t->total_cycles / (a->clock_mhz * 1e3);
    free(tok);
    free(end);
    return 0;
}
