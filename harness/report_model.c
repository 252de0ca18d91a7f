/* harness/report_model.c — turns the rows of a results file into the report grid: keeps the latest row per
 * (workload shape, backend, options), lays rows out as workloads × backend columns, picks the baseline and
 * computes speedups, area/power-normalised ratios and their geometric means, per batch size. */
#include "report_model.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rb_rep_ok(const rb_record *r) { return r != NULL && strcmp(r->status, "ok") == 0; }

int rb_rep_published(const rb_record *r) { return r != NULL && strcmp(r->latency_source, "published") == 0; }

int rb_rep_source_known(const char *src)
{
    return src != NULL && src[0] != '\0' && strcmp(src, "unavailable") != 0;
}

static int positive(double x) { return isfinite(x) && x > 0.0; }

/* ---- authoritative rows ---- */

static int cmp_shape(const rb_record *a, const rb_record *b)
{
    int c = strncmp(a->cell, b->cell, sizeof a->cell);
    if (c) return c;
    if (a->hidden != b->hidden) return a->hidden < b->hidden ? -1 : 1;
    if (a->input != b->input) return a->input < b->input ? -1 : 1;
    if (a->batch != b->batch) return a->batch < b->batch ? -1 : 1;
    if (a->timesteps != b->timesteps) return a->timesteps < b->timesteps ? -1 : 1;
    return 0;
}

static int cmp_job(const rb_record *a, const rb_record *b)
{
    int c = cmp_shape(a, b);
    if (c) return c;
    c = strncmp(a->backend, b->backend, sizeof a->backend);
    if (c) return c;
    return strncmp(a->options, b->options, sizeof a->options);
}

typedef struct { const rb_record *rec; size_t pos; } row_ref;

/* Same job first, then the most recent first: highest run_id, then latest timestamp, then later in file. */
static int cmp_row_ref(const void *pa, const void *pb)
{
    const row_ref *a = pa, *b = pb;
    int c = cmp_job(a->rec, b->rec);
    if (c) return c;
    if (a->rec->run_id != b->rec->run_id) return a->rec->run_id > b->rec->run_id ? -1 : 1;
    double ta = isfinite(a->rec->timestamp) ? a->rec->timestamp : -INFINITY;
    double tb = isfinite(b->rec->timestamp) ? b->rec->timestamp : -INFINITY;
    if (ta != tb) return ta > tb ? -1 : 1;
    return a->pos > b->pos ? -1 : (a->pos < b->pos ? 1 : 0);
}

static int cmp_pos(const void *pa, const void *pb)
{
    const row_ref *a = pa, *b = pb;
    return a->pos < b->pos ? -1 : (a->pos > b->pos ? 1 : 0);
}

/* Copies the latest row of every job into r->rows, in file order. */
static int keep_latest(const rb_record *rows, size_t n, rb_report *r)
{
    row_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    r->rows = malloc((n ? n : 1) * sizeof *r->rows);
    if (!refs || !r->rows) {
        free(refs);
        return -1;
    }
    for (size_t i = 0; i < n; i++) refs[i] = (row_ref){&rows[i], i};
    qsort(refs, n, sizeof *refs, cmp_row_ref);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || cmp_job(refs[i].rec, refs[kept - 1].rec) != 0) refs[kept++] = refs[i];
    qsort(refs, kept, sizeof *refs, cmp_pos);
    for (size_t i = 0; i < kept; i++) r->rows[i] = *refs[i].rec;
    r->nrows = kept;
    r->n_superseded = n - kept;
    free(refs);
    return 0;
}

/* ---- columns and workloads ---- */

static void make_label(const rb_record *rec, char *out, size_t len)
{
    if (rec->options[0])
        snprintf(out, len, "%.31s[%.223s]", rec->backend, rec->options);
    else
        snprintf(out, len, "%.31s", rec->backend);
}

static int cmp_column(const void *pa, const void *pb)
{
    const rb_rep_column *a = pa, *b = pb;
    return strcmp(a->label, b->label);
}

