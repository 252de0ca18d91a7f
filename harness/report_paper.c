/* harness/report_paper.c — the paper reference data (results/paper_reference.csv: headline ratios, Brainwave
 * anchors, DeepBench's published GPU latencies) and its pairing with our figures for `report --paper`, including
 * the STAND-IN geomeans over DeepBench's published Titan Xp latency (context when no GPU backend ran). */
#include "report_model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- loading ---------------- */

enum { MAX_FIELDS = 16 };

/* Splits one CSV line in place (quoted fields with "" escapes allowed). Returns the field count or -1. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) return -1;
        if (*p == '"') {
            char *out = ++p;
            fields[n++] = out;
            for (;;) {
                if (*p == '\0') return -1; /* unterminated quote */
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            *out = '\0';
            if (*p == '\0') return n;
            if (*p != ',') return -1;
            p++;
        } else {
            fields[n++] = p;
            char *comma = strchr(p, ',');
            if (!comma) return n;
            *comma = '\0';
            p = comma + 1;
        }
    }
}

static const char *const REF_COLUMNS[] = {"kind", "cell", "hidden", "batch", "timesteps", "platform",
                                          "metric", "value", "unit", "provenance", "note"};
enum { NREF_COLUMNS = sizeof REF_COLUMNS / sizeof REF_COLUMNS[0] };

static int parse_int_field(const char *s, int *out)
{
    if (s[0] == '\0') {
        *out = 0;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < 0 || v > 1000000000L) return -1;
    *out = (int)v;
    return 0;
}

static int fill_ref(rb_paper_ref *ref, char **fields, int nf, const int *colidx, char *why, size_t whylen)
{
    const char *v[NREF_COLUMNS];
    for (int k = 0; k < NREF_COLUMNS; k++) v[k] = colidx[k] >= 0 && colidx[k] < nf ? fields[colidx[k]] : "";
    memset(ref, 0, sizeof *ref);
    snprintf(ref->kind, sizeof ref->kind, "%s", v[0]);
    snprintf(ref->cell, sizeof ref->cell, "%s", v[1]);
    if (parse_int_field(v[2], &ref->hidden) || parse_int_field(v[3], &ref->batch) ||
        parse_int_field(v[4], &ref->timesteps)) {
        snprintf(why, whylen, "hidden/batch/timesteps must be non-negative integers");
        return -1;
    }
    snprintf(ref->platform, sizeof ref->platform, "%s", v[5]);
    snprintf(ref->metric, sizeof ref->metric, "%s", v[6]);
    char *end;
    ref->value = strtod(v[7], &end);
    if (v[7][0] == '\0' || *end != '\0' || !isfinite(ref->value)) {
        snprintf(why, whylen, "value '%s' is not a number", v[7]);
        return -1;
    }
    snprintf(ref->unit, sizeof ref->unit, "%s", v[8]);
    snprintf(ref->provenance, sizeof ref->provenance, "%s", v[9]);
    snprintf(ref->note, sizeof ref->note, "%s", v[10]);
    if (!ref->kind[0] || !ref->metric[0]) {
        snprintf(why, whylen, "kind and metric must not be empty");
        return -1;
    }
    return 0;
}

