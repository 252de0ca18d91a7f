/* harness/report_paper.c — `report --paper`: the paper's claims (report_claims.c) checked on the rows of a
 * results file. Builds the per-task table (our backends beside the published platforms they stand for, and our
 * speedups over the published baselines) and computes every claim twice where it can: for our backend standing
 * in for the claim's subject (the platform's reproduced_by) and for the subject's own published rows. Every
 * figure comes from the rows (latency, power, area, the tdp_w and power_kind extras); nothing is built in. */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extras.h"

static int positive(double x) { return isfinite(x) && x > 0; }

static const rb_record *cell_rec(const rb_report *r, size_t w, int col)
{
    return col >= 0 ? r->wl[w].cells[col].rec : NULL;
}

static const rb_record *ok_rec(const rb_report *r, size_t w, int col)
{
    const rb_record *rec = cell_rec(r, w, col);
    return rb_rep_ok(rec) && positive(rec->lat_median_ms) ? rec : NULL;
}

static double power_of(const rb_record *rec)
{
    return rec && rb_rep_source_known(rec->power_source) && positive(rec->power_w) ? rec->power_w : NAN;
}

static double area_of(const rb_record *rec)
{
    return rec && rb_rep_source_known(rec->area_source) && positive(rec->area_mm2) ? rec->area_mm2 : NAN;
}

static double extra_num(const rb_record *rec, const char *key)
{
    char v[64];
    if (!rec || !rb_extras_get(rec->extras, key, v, sizeof v)) return NAN;
    char *end;
    double x = strtod(v, &end);
    return *end == '\0' && positive(x) ? x : NAN;
}

/* The column of our backend that stands for a published platform (the reproduced_by extra of its rows), when it
 * has ok rows; else -1. */
static int ours_column(const rb_report *r, int subject)
{
    if (subject < 0) return -1;
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_record *rec = cell_rec(r, w, subject);
        char name[64];
        if (rec && rb_extras_get(rec->extras, "reproduced_by", name, sizeof name) && name[0]) {
            int c = rb_rep_find_column(r, name); /* ours, with something to show */
            return c >= 0 && !r->cols[c].published && r->cols[c].n_ok > 0 ? c : -1;
        }
    }
    return -1;
}

static int batch_ok(const rb_claim *k, int batch) { return k->batch == 0 || k->batch == batch; }

/* ---- the per-task table ---- */

static int has_task_power(const rb_report *r, const rb_paper *p, int col)
{
    for (size_t t = 0; t < p->ntasks; t++) {
        const rb_record *rec = ok_rec(r, p->tasks[t], col);
        char kind[32];
        if (rec && isfinite(power_of(rec)) && rb_extras_get(rec->extras, "power_kind", kind, sizeof kind) &&
            strcmp(kind, "per_task") == 0)
            return 1;
    }
    return 0;
}

static int add_col(rb_paper *p, const rb_report *r, int col, const char *what, int versus, size_t cap)
{
    if (col < 0 || p->ncols >= cap) return 0;
    for (size_t i = 0; i < p->ncols; i++)
        if (p->cols[i].col == col && strcmp(p->cols[i].what, what) == 0 && p->cols[i].versus_col == versus) return 0;
    rb_paper_col *c = &p->cols[p->ncols++];
    memset(c, 0, sizeof *c);
    snprintf(c->label, sizeof c->label, "%s", r->cols[col].label);
    snprintf(c->what, sizeof c->what, "%s", what);
    c->col = col;
    c->versus_col = versus;
    if (versus >= 0) snprintf(c->versus, sizeof c->versus, "%s", r->cols[versus].label);
    c->ours = !r->cols[col].published;
    return 1;
}

static void note_missing(rb_paper *p, const char *platform)
{
    if (strstr(p->missing, platform)) return;
    size_t used = strlen(p->missing);
    snprintf(p->missing + used, sizeof p->missing - used, "%s'%s'", used ? ", " : "", platform);
}