static long find_column_exact(const rb_report *r, const rb_record *rec)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (strncmp(r->cols[c].backend, rec->backend, sizeof rec->backend) == 0 &&
            strncmp(r->cols[c].options, rec->options, sizeof rec->options) == 0)
            return (long)c;
    return -1;
}

static long find_workload(const rb_report *r, const rb_record *rec)
{
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_rep_workload *wl = &r->wl[w];
        if (strncmp(wl->cell, rec->cell, sizeof wl->cell) == 0 && wl->hidden == rec->hidden &&
            wl->input == rec->input && wl->batch == rec->batch && wl->timesteps == rec->timesteps)
            return (long)w;
    }
    return -1;
}

static int build_axes(rb_report *r)
{
    size_t cap = r->nrows ? r->nrows : 1;
    r->cols = calloc(cap, sizeof *r->cols);
    r->wl = calloc(cap, sizeof *r->wl);
    if (!r->cols || !r->wl) return -1;
    for (size_t i = 0; i < r->nrows; i++) {
        const rb_record *rec = &r->rows[i];
        if (find_column_exact(r, rec) < 0) {
            rb_rep_column *c = &r->cols[r->ncols++];
            snprintf(c->backend, sizeof c->backend, "%.31s", rec->backend);
            snprintf(c->options, sizeof c->options, "%.223s", rec->options);
            make_label(rec, c->label, sizeof c->label);
            c->published = 1;
        }
        if (find_workload(r, rec) < 0) {
            rb_rep_workload *w = &r->wl[r->nwl++];
            snprintf(w->cell, sizeof w->cell, "%.7s", rec->cell);
            w->hidden = rec->hidden;
            w->input = rec->input;
            w->batch = rec->batch;
            w->timesteps = rec->timesteps;
        }
    }
    qsort(r->cols, r->ncols, sizeof *r->cols, cmp_column);
    for (size_t w = 0; w < r->nwl; w++) {
        r->wl[w].cells = calloc(r->ncols ? r->ncols : 1, sizeof *r->wl[w].cells);
        if (!r->wl[w].cells) return -1;
    }
    /* Place the rows; the workload's display name is the name of its most recent row. */
    double *name_time = calloc(r->nwl ? r->nwl : 1, sizeof *name_time);
    if (!name_time) return -1;
    for (size_t w = 0; w < r->nwl; w++) name_time[w] = -INFINITY;
    for (size_t i = 0; i < r->nrows; i++) {
        const rb_record *rec = &r->rows[i];
        rb_rep_workload *w = &r->wl[find_workload(r, rec)];
        long c = find_column_exact(r, rec);
        w->cells[c].rec = rec;
        if (!rb_rep_published(rec)) r->cols[c].published = 0;
        /* a campaign's row names the workload; a published row only when nothing else does */
        double t = rb_rep_published(rec) ? -INFINITY : isfinite(rec->timestamp) ? rec->timestamp : -DBL_MAX;
        if (w->name[0] == '\0' || t >= name_time[w - r->wl]) {
            snprintf(w->name, sizeof w->name, "%.63s", rec->workload);
            name_time[w - r->wl] = t;
        }
        if (rb_rep_ok(rec)) r->cols[c].n_ok++;
    }
    free(name_time);
    return 0;
}

int rb_rep_find_column(const rb_report *r, const char *name)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (strcmp(r->cols[c].label, name) == 0) return (int)c;
    int best = -1;
    for (size_t c = 0; c < r->ncols; c++)
        if (strcmp(r->cols[c].backend, name) == 0 && (best < 0 || r->cols[c].n_ok > r->cols[best].n_ok))
            best = (int)c;
    return best;
}

/* ---- figures ---- */

static double tflops(double gflops, double flops, double lat_ms)
{
    if (isfinite(gflops) && gflops > 0) return gflops / 1000.0;
    if (positive(flops) && positive(lat_ms)) return flops / (lat_ms * 1e-3) / 1e12;
    return NAN;
}

static double ratio_of(const rb_record *base, const rb_record *rec, char which)
{
    const char *sb = which == 'a' ? base->area_source : base->power_source;
    const char *sr = which == 'a' ? rec->area_source : rec->power_source;
    double vb = which == 'a' ? base->area_mm2 : base->power_w;
    double vr = which == 'a' ? rec->area_mm2 : rec->power_w;
    if (!rb_rep_source_known(sb) || !rb_rep_source_known(sr) || !positive(vb) || !positive(vr)) return NAN;
    return vb / vr;
}