int rb_paper_load(const char *path, rb_paper_ref **refs, size_t *n, char *err, size_t errlen)
{
    *refs = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL, *fields[MAX_FIELDS], why[160];
    size_t cap = 0, count = 0, alloc = 0;
    int colidx[NREF_COLUMNS], have_header = 0, lineno = 0, rc = -1;
    rb_paper_ref *out = NULL;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') continue;
        int nf = split_csv(line, fields, MAX_FIELDS);
        if (nf < 0) {
            snprintf(err, errlen, "%s:%d: malformed CSV line", path, lineno);
            goto done;
        }
        if (!have_header) {
            for (int k = 0; k < NREF_COLUMNS; k++) {
                colidx[k] = -1;
                for (int i = 0; i < nf; i++)
                    if (strcmp(fields[i], REF_COLUMNS[k]) == 0) colidx[k] = i;
            }
            if (colidx[0] < 0 || colidx[6] < 0 || colidx[7] < 0) {
                snprintf(err, errlen, "%s:%d: header must name at least kind, metric and value", path, lineno);
                goto done;
            }
            have_header = 1;
            continue;
        }
        if (count == alloc) {
            alloc = alloc ? 2 * alloc : 64;
            rb_paper_ref *grown = realloc(out, alloc * sizeof *out);
            if (!grown) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto done;
            }
            out = grown;
        }
        if (fill_ref(&out[count], fields, nf, colidx, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
            goto done;
        }
        count++;
    }
    if (!have_header) {
        snprintf(err, errlen, "%s: no header line", path);
        goto done;
    }
    rc = 0;
done:
    free(line);
    fclose(f);
    if (rc == 0) {
        *refs = out;
        *n = count;
    } else {
        free(out);
    }
    return rc;
}

/* ---------------- comparison ---------------- */

typedef struct {
    rb_paper_cmp *v;
    size_t n, cap;
    int oom;
} cmp_list;

static rb_paper_cmp *push(cmp_list *l, const rb_paper_ref *ref)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        rb_paper_cmp *g = realloc(l->v, cap * sizeof *g);
        if (!g) {
            l->oom = 1;
            return NULL;
        }
        l->v = g;
        l->cap = cap;
    }
    rb_paper_cmp *c = &l->v[l->n++];
    memset(c, 0, sizeof *c);
    c->ours = c->rel_diff = NAN;
    c->theirs = ref->value;
    snprintf(c->unit, sizeof c->unit, "%s", ref->unit);
    snprintf(c->provenance, sizeof c->provenance, "%s", ref->provenance);
    snprintf(c->note, sizeof c->note, "%s", ref->note);
    return c;
}

static void set_ours(rb_paper_cmp *c, double ours, const char *source)
{
    c->ours = ours;
    snprintf(c->ours_source, sizeof c->ours_source, "%s", source ? source : "");
    if (isfinite(ours) && isfinite(c->theirs) && c->theirs != 0) c->rel_diff = (ours - c->theirs) / c->theirs;
}

/* The GPU column standing in for the paper's V100: cudnn (what DeepBench and the paper ran), else cublas. */
static int gpu_column(const rb_report *r)
{
    int c = rb_rep_find_column(r, "cudnn");
    if (c < 0 || r->cols[c].n_ok == 0) {
        int b = rb_rep_find_column(r, "cublas");
        if (b >= 0 && (c < 0 || r->cols[b].n_ok > 0)) c = b;
    }
    return c;
}

static const char *column_device(const rb_report *r, int col)
{
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_record *rec = r->wl[w].cells[col].rec;
        if (rb_rep_ok(rec) && rec->device[0]) return rec->device;
    }
    return "";
}

static int shape_matches(const rb_rep_workload *wl, const char *cell, int hidden, int batch, int timesteps)
{
    return strcmp(wl->cell, cell) == 0 && wl->hidden == hidden && wl->input == hidden && wl->batch == batch &&
           wl->timesteps == timesteps;
}

static const rb_rep_cell *find_task(const rb_report *r, int col, const rb_paper_ref *ref)
{
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_rep_cell *cl = &r->wl[w].cells[col];
        if (shape_matches(&r->wl[w], ref->cell, ref->hidden, ref->batch, ref->timesteps) && rb_rep_ok(cl->rec))
            return cl;
    }
    return NULL;
}