static int build_table(const rb_report *r, rb_paper *p)
{
    p->tasks = calloc(r->nwl ? r->nwl : 1, sizeof *p->tasks);
    size_t cap = 4 * p->nclaims + 4;
    p->cols = calloc(cap, sizeof *p->cols);
    if (!p->tasks || !p->cols) return -1;
    for (size_t w = 0; w < r->nwl; w++) {
        int in = 0;
        for (size_t i = 0; i < p->nclaims && !in; i++) {
            const rb_claim *k = &p->claims[i];
            in = strcmp(k->metric, "per_task") == 0 && batch_ok(k, r->wl[w].batch) &&
                 ok_rec(r, w, rb_rep_find_column(r, k->subject));
        }
        if (in) p->tasks[p->ntasks++] = w;
    }
    for (size_t i = 0; i < p->nclaims; i++) {
        const rb_claim *k = &p->claims[i];
        int s = rb_rep_find_column(r, k->subject);
        if (s < 0) note_missing(p, k->subject);
        if (k->versus[0] && rb_rep_find_column(r, k->versus) < 0) note_missing(p, k->versus);
        if (strcmp(k->metric, "per_task") != 0 || s < 0) continue;
        int b = ours_column(r, s), w = has_task_power(r, p, s);
        add_col(p, r, b, "ms", -1, cap);
        if (w) add_col(p, r, b, "W", -1, cap);
        add_col(p, r, s, "ms", -1, cap);
        if (w) add_col(p, r, s, "W", -1, cap);
    }
    for (size_t i = 0; i < p->nclaims; i++) {
        const rb_claim *k = &p->claims[i];
        int s = rb_rep_find_column(r, k->subject), v = rb_rep_find_column(r, k->versus);
        if (strcmp(k->metric, "speedup_geomean") != 0 || s < 0 || v < 0) continue;
        int b = ours_column(r, s);
        add_col(p, r, b >= 0 ? b : s, "x", v, cap);
    }
    return 0;
}

double rb_paper_cell(const rb_report *r, const rb_paper *p, size_t t, size_t c, const char **src)
{
    const rb_paper_col *pc = &p->cols[c];
    size_t w = p->tasks[t];
    const rb_record *rec = ok_rec(r, w, pc->col);
    if (src) *src = "";
    if (!rec) return NAN;
    if (strcmp(pc->what, "ms") == 0) {
        if (src) *src = rec->latency_source;
        return rec->lat_median_ms;
    }
    if (strcmp(pc->what, "W") == 0) {
        if (src) *src = rec->power_source;
        return power_of(rec);
    }
    const rb_record *v = ok_rec(r, w, pc->versus_col);
    if (src) *src = rec->latency_source;
    return v ? v->lat_median_ms / rec->lat_median_ms : NAN;
}

/* ---- claims ---- */

/* The tasks a claim is about: the table's tasks or every task of its batch. */
static int in_scope(const rb_report *r, const rb_paper *p, const rb_claim *k, size_t w)
{
    if (!batch_ok(k, r->wl[w].batch)) return 0;
    if (strcmp(k->scope, "all") == 0) return 1;
    for (size_t t = 0; t < p->ntasks; t++)
        if (p->tasks[t] == w) return 1;
    return 0;
}

static void note_source(char *dst, size_t len, const char *src)
{
    if (!dst[0])
        snprintf(dst, len, "%s", src);
    else if (strcmp(dst, src) != 0)
        snprintf(dst, len, "mixed");
}

static const char *batch_words(const rb_claim *k, char *buf, size_t len)
{
    if (k->batch)
        snprintf(buf, len, "batch-%d", k->batch);
    else
        snprintf(buf, len, "any-batch");
    return buf;
}

/* "300 W (tdp)", "28.5-109.1 W (per_task, simulated)", "125 W (peak; its 148 W TDP is not used)". */
static void describe_power(const rb_report *r, const rb_paper *p, const rb_claim *k, int col, char *out,
                           size_t len)
{
    double lo = INFINITY, hi = -INFINITY, tdp = NAN;
    char kind[32] = "", src[16] = "";
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_record *rec = ok_rec(r, w, col);
        if (!rec || !in_scope(r, p, k, w) || !isfinite(power_of(rec))) continue;
        lo = fmin(lo, rec->power_w);
        hi = fmax(hi, rec->power_w);
        if (!kind[0]) rb_extras_get(rec->extras, "power_kind", kind, sizeof kind);
        note_source(src, sizeof src, rec->power_source);
        if (isnan(tdp)) tdp = extra_num(rec, "tdp_w");
    }
    if (!isfinite(lo)) {
        snprintf(out, len, "%s: no power figure", r->cols[col].label);
        return;
    }
    char fig[64];
    if (lo == hi)
        snprintf(fig, sizeof fig, "%.6g W", lo);
    else
        snprintf(fig, sizeof fig, "%.6g-%.6g W per task", lo, hi);
    char tail[96] = "";
    if (strcmp(kind, "peak") == 0 && isfinite(tdp) && tdp != lo)
        snprintf(tail, sizeof tail, "; its %.6g W TDP is not used", tdp);
    snprintf(out, len, "%s %s (%s%s%s%s)", r->cols[col].label, fig, kind[0] ? kind : "", kind[0] ? ", " : "", src,
             tail);
}

