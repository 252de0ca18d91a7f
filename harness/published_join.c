/* harness/published_join.c — turns validated published task rows into complete /results records: joins each
 * row with its platform's facts (area, the power the platform is compared at, TDP, device, the backend that
 * reproduces it), computes the key like a job's key (shape, backend = platform, no options, seed 0), the FLOP
 * counts and effective throughput, and writes the row's extras (citation first). */
#include "published.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "job.h"

/* The seed of every published row's key: published figures do not depend on rnnbench's weights. */
#define RB_PUB_SEED 0

typedef struct extras_buf {
    char s[2048];
    size_t used;
} extras_buf;

__attribute__((format(printf, 3, 4))) static void put(extras_buf *b, const char *key, const char *fmt, ...)
{
    if (b->used >= sizeof b->s) return;
    int w = snprintf(b->s + b->used, sizeof b->s - b->used, "%s%s=", b->used ? ";" : "", key);
    if (w > 0) b->used += (size_t)w;
    if (b->used >= sizeof b->s) return;
    va_list ap;
    va_start(ap, fmt);
    w = vsnprintf(b->s + b->used, sizeof b->s - b->used, fmt, ap);
    va_end(ap);
    if (w > 0) b->used += (size_t)w;
}

static void set_source(char *dst, size_t len, double v)
{
    snprintf(dst, len, "%s", isnan(v) ? "unavailable" : "published");
}

static int build_record(rb_pub_set *s, rb_pub_task *t, char *err, size_t errlen)
{
    rb_record *r = &t->rec;
    const rb_pub_platform *p = rb_pub_find_platform(s, r->backend);
    rb_job j;
    memset(&j, 0, sizeof j);
    rb_cell_parse(r->cell, &j.problem.cell);
    j.problem.hidden = r->hidden;
    j.problem.input = r->input;
    j.problem.batch = r->batch;
    j.problem.timesteps = r->timesteps;
    j.seed = RB_PUB_SEED;
    rb_job_key(&j, r->backend, r->key);
    if (!r->workload[0]) {
        rb_problem_default_name(&j.problem);
        snprintf(r->workload, sizeof r->workload, "%s", j.problem.name);
    }
    r->seed = RB_PUB_SEED;
    snprintf(r->status, sizeof r->status, "ok");
    r->rank = -1;
    r->reps = 0;
    snprintf(r->latency_source, sizeof r->latency_source, "published");
    r->flops_deepbench = rb_flops_deepbench(&j.problem);
    r->flops_full = rb_flops_full(&j.problem);
    r->gflops_deepbench = r->flops_deepbench / (r->lat_median_ms * 1e-3) / 1e9;
    r->gflops_full = r->flops_full / (r->lat_median_ms * 1e-3) / 1e9;
    snprintf(r->device, sizeof r->device, "%s", t->device[0] ? t->device : p && p->device[0] ? p->device : r->backend);

    const char *power_kind = t->power_kind;
    r->power_w = t->power_w;
    if (isnan(r->power_w) && p && strcmp(p->row_power, "tdp") == 0) {
        r->power_w = p->tdp_w;
        power_kind = "tdp";
    } else if (isnan(r->power_w) && p && strcmp(p->row_power, "peak") == 0) {
        r->power_w = p->peak_power_w;
        power_kind = "peak";
    }
    const char *area_kind = t->area_kind;
    r->area_mm2 = t->area_mm2;
    if (isnan(r->area_mm2) && p && !isnan(p->die_area_mm2)) {
        r->area_mm2 = p->die_area_mm2;
        area_kind = p->area_kind;
    }
    r->energy_j = t->energy_j;
    set_source(r->power_source, sizeof r->power_source, r->power_w);
    set_source(r->area_source, sizeof r->area_source, r->area_mm2);
    set_source(r->energy_source, sizeof r->energy_source, r->energy_j);

    extras_buf b = {.used = 0};
    b.s[0] = '\0';
    put(&b, "citation", "%s", t->citation);
    if (t->precision[0]) put(&b, "precision", "%s", t->precision);
    if (t->latency_stat[0]) put(&b, "latency_stat", "%s", t->latency_stat);
    if (!isnan(r->power_w)) put(&b, "power_kind", "%s", power_kind);
    if (!isnan(r->area_mm2)) put(&b, "area_kind", "%s", area_kind);
    if (p && !isnan(p->tdp_w)) put(&b, "tdp_w", "%.10g", p->tdp_w);
    if (p && !isnan(p->peak_power_w)) put(&b, "peak_power_w", "%.10g", p->peak_power_w);
    if (p && p->reproduced_by[0]) put(&b, "reproduced_by", "%s", p->reproduced_by);
    if (t->note[0]) put(&b, "note", "%s", t->note);
    if (b.used >= sizeof r->extras) {
        snprintf(err, errlen,
                 "%s:%d: citation: the row's extras (citation, note and the platform facts) take %zu characters, "
                 "at most %zu fit in a results row; shorten the citation or the note",
                 s->paths[t->file], t->line, b.used, sizeof r->extras - 1);
        return -1;
    }
    memcpy(r->extras, b.s, b.used + 1); /* fits: checked above */
    return 0;
}

int rb_pub_join(rb_pub_set *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < s->n; i++)
        if (build_record(s, &s->tasks[i], err, errlen) != 0) return -1;
    return 0;
}