static void headline(cmp_list *l, const rb_report *r, const rb_paper_ref *ref)
{
    int sp = rb_rep_find_column(r, "spatial");
    int other = strcmp(ref->platform, "Brainwave") == 0 ? rb_rep_find_column(r, "brainwave") : gpu_column(r);
    rb_paper_cmp *c = push(l, ref);
    if (!c) return;
    const char *oname = other >= 0 ? r->cols[other].label : (strcmp(ref->platform, "Brainwave") == 0 ? "brainwave" : "cudnn");
    snprintf(c->what, sizeof c->what, "%.16s spatial over %.24s [paper: %.12s]", ref->metric, oname, ref->platform);
    if (sp < 0 || other < 0) return;
    size_t n = 0;
    double v = NAN;
    const char *src = "";
    if (strcmp(ref->metric, "speedup_geomean") == 0) {
        v = rb_rep_geomean_latency_ratio(r, (size_t)other, (size_t)sp, &n);
        src = "latency";
    } else if (strcmp(ref->metric, "area_ratio") == 0) {
        v = rb_rep_geomean_figure_ratio(r, (size_t)other, (size_t)sp, 'a', &n);
        src = "area";
    } else if (strcmp(ref->metric, "power_ratio") == 0) {
        v = rb_rep_geomean_figure_ratio(r, (size_t)other, (size_t)sp, 'p', &n);
        src = "power";
    } else {
        return;
    }
    const char *dev = column_device(r, other);
    snprintf(c->ours_from, sizeof c->ours_from, "%zu task(s)%s%.50s", n, dev[0] ? "; " : "", dev);
    set_ours(c, v, src);
}

/* ---- STAND-IN: DeepBench's published Pascal-GPU latency in place of the paper's V100 ---- */

/* Titan Xp: a DeepBench-published Pascal GPU with batch-1 rows for most suite shapes, and the GPU Brainwave's
 * DeepBench table compares with (PAPER.md s7 item 2). */
#define STANDIN_GPU "TitanXp"

/* The published latency of the stand-in GPU for a workload's shape at batch 1, or NaN. */
static double standin_gpu_ms(const rb_paper_ref *refs, size_t nrefs, const rb_rep_workload *wl)
{
    if (wl->batch != 1) return NAN;
    for (size_t i = 0; i < nrefs; i++) {
        const rb_paper_ref *g = &refs[i];
        if (strcmp(g->kind, "deepbench_gpu") == 0 && strcmp(g->platform, STANDIN_GPU) == 0 &&
            strcmp(g->metric, "latency_ms") == 0 && g->value > 0 &&
            shape_matches(wl, g->cell, g->hidden, g->batch, g->timesteps))
            return g->value;
    }
    return NAN;
}

/* Geomean of published stand-in GPU latency / our latency over the batch-1 tasks where the column is ok and
 * the GPU has a published figure. *n gets the count; source gets the rows' latency_source ("mixed" if they
 * differ). NaN when n is 0. */
static double standin_geomean(const rb_report *r, size_t col, const rb_paper_ref *refs, size_t nrefs,
                              size_t *n, char *source, size_t sourcelen)
{
    double logsum = 0.0;
    *n = 0;
    source[0] = '\0';
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_record *rec = r->wl[w].cells[col].rec;
        if (!rb_rep_ok(rec) || !(rec->lat_median_ms > 0) || !isfinite(rec->lat_median_ms)) continue;
        double gpu = standin_gpu_ms(refs, nrefs, &r->wl[w]);
        if (!isfinite(gpu)) continue;
        logsum += log(gpu / rec->lat_median_ms);
        if (*n == 0)
            snprintf(source, sourcelen, "%s", rec->latency_source);
        else if (strcmp(source, rec->latency_source) != 0)
            snprintf(source, sourcelen, "mixed");
        (*n)++;
    }
    return *n ? exp(logsum / (double)*n) : NAN;
}

static const rb_paper_ref *find_headline(const rb_paper_ref *refs, size_t nrefs, const char *platform)
{
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].kind, "headline") == 0 && strcmp(refs[i].metric, "speedup_geomean") == 0 &&
            strcmp(refs[i].platform, platform) == 0)
            return &refs[i];
    return NULL;
}

/* Two rows beside the V100 speedup headline: spatial, and brainwave, over the stand-in GPU. The paper figure
 * of the first is the 30x V100 headline; of the second, the V100 / Brainwave headlines' quotient (derived). */