typedef struct acc {
    double logsum, max;
    size_t n;
    size_t argmax; /* workload of the max */
    char src[16];
} acc;

static void line_init(rb_paper_line *l, const rb_claim *k, const rb_report *r, int col)
{
    memset(l, 0, sizeof *l);
    l->claim = k;
    snprintf(l->by, sizeof l->by, "%s", r->cols[col].label);
    l->ours = !r->cols[col].published;
    l->value = l->rel_diff = NAN;
    l->bound = -1;
}

static void finish(rb_paper_line *l, double value, size_t n, const char *src)
{
    l->value = value;
    l->n = n;
    snprintf(l->source, sizeof l->source, "%s", src);
    if (isfinite(value) && isfinite(l->claim->value) && strcmp(l->claim->metric, "max_latency_ms") != 0)
        l->rel_diff = (value - l->claim->value) / l->claim->value;
}

static void compute_line(const rb_report *r, const rb_paper *p, rb_paper_line *l, int x, int v)
{
    const rb_claim *k = l->claim;
    char bw[24];
    batch_words(k, bw, sizeof bw);
    const char *xl = r->cols[x].label, *vl = v >= 0 ? r->cols[v].label : "";
    acc a = {0, -INFINITY, 0, 0, ""};
    double first_v = NAN, first_x = NAN;
    int x_varies = 0;
    for (size_t w = 0; w < r->nwl; w++) {
        if (!in_scope(r, p, k, w)) continue;
        const rb_record *rx = ok_rec(r, w, x), *rv = v >= 0 ? ok_rec(r, w, v) : NULL;
        if (!rx) continue;
        double q = NAN;
        const char *src = rx->latency_source;
        if (strcmp(k->metric, "speedup_geomean") == 0 && rv) {
            q = rv->lat_median_ms / rx->lat_median_ms;
        } else if (strcmp(k->metric, "perf_per_w_geomean") == 0 && rv) {
            q = rv->lat_median_ms / rx->lat_median_ms * power_of(rv) / power_of(rx);
            src = rx->power_source;
        } else if (strcmp(k->metric, "area_ratio") == 0 && rv) {
            q = area_of(rv) / area_of(rx);
            src = rx->area_source;
            if (isfinite(q)) {
                if (isnan(first_x)) first_v = area_of(rv), first_x = area_of(rx);
                x_varies |= area_of(rx) != first_x;
            }
        } else if (strcmp(k->metric, "power_ratio_tdp") == 0 && rv) {
            q = extra_num(rv, "tdp_w") / extra_num(rx, "tdp_w");
            if (isfinite(q) && isnan(first_x)) first_v = extra_num(rv, "tdp_w"), first_x = extra_num(rx, "tdp_w");
            src = rx->power_source;
        } else if (strcmp(k->metric, "max_latency_ms") == 0) {
            q = rx->lat_median_ms;
        } else if (strcmp(k->metric, "max_power_w") == 0 || strcmp(k->metric, "power_ratio_peak") == 0) {
            q = power_of(rx);
            src = rx->power_source;
        }
        if (!positive(q)) continue;
        a.logsum += log(q);
        if (q > a.max) a.max = q, a.argmax = w;
        a.n++;
        note_source(a.src, sizeof a.src, src);
    }
    double geo = a.n ? exp(a.logsum / (double)a.n) : NAN;
    char pw[2][400];
    if (strcmp(k->metric, "speedup_geomean") == 0) {
        finish(l, geo, a.n, a.src);
        snprintf(l->how, sizeof l->how, "geomean over %zu %s task(s) of %s latency / %s latency", a.n, bw, vl, xl);
    } else if (strcmp(k->metric, "perf_per_w_geomean") == 0) {
        finish(l, geo, a.n, a.src);
        describe_power(r, p, k, v, pw[0], sizeof pw[0]);
        describe_power(r, p, k, x, pw[1], sizeof pw[1]);
        snprintf(l->how, sizeof l->how, "geomean over %zu %s task(s) of speedup x power ratio; power: %s; %s", a.n, bw,
                 pw[0], pw[1]);
    } else if (strcmp(k->metric, "area_ratio") == 0) {
        finish(l, geo, a.n, a.src);
        if (a.n)
            snprintf(l->how, sizeof l->how, "%s %.6g mm2 / %s %.6g mm2%s", vl, first_v, xl, first_x,
                     x_varies ? " (the area differs between tasks: geomean)" : "");
        else
            snprintf(l->how, sizeof l->how, "no task with the area of both %s and %s", vl, xl);
    } else if (strcmp(k->metric, "power_ratio_tdp") == 0) {
        finish(l, a.n ? first_v / first_x : NAN, a.n, a.src);
        if (a.n)
            snprintf(l->how, sizeof l->how, "TDP %s %.6g W / TDP %s %.6g W (the tdp_w of their rows)", vl, first_v, xl,
                     first_x);
        else
            snprintf(l->how, sizeof l->how, "needs the tdp_w of both %s and %s rows", vl, xl);
    } else if (strcmp(k->metric, "power_ratio_peak") == 0) {
        double tdp_v = NAN;
        for (size_t w = 0; w < r->nwl && isnan(tdp_v); w++)
            if (in_scope(r, p, k, w)) tdp_v = extra_num(ok_rec(r, w, v), "tdp_w");
        finish(l, a.n ? tdp_v / a.max : NAN, a.n, a.src);
        if (a.n && isfinite(tdp_v))
            snprintf(l->how, sizeof l->how, "TDP %s %.6g W / highest power of %s over %zu %s task(s): %.6g W (%s)", vl,
                     tdp_v, xl, a.n, bw, a.max, r->wl[a.argmax].name);
        else
            snprintf(l->how, sizeof l->how, "needs the tdp_w of %s rows and the power of %s rows", vl, xl);
    } else if (strcmp(k->metric, "max_latency_ms") == 0) {
        finish(l, a.n ? a.max : NAN, a.n, a.src);
        if (a.n) {
            l->bound = isfinite(k->value) ? a.max < k->value : -1;
            snprintf(l->how, sizeof l->how, "highest latency of %zu %s task(s)%s: %s; bound < %.6g ms %s", a.n, bw,
                     strcmp(k->scope, "all") == 0 ? " (all in the file)" : "", r->wl[a.argmax].name, k->value,
                     l->bound == 1 ? "met" : "NOT met");
        } else {
            snprintf(l->how, sizeof l->how, "no ok %s row", bw);
        }
    } else if (strcmp(k->metric, "max_power_w") == 0) {
        finish(l, a.n ? a.max : NAN, a.n, a.src);
        if (a.n)
            snprintf(l->how, sizeof l->how, "highest power of %zu %s task(s): %s", a.n, bw, r->wl[a.argmax].name);
        else
            snprintf(l->how, sizeof l->how, "no %s row with a power figure", bw);
    }
}

