/* backends/spatial/spatial_sim.c — cycle-level simulator of the mapped RNN pipeline (see spatial_sim.h). */
#include "spatial_sim.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A partial result travelling down the pipeline: the last reduction chunk of (copy, gate round). */
typedef struct {
    long t;
    int copy, round;
} sp_tok;

/* FIFO of tokens; pushes arrive in non-decreasing time order because every stage has a fixed latency. */
typedef struct {
    sp_tok *v;
    size_t head, n, cap;
} sp_tq;

static int tq_push(sp_tq *q, long t, int copy, int round)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        sp_tok *v = malloc(cap * sizeof *v);
        if (!v)
            return -1;
        for (size_t i = 0; i < q->n; i++)
            v[i] = q->v[(q->head + i) % q->cap];
        free(q->v);
        q->v = v;
        q->head = 0;
        q->cap = cap;
    }
    sp_tok *k = &q->v[(q->head + q->n) % q->cap];
    k->t = t;
    k->copy = copy;
    k->round = round;
    q->n++;
    return 0;
}

static const sp_tok *tq_front(const sp_tq *q) { return q->n ? &q->v[q->head] : NULL; }

static void tq_pop(sp_tq *q)
{
    q->head = (q->head + 1) % q->cap;
    q->n--;
}

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

typedef struct {
    sp_tq acc, ew, wb;
    long *issued, *nissue;  /* per copy: vectors issued this step, vectors to issue per step */
    long *next_end;         /* per copy: cycle of the last vector of its current reduction chunk */
    long *end_idx;          /* per copy: index of that vector */
    long *ew_last;
    int *ew_lanes;
} sp_simstate;

static void state_free(sp_simstate *st)
{
    free(st->acc.v);
    free(st->ew.v);
    free(st->wb.v);
    free(st->issued);
    free(st->nissue);
    free(st->next_end);
    free(st->end_idx);
    free(st->ew_last);
    free(st->ew_lanes);
}

static long lmin(long a, long b) { return a < b ? a : b; }

/* Issue times of copy j's current reduction chunk: its vectors go out one per cycle from cycle `from` on and,
 * when weights are streamed, each also waits until its share of the weight stream has arrived (the stream
 * started at w_start and feeds every copy in proportion). Returns the cycle of the chunk's last vector and sets
 * *end to its index. Issue never depends on the downstream stages (they all accept one token per cycle), so a
 * chunk's vectors can be stepped through here without the rest of the pipeline. */
static long chunk_end(const sp_simstate *st, int j, long from, int n_k, double W, double w_start, double bpc,
                      long *end)
{
    long idx = st->issued[j];
    long last = idx + (n_k - idx % n_k) - 1;
    if (last >= st->nissue[j])
        last = st->nissue[j] - 1;
    *end = last;
    if (W <= 0)
        return from + (last - idx);
    long cyc = from - 1;
    for (long i = idx; i <= last; i++) {
        long need = (long)ceil(w_start + W * (double)(i + 1) / ((double)st->nissue[j] * bpc));
        cyc = cyc + 1 > need ? cyc + 1 : need;
    }
    return cyc;
}

