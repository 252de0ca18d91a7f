/* backends/spatial/spatial_dse.c — the design-space search and pinned mappings (see spatial_dse.h). */
#include "spatial_dse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spatial_sim.h"

typedef struct {
    sp_factors f;
    double cycles;
    int units;
} sp_top;

/* a before b? lower latency, then fewer units, then enumeration order (stable) */
static int better(double ca, int ua, double cb, int ub) { return ca < cb || (ca == cb && ua < ub); }

static void top_insert(sp_top *top, int *n, sp_factors f, double cycles, int units)
{
    int pos = *n;
    while (pos > 0 && better(cycles, units, top[pos - 1].cycles, top[pos - 1].units))
        pos--;
    if (pos >= SP_DSE_SIMULATE)
        return;
    int last = *n < SP_DSE_SIMULATE ? *n : SP_DSE_SIMULATE - 1;
    for (int i = last; i > pos; i--)
        top[i] = top[i - 1];
    top[pos].f = f;
    top[pos].cycles = cycles;
    top[pos].units = units;
    if (*n < SP_DSE_SIMULATE)
        (*n)++;
}

static int keep(sp_dse_result *r, size_t *cap, const sp_candidate *c)
{
    if (r->n_cands == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        sp_candidate *v = realloc(r->cands, nc * sizeof *v);
        if (!v)
            return -1;
        r->cands = v;
        *cap = nc;
    }
    r->cands[r->n_cands++] = *c;
    return 0;
}

static void finish(const sp_arch *a, const sp_shape *s, sp_dse_result *r)
{
    sp_model_closed_form(a, s, &r->best, &r->model);
    sp_cost_of(a, s, &r->best, &r->sim, &r->cost);
}

int sp_dse(const sp_arch *a, const sp_shape *s, int keep_candidates, sp_dse_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    size_t cap = 0;
    sp_top top[SP_DSE_SIMULATE];
    int ntop = 0;
    const int vec = sp_arch_vec_elems(a);
    const int K = sp_reduction_len(s);
    sp_mapping m;
    sp_timing t;
    for (int rv = 1; rv <= vec; rv *= 2)
        for (int hu = 1; hu <= s->H && (long)hu * s->G <= a->pcus; hu++)
            for (int ru = 1; (long)hu * s->G * ru <= a->pcus && (long)(ru - 1) * rv < K; ru++) {
                sp_factors f = { hu, ru, rv };
                sp_map(a, s, f, &m);
                r->examined++;
                if (!m.legal)
                    continue;
                r->legal++;
                sp_model_closed_form(a, s, &m, &t);
                top_insert(top, &ntop, f, t.total_cycles, m.pcus + m.pmus);
                if (keep_candidates) {
                    sp_candidate c = { f, m.pcus, m.pmus, m.weights_fit, m.streamed_bytes_per_step > 0,
                                       t.total_cycles, -1.0, t.steady_step, 0.0 };
                    sp_cost cost;
                    sp_cost_of(a, s, &m, &t, &cost);
                    c.area_alloc_mm2 = cost.area_alloc_mm2;
                    if (keep(r, &cap, &c) != 0) {
                        snprintf(err, errlen, "out of memory keeping DSE candidates");
                        sp_dse_free(r);
                        return -1;
                    }
                }
            }
    if (ntop == 0) {
        snprintf(err, errlen, "no legal mapping on %s (%ld points examined)", a->name, r->examined);
        return -1;
    }
    double best_cycles = 0;
    int best_units = 0, have = 0;
    for (int i = 0; i < ntop; i++) {
        sp_map(a, s, top[i].f, &m);
        if (sp_simulate(a, s, &m, &t) != 0) {
            snprintf(err, errlen, "simulator failed (out of memory)");
            sp_dse_free(r);
            return -1;
        }
        r->simulated++;
        for (size_t k = 0; k < r->n_cands; k++)
            if (memcmp(&r->cands[k].f, &top[i].f, sizeof top[i].f) == 0)
                r->cands[k].sim_cycles = t.total_cycles;
        if (!have || better(t.total_cycles, m.pcus + m.pmus, best_cycles, best_units)) {
            have = 1;
            best_cycles = t.total_cycles;
            best_units = m.pcus + m.pmus;
            r->best = m;
            r->sim = t;
        }
    }
    finish(a, s, r);
    return 0;
}

int sp_dse_fixed(const sp_arch *a, const sp_shape *s, sp_factors f, sp_dse_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    sp_map(a, s, f, &r->best);
    r->examined = 1;
    if (!r->best.legal) {
        snprintf(err, errlen, "mapping hu=%d,ru=%d,rv=%d does not fit %s: %s", f.hu, f.ru, f.rv, a->name,
                 r->best.why);
        return -1;
    }
    r->legal = 1;
    if (sp_simulate(a, s, &r->best, &r->sim) != 0) {
        snprintf(err, errlen, "simulator failed (out of memory)");
        return -1;
    }
    r->simulated = 1;
    finish(a, s, r);
    return 0;
}

void sp_dse_free(sp_dse_result *r)
{
    free(r->cands);
    r->cands = NULL;
    r->n_cands = 0;
}

int sp_paper_point(rb_cell cell, int hidden, sp_factors *f, int *suspect)
{
    *suspect = 0;
    f->rv = 64;
    if (cell == RB_CELL_LSTM && hidden == 256) {
        f->hu = 6, f->ru = 4;
        return 0;
    }
    if (cell == RB_CELL_LSTM && (hidden == 512 || hidden == 1024 || hidden == 1536 || hidden == 2048)) {
        f->hu = 4, f->ru = 8;
        return 0;
    }
    if (cell == RB_CELL_GRU &&
        (hidden == 512 || hidden == 1024 || hidden == 1536 || hidden == 2048 || hidden == 2560 || hidden == 2816)) {
        f->hu = 2, f->ru = 8;
        *suspect = 1;
        return 0;
    }
    return -1;
}