static void fill_cells(rb_report *r)
{
    for (size_t w = 0; w < r->nwl; w++) {
        rb_rep_cell *cells = r->wl[w].cells;
        const rb_record *base = r->ncols ? cells[r->baseline].rec : NULL;
        for (size_t c = 0; c < r->ncols; c++) {
            rb_rep_cell *cl = &cells[c];
            const rb_record *rec = cl->rec;
            cl->tflops_deepbench = cl->tflops_full = cl->speedup = cl->perf_area = cl->perf_power = NAN;
            if (!rb_rep_ok(rec)) continue;
            cl->tflops_deepbench = tflops(rec->gflops_deepbench, rec->flops_deepbench, rec->lat_median_ms);
            cl->tflops_full = tflops(rec->gflops_full, rec->flops_full, rec->lat_median_ms);
            if (!rb_rep_ok(base) || !positive(base->lat_median_ms) || !positive(rec->lat_median_ms)) continue;
            cl->speedup = base->lat_median_ms / rec->lat_median_ms;
            cl->perf_area = cl->speedup * ratio_of(base, rec, 'a');
            cl->perf_power = cl->speedup * ratio_of(base, rec, 'p');
        }
    }
}

static void note_sources(char *dst, size_t len, const char *sb, const char *sr)
{
    char s[32];
    snprintf(s, sizeof s, "%.11s/%.11s", sb, sr);
    if (dst[0] == '\0')
        snprintf(dst, len, "%s", s);
    else if (strcmp(dst, s) != 0)
        snprintf(dst, len, "mixed");
}

/* A task is common when every compared column (one with at least one ok row) that is not published is ok on it:
 * published tables cover only some tasks and must not shrink the set our backends are compared on. */
static int task_is_common(const rb_report *r, size_t w)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (r->cols[c].n_ok > 0 && !r->cols[c].published && !rb_rep_ok(r->wl[w].cells[c].rec)) return 0;
    return 1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

static int make_groups(rb_report *r)
{
    int *batches = malloc((r->nwl ? r->nwl : 1) * sizeof *batches);
    if (!batches) return -1;
    size_t nb = 0;
    for (size_t w = 0; w < r->nwl; w++) {
        size_t k = 0;
        while (k < nb && batches[k] != r->wl[w].batch) k++;
        if (k == nb) batches[nb++] = r->wl[w].batch;
    }
    qsort(batches, nb, sizeof *batches, cmp_int);
    r->groups = calloc(nb ? nb : 1, sizeof *r->groups);
    int rc = r->groups ? 0 : -1;
    for (size_t g = 0; rc == 0 && g < nb; g++) {
        r->groups[g].batch = batches[g];
        r->groups[g].sum = calloc(r->ncols ? r->ncols : 1, sizeof *r->groups[g].sum);
        if (!r->groups[g].sum) rc = -1;
        r->ngroups = g + 1;
    }
    free(batches);
    return rc;
}

typedef struct log_sums {
    double speedup, pair, area, power;
} log_sums;

/* Geomeans of one batch size. A published column's speedup is pairwise only (its own tasks) and so are its
 * area/power ratios; every other column's ratios are over the common tasks. */