int sp_simulate(const sp_arch *a, const sp_shape *s, const sp_mapping *m, sp_timing *t)
{
    memset(t, 0, sizeof *t);
    const int hu = m->f.hu, n_g = m->n_g, n_k = m->n_k;
    const long total_units = (long)s->B * s->H;
    const double W = m->streamed_bytes_per_step;
    const double wb_unit = a->mul_bits / 8.0; /* one 8-bit h element written back per unit and batch */
    sp_simstate st;
    memset(&st, 0, sizeof st);
    st.issued = calloc((size_t)hu, sizeof *st.issued);
    st.nissue = calloc((size_t)hu, sizeof *st.nissue);
    st.next_end = calloc((size_t)hu, sizeof *st.next_end);
    st.end_idx = calloc((size_t)hu, sizeof *st.end_idx);
    st.ew_last = malloc((size_t)m->ew_groups * sizeof *st.ew_last);
    st.ew_lanes = calloc((size_t)m->ew_groups, sizeof *st.ew_lanes);
    if (!st.issued || !st.nissue || !st.next_end || !st.end_idx || !st.ew_last || !st.ew_lanes) {
        state_free(&st);
        return -1;
    }
    long per_step_issues = 0;
    for (int j = 0; j < hu; j++) {
        long units = (s->H - j + hu - 1) / hu;
        st.nissue[j] = (long)s->B * units * n_g * n_k;
        per_step_issues += st.nissue[j];
    }
    t->vector_issues = per_step_issues;

    sp_dram dram = { sp_arch_dram_bytes_per_cycle(a), 0.0 };
    long S = (long)ceil(dram_enqueue(&dram, 0.0, m->in_bytes_per_step));
    t->load_cycles = (double)S;
    double sum = 0;
    long prev_dur = -1;
    int step;
    for (step = 0; step < s->T && step < SP_SIM_MAX_STEPS; step++) {
        double w_start = 0;
        if (W > 0) {
            w_start = fmax((double)S, dram.free_at);
            dram_enqueue(&dram, (double)S, W);
        }
        double next_in = (step + 1 < s->T) ? dram_enqueue(&dram, (double)S, m->in_bytes_per_step) : (double)S;
        memset(st.issued, 0, (size_t)hu * sizeof *st.issued);
        for (int g = 0; g < m->ew_groups; g++)
            st.ew_last[g] = -1;
        long written = 0, last_write = S;
        const long issue_from = S + m->lat_read;
        for (int j = 0; j < hu; j++)
            st.next_end[j] = st.nissue[j] > 0
                                 ? chunk_end(&st, j, issue_from, n_k, W, w_start, dram.bpc, &st.end_idx[j])
                                 : LONG_MAX;
        long c = S;
        for (;;) {
            /* 1. jump to the next cycle where something happens: a chunk's last vector issues, or a token
             *    reaches the next stage */
            const sp_tok *k;
            long nc = LONG_MAX;
            for (int j = 0; j < hu; j++)
                nc = lmin(nc, st.next_end[j]);
            if ((k = tq_front(&st.acc)))
                nc = lmin(nc, k->t);
            if ((k = tq_front(&st.ew)))
                nc = lmin(nc, k->t);
            if ((k = tq_front(&st.wb)))
                nc = lmin(nc, k->t);
            if (nc == LONG_MAX || nc < c)
                goto oom; /* cannot happen: nothing left to do but units unwritten */
            c = nc;
            /* 2. MVM issue: copies whose chunk completes now emit the (copy, gate round) partial sums, which
             *    leave the PCU pipeline lat_pcu cycles later; then the copy starts its next chunk */
            for (int j = 0; j < hu; j++) {
                if (st.next_end[j] != c)
                    continue;
                long idx = st.end_idx[j];
                if (tq_push(&st.acc, c + m->lat_pcu, j, (int)((idx / n_k) % n_g)) != 0)
                    goto oom;
                st.issued[j] = idx + 1;
                st.next_end[j] = st.issued[j] < st.nissue[j]
                                     ? chunk_end(&st, j, c + 1, n_k, W, w_start, dram.bpc, &st.end_idx[j])
                                     : LONG_MAX;
            }
            /* 3. tokens whose time has come: PCU -> combine tree -> element-wise -> write-back */
            while ((k = tq_front(&st.acc)) && k->t <= c) {
                sp_tok x = *k;
                tq_pop(&st.acc);
                if (tq_push(&st.ew, x.t + m->lat_combine + m->lat_to_ew, x.copy, x.round) != 0)
                    goto oom;
            }
            while ((k = tq_front(&st.ew)) && k->t <= c) {
                sp_tok x = *k;
                tq_pop(&st.ew);
                if (x.round != n_g - 1)
                    continue; /* the unit still waits for its later gate rounds */
                int g = x.copy / a->lanes;
                if (st.ew_last[g] != x.t) { /* a new vector issue of this element-wise group */
                    st.ew_last[g] = x.t;
                    st.ew_lanes[g] = 0;
                }
                st.ew_lanes[g]++;
                if (st.ew_lanes[g] > t->max_ew_lanes)
                    t->max_ew_lanes = st.ew_lanes[g];
                if (tq_push(&st.wb, x.t + m->lat_ew + m->lat_wb, x.copy, x.round) != 0)
                    goto oom;
            }
            while ((k = tq_front(&st.wb)) && k->t <= c) {
                last_write = k->t;
                tq_pop(&st.wb);
                written++;
                dram_enqueue(&dram, (double)last_write, wb_unit);
            }
            if (written == total_units)
                break;
        }
        long end = last_write + m->lat_sync;
        long next_S = step + 1 < s->T ? (long)fmax((double)end, ceil(next_in)) : end;
        long dur = next_S - S;
        if (step == 0)
            t->first_step = (double)dur;
        sum += (double)dur;
        t->steps_simulated = step + 1;
        t->steady_step = (double)dur;
        if (step >= 1 && dur == prev_dur) {
            t->steady_reached = 1;
            break;
        }
        prev_dur = dur;
        S = next_S;
    }
    /* steps not simulated repeat the last (steady) step */
    long remaining = (long)s->T - t->steps_simulated;
    t->total_cycles = t->load_cycles + sum + (double)remaining * t->steady_step;
    t->latency_ms = t->total_cycles / (a->clock_mhz * 1e3);
    state_free(&st);
    return 0;
oom:
    state_free(&st);
    return -1;
}