static void standin_rows(cmp_list *l, const rb_report *r, const rb_paper_ref *v100, const rb_paper_ref *refs,
                         size_t nrefs)
{
    int any_gpu = 0;
    for (size_t i = 0; i < nrefs && !any_gpu; i++)
        any_gpu = strcmp(refs[i].kind, "deepbench_gpu") == 0 && strcmp(refs[i].platform, STANDIN_GPU) == 0;
    if (!any_gpu) return;
    const rb_paper_ref *bwh = find_headline(refs, nrefs, "Brainwave");
    static const char *const backends[2] = {"spatial", "brainwave"};
    for (int k = 0; k < 2; k++) {
        rb_paper_cmp *c = push(l, v100);
        if (!c) return;
        int col = rb_rep_find_column(r, backends[k]);
        snprintf(c->what, sizeof c->what, "STAND-IN speedup_geomean %.48s over " STANDIN_GPU,
                 col >= 0 ? r->cols[col].label : backends[k]);
        if (k == 0) {
            snprintf(c->provenance, sizeof c->provenance, "paper %gx vs V100: %.40s; GPU: DeepBench [V]",
                     v100->value, v100->provenance);
        } else {
            c->theirs = bwh && bwh->value > 0 ? v100->value / bwh->value : NAN;
            snprintf(c->provenance, sizeof c->provenance,
                     "[D] paper's %gx (V100) / %gx (Brainwave) headlines; GPU: DeepBench [V]", v100->value,
                     bwh ? bwh->value : NAN);
        }
        snprintf(c->note, sizeof c->note,
                 "STAND-IN, context not a reproduction: DeepBench's published " STANDIN_GPU
                 " (Pascal, fp32, cuDNN 6) batch-1 latency stands in for the paper's V100 measurement");
        if (col < 0) continue;
        size_t n = 0;
        char src[sizeof c->ours_source];
        double v = standin_geomean(r, (size_t)col, refs, nrefs, &n, src, sizeof src);
        snprintf(c->ours_from, sizeof c->ours_from, "%zu task(s) vs DeepBench " STANDIN_GPU " B1", n);
        set_ours(c, v, src);
    }
}

static int in_deepbench(const rb_paper_ref *refs, size_t nrefs, const rb_rep_workload *wl)
{
    int any = 0;
    for (size_t i = 0; i < nrefs; i++) {
        if (strcmp(refs[i].kind, "deepbench_gpu") != 0) continue;
        any = 1;
        if (shape_matches(wl, refs[i].cell, refs[i].hidden, refs[i].batch, refs[i].timesteps)) return 1;
    }
    return !any && wl->batch == 1; /* without the DeepBench list, every batch-1 task counts */
}