static int summarise_group(rb_report *r, rb_rep_group *g)
{
    size_t nc = r->ncols;
    log_sums *L = calloc(nc ? nc : 1, sizeof *L);
    if (!L) return -1;
    for (size_t w = 0; w < r->nwl; w++) {
        if (r->wl[w].batch != g->batch) continue;
        g->n_tasks++;
        const rb_record *base = r->wl[w].cells[r->baseline].rec;
        int common = task_is_common(r, w) && rb_rep_ok(base); /* a published baseline may lack tasks */
        g->n_common += (size_t)common;
        for (size_t c = 0; c < nc; c++) {
            const rb_rep_cell *cl = &r->wl[w].cells[c];
            rb_rep_summary *s = &g->sum[c];
            if (!isfinite(cl->speedup)) continue;
            L[c].pair += log(cl->speedup);
            s->n_pair++;
            if (!r->cols[c].published) {
                if (!common) continue;
                L[c].speedup += log(cl->speedup);
                s->n_common++;
            }
            if (isfinite(cl->perf_area) && cl->perf_area > 0) {
                L[c].area += log(cl->perf_area);
                s->n_area++;
                note_sources(s->area_sources, sizeof s->area_sources, base->area_source, cl->rec->area_source);
            }
            if (isfinite(cl->perf_power) && cl->perf_power > 0) {
                L[c].power += log(cl->perf_power);
                s->n_power++;
                note_sources(s->power_sources, sizeof s->power_sources, base->power_source,
                             cl->rec->power_source);
            }
        }
    }
    for (size_t c = 0; c < nc; c++) {
        rb_rep_summary *s = &g->sum[c];
        s->speedup = s->n_common ? exp(L[c].speedup / (double)s->n_common) : NAN;
        s->speedup_pair = s->n_pair ? exp(L[c].pair / (double)s->n_pair) : NAN;
        s->perf_area = s->n_area ? exp(L[c].area / (double)s->n_area) : NAN;
        s->perf_power = s->n_power ? exp(L[c].power / (double)s->n_power) : NAN;
    }
    free(L);
    return 0;
}

const rb_rep_group *rb_rep_find_group(const rb_report *r, int batch)
{
    for (size_t g = 0; g < r->ngroups; g++)
        if (r->groups[g].batch == batch) return &r->groups[g];
    return NULL;
}

/* ---- build / free ---- */

static int choose_baseline(rb_report *r, const char *baseline, char *err, size_t errlen)
{
    r->baseline = 0;
    if (r->ncols == 0) return 0;
    if (baseline) {
        int c = rb_rep_find_column(r, baseline);
        if (c < 0) {
            int o = snprintf(err, errlen, "baseline '%s' is not among the backends in the file (", baseline);
            for (size_t i = 0; i < r->ncols && o >= 0 && (size_t)o < errlen; i++)
                o += snprintf(err + o, errlen - (size_t)o, "%s%s", i ? ", " : "", r->cols[i].label);
            if (o >= 0 && (size_t)o < errlen) snprintf(err + o, errlen - (size_t)o, ")");
            return -1;
        }
        if (r->cols[c].n_ok == 0) {
            snprintf(err, errlen, "baseline '%s' has no ok result in the file, so no speedup can be computed against "
                                  "it (choose another with --baseline)", r->cols[c].label);
            return -1;
        }
        r->baseline = (size_t)c;
        return 0;
    }
    int c = rb_rep_find_column(r, "cpu-blas");
    if (c >= 0 && r->cols[c].n_ok > 0) {
        r->baseline = (size_t)c;
        return 0;
    }
    for (int pass = 0; pass < 2; pass++) /* columns are sorted by label; ours before published ones */
        for (size_t i = 0; i < r->ncols; i++)
            if (r->cols[i].n_ok > 0 && r->cols[i].published == pass) {
                r->baseline = i;
                return 0;
            }
    return 0;
}

int rb_report_build(const rb_record *rows, size_t n, const char *baseline, rb_report *out, char *err,
                    size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (keep_latest(rows, n, out) != 0 || build_axes(out) != 0) goto oom;
    if (choose_baseline(out, baseline, err, errlen) != 0) {
        rb_report_free(out);
        return -1;
    }
    fill_cells(out);
    if (make_groups(out) != 0) goto oom;
    for (size_t g = 0; g < out->ngroups; g++)
        if (summarise_group(out, &out->groups[g]) != 0) goto oom;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    rb_report_free(out);
    return -1;
}

void rb_report_free(rb_report *r)
{
    if (!r) return;
    if (r->wl)
        for (size_t w = 0; w < r->nwl; w++) free(r->wl[w].cells);
    free(r->wl);
    free(r->cols);
    if (r->groups)
        for (size_t g = 0; g < r->ngroups; g++) free(r->groups[g].sum);
    free(r->groups);
    free(r->rows);
    memset(r, 0, sizeof *r);
}