static int build_lines(const rb_report *r, rb_paper *p)
{
    p->lines = calloc(2 * p->nclaims + 1, sizeof *p->lines);
    if (!p->lines) return -1;
    for (size_t i = 0; i < p->nclaims; i++) {
        const rb_claim *k = &p->claims[i];
        if (strcmp(k->metric, "per_task") == 0) continue;
        int s = rb_rep_find_column(r, k->subject);
        int v = k->versus[0] ? rb_rep_find_column(r, k->versus) : -1;
        if (s < 0 || (k->versus[0] && v < 0)) {
            rb_paper_line *l = &p->lines[p->nlines++];
            memset(l, 0, sizeof *l);
            l->claim = k;
            l->value = l->rel_diff = NAN;
            l->bound = -1;
            snprintf(l->by, sizeof l->by, "%s", k->subject);
            snprintf(l->how, sizeof l->how, "no rows of %s in this file", s < 0 ? k->subject : k->versus);
            continue;
        }
        int b = ours_column(r, s);
        int by[2] = {b, s};
        for (int j = 0; j < 2; j++) {
            if (by[j] < 0) continue;
            rb_paper_line *l = &p->lines[p->nlines];
            line_init(l, k, r, by[j]);
            compute_line(r, p, l, by[j], v);
            if (j == 1 && l->n == 0) continue; /* the paper's own rows do not cover this: nothing to show */
            p->nlines++;
        }
    }
    return 0;
}

int rb_paper_build(const rb_report *r, rb_claim *claims, size_t nclaims, const char *claims_file, rb_paper *out)
{
    memset(out, 0, sizeof *out);
    out->claims = claims;
    out->nclaims = nclaims;
    out->claims_file = claims_file;
    if (build_table(r, out) != 0 || build_lines(r, out) != 0) {
        rb_paper_free(out);
        return -1;
    }
    return 0;
}

void rb_paper_free(rb_paper *p)
{
    free(p->tasks);
    free(p->cols);
    free(p->lines);
    free(p->claims);
    memset(p, 0, sizeof *p);
}