static void brainwave(cmp_list *l, const rb_report *r, const rb_paper_ref *ref, const rb_paper_ref *refs,
                      size_t nrefs)
{
    int bw = rb_rep_find_column(r, "brainwave");
    rb_paper_cmp *c = push(l, ref);
    if (!c) return;
    if (ref->cell[0])
        snprintf(c->what, sizeof c->what, "brainwave %s %s H%d B%d T%d", ref->metric, ref->cell, ref->hidden,
                 ref->batch, ref->timesteps);
    else
        snprintf(c->what, sizeof c->what, "brainwave %s", ref->metric);
    if (bw < 0) return;
    snprintf(c->ours_from, sizeof c->ours_from, "%.60s", r->cols[bw].label);
    if (ref->cell[0]) {
        const rb_rep_cell *cl = find_task(r, bw, ref);
        if (!cl) return;
        if (strcmp(ref->metric, "latency_ms") == 0) set_ours(c, cl->rec->lat_median_ms, cl->rec->latency_source);
        if (strcmp(ref->metric, "eff_tflops_full") == 0) set_ours(c, cl->tflops_full, cl->rec->latency_source);
        if (strcmp(ref->metric, "eff_tflops_deepbench") == 0)
            set_ours(c, cl->tflops_deepbench, cl->rec->latency_source);
        return;
    }
    double best = NAN;
    const char *src = "";
    size_t n = 0;
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_record *rec = r->wl[w].cells[bw].rec;
        if (!rb_rep_ok(rec)) continue;
        double v = NAN;
        if (strcmp(ref->metric, "max_latency_ms") == 0 && in_deepbench(refs, nrefs, &r->wl[w])) {
            v = rec->lat_median_ms;
            src = rec->latency_source;
        } else if (strcmp(ref->metric, "power_w") == 0 && rb_rep_source_known(rec->power_source)) {
            v = rec->power_w;
            src = rec->power_source;
        } else if (strcmp(ref->metric, "peak_tflops") == 0 && rb_rep_source_known(rec->peak_source)) {
            v = rec->peak_gflops / 1000.0;
            src = rec->peak_source;
        } else if (strcmp(ref->metric, "gflops_per_w") == 0 && rb_rep_source_known(rec->power_source) &&
                   rec->power_w > 0) {
            v = r->wl[w].cells[bw].tflops_full * 1000.0 / rec->power_w;
            src = rec->power_source;
        }
        if (!isfinite(v)) continue;
        n++;
        if (!isfinite(best) || v > best) best = v;
    }
    if (n) snprintf(c->ours_from, sizeof c->ours_from, "%.50s, max over %zu task(s)", r->cols[bw].label, n);
    set_ours(c, best, src);
    if (strcmp(ref->metric, "max_latency_ms") == 0 && isfinite(best)) { /* a bound, not a value to match */
        char note[sizeof c->note];
        snprintf(note, sizeof note, "%.*s; bound %s", (int)sizeof note - 20, ref->note,
                 best < ref->value ? "met" : "NOT met");
        snprintf(c->note, sizeof c->note, "%s", note);
    }
}

static void deepbench_gpu(cmp_list *l, const rb_report *r, const rb_paper_ref *ref)
{
    if (strcmp(ref->metric, "latency_ms") != 0) return;
    for (size_t col = 0; col < r->ncols; col++) {
        if (strcmp(r->cols[col].backend, "cudnn") != 0 && strcmp(r->cols[col].backend, "cublas") != 0) continue;
        const rb_rep_cell *cl = find_task(r, (int)col, ref);
        if (!cl) continue;
        rb_paper_cmp *c = push(l, ref);
        if (!c) return;
        snprintf(c->what, sizeof c->what, "GPU latency %s H%d B%d T%d vs %s", ref->cell, ref->hidden, ref->batch,
                 ref->timesteps, ref->platform);
        snprintf(c->ours_from, sizeof c->ours_from, "%.40s @ %.50s", r->cols[col].label, cl->rec->device);
        set_ours(c, cl->rec->lat_median_ms, cl->rec->latency_source);
    }
}

int rb_paper_compare(const rb_report *r, const rb_paper_ref *refs, size_t nrefs, rb_paper_cmp **out, size_t *n)
{
    cmp_list l = {0};
    /* Headline and Brainwave figures first (always listed; the STAND-IN rows right after the V100 speedup
     * headline), then the GPU rows we can match. */
    for (size_t i = 0; i < nrefs && !l.oom; i++) {
        if (strcmp(refs[i].kind, "headline") == 0) headline(&l, r, &refs[i]);
        if (&refs[i] == find_headline(refs, nrefs, "V100")) standin_rows(&l, r, &refs[i], refs, nrefs);
        if (strcmp(refs[i].kind, "brainwave") == 0) brainwave(&l, r, &refs[i], refs, nrefs);
    }
    for (size_t i = 0; i < nrefs && !l.oom; i++)
        if (strcmp(refs[i].kind, "deepbench_gpu") == 0) deepbench_gpu(&l, r, &refs[i]);
    if (l.oom) {
        free(l.v);
        *out = NULL;
        *n = 0;
        return -1;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}
