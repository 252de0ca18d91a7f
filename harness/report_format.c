/* harness/report_format.c — writes a built report as a human-readable table, as CSV (one tidy table with a
 * `section` column: task rows, geomean rows per batch size, and the paper rows of report_paper_format.c) or as
 * JSON (NaN/inf -> null, strings escaped). No field is ever cut: CSV and JSON carry every string whole. */
#include "report_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extras.h"

/* ---------------- shared pieces ---------------- */

void rb_fmt_num(FILE *f, int width, double x)
{
    if (isfinite(x))
        fprintf(f, " %*.4g", width, x);
    else
        fprintf(f, " %*s", width, "-");
}

const char *rb_fmt_src_short(const char *s)
{
    if (!s || !s[0]) return "-";
    if (strcmp(s, "unavailable") == 0) return "n/a";
    if (strcmp(s, "measured") == 0) return "meas";
    if (strcmp(s, "simulated") == 0) return "sim";
    if (strcmp(s, "modeled") == 0) return "model";
    if (strcmp(s, "datasheet") == 0) return "sheet";
    if (strcmp(s, "published") == 0) return "pub";
    return s;
}

void rb_fmt_one_line(FILE *f, const char *s)
{
    for (; *s; s++) fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
}

/* The half-width of the 95 % CI of the median, in % of the median; NaN when unknown. */
static double ci_percent(const rb_record *rec)
{
    double m = rec->lat_median_ms, lo = rec->lat_ci95_lo_ms, hi = rec->lat_ci95_hi_ms;
    if (!(isfinite(m) && m > 0 && isfinite(lo) && isfinite(hi))) return NAN;
    return 100.0 * fmax(hi - m, m - lo) / m;
}

/* "0" when the row says its target CI was not reached, "1" when it says it was, "" when it does not say. */
static const char *ci_target_met(const rb_record *rec, char *buf, size_t len)
{
    if (!rb_extras_get(rec->extras, "ci_target_met", buf, len)) buf[0] = '\0';
    return buf;
}

static int label_width(const rb_report *r)
{
    int w = 8;
    for (size_t c = 0; c < r->ncols; c++) {
        int l = (int)strlen(r->cols[c].label);
        if (l > w) w = l;
    }
    return w;
}

/* ---------------- table ---------------- */

/* The reasons of non-ok rows, each shown once per backend column with the number of tasks it applies to. */
typedef struct note {
    size_t col;
    const rb_record *rec; /* first row with this (column, status, message) */
    size_t count;
} note;

typedef struct notes {
    note *v;
    size_t n;
} notes;

static size_t note_index(notes *ns, size_t col, const rb_record *rec)
{
    for (size_t i = 0; i < ns->n; i++)
        if (ns->v[i].col == col && strcmp(ns->v[i].rec->status, rec->status) == 0 &&
            strcmp(ns->v[i].rec->message, rec->message) == 0) {
            ns->v[i].count++;
            return i + 1;
        }
    ns->v[ns->n] = (note){col, rec, 1};
    return ++ns->n;
}

static void table_task(FILE *f, const rb_report *r, const rb_rep_workload *wl, int lw, notes *ns)
{
    fprintf(f, "\n%s  [%s H=%d I=%d B=%d T=%d]\n", wl->name, wl->cell, wl->hidden, wl->input, wl->batch,
            wl->timesteps);
    fprintf(f, "  %-*s %-11s %10s %8s %10s %-5s %8s %9s %9s %10s %-5s %8s %-5s %8s %-5s %9s %9s %9s\n", lw, "backend",
            "status", "median_ms", "ci95", "p99_ms", "src", "rel_err", "TF(db)", "TF(full)", "energy_mJ", "src",
            "power_W", "src", "area_mm2", "src", "speedup", "perf/mm2", "perf/W");
    for (size_t c = 0; c < r->ncols; c++) {
        const rb_rep_cell *cl = &wl->cells[c];
        const rb_record *rec = cl->rec;
        if (!rec) continue;
        int ok = rb_rep_ok(rec);
        fprintf(f, "  %-*s %-11s", lw, r->cols[c].label, rec->status);
        rb_fmt_num(f, 10, rec->lat_median_ms);
        double ci = ci_percent(rec);
        char flag[8], cib[16] = "-";
        if (isfinite(ci)) snprintf(cib, sizeof cib, "+-%.1f%%%s", ci, strcmp(ci_target_met(rec, flag, sizeof flag), "0") ? "" : "!");
        fprintf(f, " %8s", cib);
        rb_fmt_num(f, 10, rec->lat_p99_ms);
        fprintf(f, " %-5s", rb_fmt_src_short(rec->latency_source));
        if (isfinite(rec->max_rel_err))
            fprintf(f, " %8.1e", rec->max_rel_err);
        else
            fprintf(f, " %8s", "-");
        if (!ok) {
            fprintf(f, "  (not compared; note [%zu])\n", note_index(ns, c, rec));
            continue;
        }
        rb_fmt_num(f, 9, cl->tflops_deepbench);
        rb_fmt_num(f, 9, cl->tflops_full);
        rb_fmt_num(f, 10, rb_rep_source_known(rec->energy_source) ? rec->energy_j * 1e3 : NAN);
        fprintf(f, " %-5s", rb_fmt_src_short(rec->energy_source));
        rb_fmt_num(f, 8, rb_rep_source_known(rec->power_source) ? rec->power_w : NAN);
        fprintf(f, " %-5s", rb_fmt_src_short(rec->power_source));
        rb_fmt_num(f, 8, rb_rep_source_known(rec->area_source) ? rec->area_mm2 : NAN);
        fprintf(f, " %-5s", rb_fmt_src_short(rec->area_source));
        rb_fmt_num(f, 9, cl->speedup);
        rb_fmt_num(f, 9, cl->perf_area);
        rb_fmt_num(f, 9, cl->perf_power);
        fputc('\n', f);
    }
}

static void table_notes(FILE *f, const rb_report *r, const notes *ns)
{
    if (ns->n == 0) return;
    fprintf(f, "\nNotes: rows that are not ok are never used for speedups or geomeans. Each reason once per backend:\n");
    for (size_t i = 0; i < ns->n; i++) {
        const note *n = &ns->v[i];
        fprintf(f, "  [%zu] %s: %s on %zu task(s): ", i + 1, r->cols[n->col].label, n->rec->status, n->count);
        rb_fmt_one_line(f, n->rec->message[0] ? n->rec->message : "(no message)");
        fputc('\n', f);
    }
}

static void table_geomean(FILE *f, const rb_report *r, int lw)
{
    const char *base = r->ncols ? r->cols[r->baseline].label : "-";
    fprintf(f, "\nGeometric means vs %s, one table per batch size (tasks of different batch sizes are never mixed).\n"
               "\"common\": tasks on which every compared backend that is not published is ok; \"pairwise\": tasks "
               "where the backend and the baseline are ok.\nPublished platforms cover only the tasks their source "
               "gives: their geomeans are pairwise.\n"
               "perf/mm2 = speedup x area(baseline)/area(backend); perf/W = speedup x power(baseline)/power(backend)"
               "; sources baseline/backend.\n",
            base);
    for (size_t g = 0; g < r->ngroups; g++) {
        const rb_rep_group *gr = &r->groups[g];
        fprintf(f, "\n batch %d: %zu task(s), %zu common\n", gr->batch, gr->n_tasks, gr->n_common);
        fprintf(f, "  %-*s %9s %4s %9s %4s %9s %4s %-23s %9s %4s %-23s\n", lw, "backend", "speedup", "n", "pairwise",
                "n", "perf/mm2", "n", "area sources", "perf/W", "n", "power sources");
        for (size_t c = 0; c < r->ncols; c++) {
            const rb_rep_summary *s = &gr->sum[c];
            if (r->cols[c].n_ok == 0) {
                fprintf(f, "  %-*s (no ok results: not compared)\n", lw, r->cols[c].label);
                continue;
            }
            if (s->n_pair == 0) continue; /* nothing of this batch size */
            fprintf(f, "  %-*s", lw, r->cols[c].label);
            rb_fmt_num(f, 9, s->speedup);
            fprintf(f, " %4zu", s->n_common);
            rb_fmt_num(f, 9, s->speedup_pair);
            fprintf(f, " %4zu", s->n_pair);
            rb_fmt_num(f, 9, s->perf_area);
            fprintf(f, " %4zu %-23s", s->n_area, s->area_sources[0] ? s->area_sources : "unavailable");
            rb_fmt_num(f, 9, s->perf_power);
            fprintf(f, " %4zu %-23s\n", s->n_power, s->power_sources[0] ? s->power_sources : "unavailable");
        }
    }
}

static void write_table(FILE *f, const rb_report *r, const char *name, const rb_paper *paper)
{
    int lw = label_width(r);
    fprintf(f, "rnnbench report: %s\n%zu job(s)", name, r->nrows);
    if (r->n_superseded) fprintf(f, " (%zu older row(s) superseded by re-runs)", r->n_superseded);
    fprintf(f, ", %zu workload(s), %zu backend column(s); baseline %s; speedup = baseline latency / backend "
               "latency (median)\n",
            r->nwl, r->ncols, r->ncols ? r->cols[r->baseline].label : "-");
    fprintf(f, "ci95: half-width of the 95%% confidence interval of the median (\"!\": the row did not reach its "
               "target CI); rel_err: max|y - ref| / max|ref| against the fp32 reference.\n"
               "TF(db): effective TFLOP/s with DeepBench's recurrent-only FLOPs; TF(full): input + recurrent. "
               "src: meas=measured sim=simulated model=modeled sheet=datasheet pub=published n/a=unavailable\n");
    notes ns = {calloc(r->nrows + 1, sizeof(note)), 0};
    if (!ns.v) {
        fprintf(f, "(out of memory)\n");
        return;
    }
    for (size_t w = 0; w < r->nwl; w++) table_task(f, r, &r->wl[w], lw, &ns);
    table_notes(f, r, &ns);
    free(ns.v);
    table_geomean(f, r, lw);
    if (paper) rb_paper_write_table(f, r, paper);
}

/* ---------------- CSV ---------------- */

static const char *const CSV_COLUMNS[] = {
    "section", "workload", "cell", "hidden", "input", "batch", "timesteps", "backend", "options", "status",
    "latency_median_ms", "latency_ci95_lo_ms", "latency_ci95_hi_ms", "ci_target_met", "latency_p99_ms",
    "latency_source", "max_rel_err", "tflops_deepbench", "tflops_full", "energy_j", "energy_source", "power_w",
    "power_source", "area_mm2", "area_source", "speedup", "perf_per_mm2_ratio", "perf_per_w_ratio", "baseline",
    "claim", "metric", "value", "value_source", "unit", "n_tasks", "versus", "paper_value", "rel_diff", "citation",
    "note"};
enum { CSV_NCOL = sizeof CSV_COLUMNS / sizeof CSV_COLUMNS[0] };

/* One CSV row: every field is a malloc'd copy, so nothing is cut whatever its length. */
static char *csv_row[CSV_NCOL];

static int csv_index(const char *name)
{
    for (int i = 0; i < CSV_NCOL; i++)
        if (strcmp(CSV_COLUMNS[i], name) == 0) return i;
    return -1;
}

void rb_csv_row_clear(void)
{
    for (int i = 0; i < CSV_NCOL; i++) {
        free(csv_row[i]);
        csv_row[i] = NULL;
    }
}

void rb_csv_row_set(const char *col, const char *val)
{
    int i = csv_index(col);
    if (i < 0) return;
    free(csv_row[i]);
    csv_row[i] = val ? strdup(val) : NULL;
}

void rb_csv_row_num(const char *col, double x)
{
    char b[40];
    if (isfinite(x))
        snprintf(b, sizeof b, "%.12g", x);
    else
        b[0] = '\0';
    rb_csv_row_set(col, b);
}

void rb_csv_row_int(const char *col, long x)
{
    char b[32];
    snprintf(b, sizeof b, "%ld", x);
    rb_csv_row_set(col, b);
}

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void rb_csv_row_emit(FILE *f)
{
    for (int i = 0; i < CSV_NCOL; i++) {
        if (i) fputc(',', f);
        csv_field(f, csv_row[i] ? csv_row[i] : "");
    }
    fputc('\n', f);
    rb_csv_row_clear();
}

void rb_csv_row_task(const rb_rep_workload *wl)
{
    rb_csv_row_set("workload", wl->name);
    rb_csv_row_set("cell", wl->cell);
    rb_csv_row_int("hidden", wl->hidden);
    rb_csv_row_int("input", wl->input);
    rb_csv_row_int("batch", wl->batch);
    rb_csv_row_int("timesteps", wl->timesteps);
}

static void csv_figure(const char *col, const char *srccol, double v, const char *src)
{
    rb_csv_row_num(col, rb_rep_source_known(src) ? v : NAN);
    rb_csv_row_set(srccol, src);
}

static void csv_result(const rb_report *r, const rb_rep_workload *wl, size_t c)
{
    const rb_rep_cell *cl = &wl->cells[c];
    const rb_record *rec = cl->rec;
    char flag[8];
    rb_csv_row_set("section", "task");
    rb_csv_row_task(wl);
    rb_csv_row_set("backend", rec->backend);
    rb_csv_row_set("options", rec->options);
    rb_csv_row_set("status", rec->status);
    rb_csv_row_set("note", rec->message);
    rb_csv_row_num("latency_median_ms", rec->lat_median_ms);
    rb_csv_row_num("latency_ci95_lo_ms", rec->lat_ci95_lo_ms);
    rb_csv_row_num("latency_ci95_hi_ms", rec->lat_ci95_hi_ms);
    rb_csv_row_set("ci_target_met", ci_target_met(rec, flag, sizeof flag));
    rb_csv_row_num("latency_p99_ms", rec->lat_p99_ms);
    rb_csv_row_set("latency_source", rec->latency_source);
    rb_csv_row_num("max_rel_err", rec->max_rel_err);
    char cit[512];
    if (rb_extras_get(rec->extras, "citation", cit, sizeof cit)) rb_csv_row_set("citation", cit);
    if (rb_rep_ok(rec)) {
        rb_csv_row_num("tflops_deepbench", cl->tflops_deepbench);
        rb_csv_row_num("tflops_full", cl->tflops_full);
        csv_figure("energy_j", "energy_source", rec->energy_j, rec->energy_source);
        csv_figure("power_w", "power_source", rec->power_w, rec->power_source);
        csv_figure("area_mm2", "area_source", rec->area_mm2, rec->area_source);
        rb_csv_row_num("speedup", cl->speedup);
        rb_csv_row_num("perf_per_mm2_ratio", cl->perf_area);
        rb_csv_row_num("perf_per_w_ratio", cl->perf_power);
        rb_csv_row_set("baseline", r->cols[r->baseline].label);
    }
}

static void csv_geomean(FILE *f, const rb_report *r, const rb_rep_group *g, size_t c)
{
    const rb_rep_summary *s = &g->sum[c];
    struct { const char *metric; double v; size_t n; const char *note; } m[] = {
        {"speedup_geomean_common", s->speedup, s->n_common,
         "tasks of this batch size on which every compared backend that is not published is ok"},
        {"speedup_geomean_pairwise", s->speedup_pair, s->n_pair, "tasks where backend and baseline are ok"},
        {"perf_per_mm2_ratio_geomean", s->perf_area, s->n_area, s->area_sources},
        {"perf_per_w_ratio_geomean", s->perf_power, s->n_power, s->power_sources},
    };
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        rb_csv_row_set("section", "geomean");
        rb_csv_row_int("batch", g->batch);
        rb_csv_row_set("backend", r->cols[c].backend);
        rb_csv_row_set("options", r->cols[c].options);
        rb_csv_row_set("metric", m[k].metric);
        rb_csv_row_num("value", m[k].v);
        rb_csv_row_set("unit", "x");
        rb_csv_row_int("n_tasks", (long)m[k].n);
        rb_csv_row_set("note", m[k].note);
        rb_csv_row_set("baseline", r->cols[r->baseline].label);
        rb_csv_row_emit(f);
    }
}

static void write_csv(FILE *f, const rb_report *r, const rb_paper *paper)
{
    rb_csv_row_clear();
    for (int i = 0; i < CSV_NCOL; i++) fprintf(f, "%s%s", i ? "," : "", CSV_COLUMNS[i]);
    fputc('\n', f);
    for (size_t w = 0; w < r->nwl; w++)
        for (size_t c = 0; c < r->ncols; c++) {
            if (!r->wl[w].cells[c].rec) continue;
            csv_result(r, &r->wl[w], c);
            rb_csv_row_emit(f);
        }
    for (size_t g = 0; g < r->ngroups; g++)
        for (size_t c = 0; c < r->ncols; c++)
            if (r->cols[c].n_ok > 0 && r->groups[g].sum[c].n_pair > 0) csv_geomean(f, r, &r->groups[g], c);
    if (paper) rb_paper_write_csv(f, r, paper);
}

/* ---------------- JSON ---------------- */

void rb_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void jnum(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.12g", x);
    else
        fputs("null", f);
}

static void jkey(FILE *f, int *first, const char *k)
{
    fputs(*first ? "" : ", ", f);
    *first = 0;
    rb_json_str(f, k);
    fputs(": ", f);
}

void rb_json_kv_s(FILE *f, int *first, const char *k, const char *v)
{
    jkey(f, first, k);
    rb_json_str(f, v);
}

void rb_json_kv_n(FILE *f, int *first, const char *k, double v)
{
    jkey(f, first, k);
    jnum(f, v);
}

void rb_json_kv_i(FILE *f, int *first, const char *k, long v)
{
    jkey(f, first, k);
    fprintf(f, "%ld", v);
}

static void json_result(FILE *f, const rb_report *r, size_t c, const rb_rep_cell *cl)
{
    const rb_record *rec = cl->rec;
    int ok = rb_rep_ok(rec), first = 1;
    char flag[8];
    fputs("{", f);
    rb_json_kv_s(f, &first, "label", r->cols[c].label);
    rb_json_kv_s(f, &first, "backend", rec->backend);
    rb_json_kv_s(f, &first, "options", rec->options);
    rb_json_kv_s(f, &first, "status", rec->status);
    rb_json_kv_s(f, &first, "message", rec->message);
    rb_json_kv_s(f, &first, "device", rec->device);
    rb_json_kv_i(f, &first, "run_id", rec->run_id);
    rb_json_kv_n(f, &first, "latency_median_ms", rec->lat_median_ms);
    rb_json_kv_n(f, &first, "latency_ci95_lo_ms", rec->lat_ci95_lo_ms);
    rb_json_kv_n(f, &first, "latency_ci95_hi_ms", rec->lat_ci95_hi_ms);
    const char *met = ci_target_met(rec, flag, sizeof flag);
    jkey(f, &first, "ci_target_met");
    fputs(met[0] == '1' ? "true" : met[0] == '0' ? "false" : "null", f);
    rb_json_kv_n(f, &first, "latency_p99_ms", rec->lat_p99_ms);
    rb_json_kv_s(f, &first, "latency_source", rec->latency_source);
    rb_json_kv_n(f, &first, "max_rel_err", rec->max_rel_err);
    rb_json_kv_n(f, &first, "tflops_deepbench", cl->tflops_deepbench);
    rb_json_kv_n(f, &first, "tflops_full", cl->tflops_full);
    rb_json_kv_n(f, &first, "energy_j", ok && rb_rep_source_known(rec->energy_source) ? rec->energy_j : NAN);
    rb_json_kv_s(f, &first, "energy_source", rec->energy_source);
    rb_json_kv_n(f, &first, "power_w", ok && rb_rep_source_known(rec->power_source) ? rec->power_w : NAN);
    rb_json_kv_s(f, &first, "power_source", rec->power_source);
    rb_json_kv_n(f, &first, "area_mm2", ok && rb_rep_source_known(rec->area_source) ? rec->area_mm2 : NAN);
    rb_json_kv_s(f, &first, "area_source", rec->area_source);
    rb_json_kv_n(f, &first, "speedup", cl->speedup);
    rb_json_kv_n(f, &first, "perf_per_mm2_ratio", cl->perf_area);
    rb_json_kv_n(f, &first, "perf_per_w_ratio", cl->perf_power);
    rb_json_kv_s(f, &first, "extras", rec->extras);
    fputs("}", f);
}

static void json_workloads(FILE *f, const rb_report *r)
{
    fputs(",\n  \"workloads\": [", f);
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_rep_workload *wl = &r->wl[w];
        int first = 1;
        fputs(w ? ",\n    {" : "\n    {", f);
        rb_json_kv_s(f, &first, "name", wl->name);
        rb_json_kv_s(f, &first, "cell", wl->cell);
        rb_json_kv_i(f, &first, "hidden", wl->hidden);
        rb_json_kv_i(f, &first, "input", wl->input);
        rb_json_kv_i(f, &first, "batch", wl->batch);
        rb_json_kv_i(f, &first, "timesteps", wl->timesteps);
        fputs(", \"results\": [", f);
        int any = 0;
        for (size_t c = 0; c < r->ncols; c++) {
            if (!wl->cells[c].rec) continue;
            fputs(any ? ",\n      " : "\n      ", f);
            json_result(f, r, c, &wl->cells[c]);
            any = 1;
        }
        fputs("]}", f);
    }
    fputs("]", f);
}

static void json_geomeans(FILE *f, const rb_report *r)
{
    fputs(",\n  \"geomeans\": [", f);
    for (size_t g = 0; g < r->ngroups; g++) {
        const rb_rep_group *gr = &r->groups[g];
        fprintf(f, "%s{\"batch\": %d, \"n_tasks\": %zu, \"n_common_tasks\": %zu, \"backends\": [", g ? ",\n    " : "\n    ",
                gr->batch, gr->n_tasks, gr->n_common);
        int any = 0;
        for (size_t c = 0; c < r->ncols; c++) {
            const rb_rep_summary *s = &gr->sum[c];
            if (s->n_pair == 0 && r->cols[c].n_ok > 0) continue;
            int first = 1;
            fputs(any ? ",\n      {" : "\n      {", f);
            any = 1;
            rb_json_kv_s(f, &first, "label", r->cols[c].label);
            rb_json_kv_i(f, &first, "n_ok", (long)r->cols[c].n_ok);
            rb_json_kv_n(f, &first, "speedup", s->speedup);
            rb_json_kv_i(f, &first, "n_tasks", (long)s->n_common);
            rb_json_kv_n(f, &first, "speedup_pairwise", s->speedup_pair);
            rb_json_kv_i(f, &first, "n_pairwise", (long)s->n_pair);
            rb_json_kv_n(f, &first, "perf_per_mm2_ratio", s->perf_area);
            rb_json_kv_i(f, &first, "n_area", (long)s->n_area);
            rb_json_kv_s(f, &first, "area_sources", s->area_sources);
            rb_json_kv_n(f, &first, "perf_per_w_ratio", s->perf_power);
            rb_json_kv_i(f, &first, "n_power", (long)s->n_power);
            rb_json_kv_s(f, &first, "power_sources", s->power_sources);
            fputs("}", f);
        }
        fputs("]}", f);
    }
    fputs("]", f);
}

static void write_json(FILE *f, const rb_report *r, const char *name, const rb_paper *paper)
{
    int first = 1;
    fputs("{\n  ", f);
    rb_json_kv_s(f, &first, "file", name);
    rb_json_kv_i(f, &first, "jobs", (long)r->nrows);
    rb_json_kv_i(f, &first, "superseded_rows", (long)r->n_superseded);
    rb_json_kv_s(f, &first, "baseline", r->ncols ? r->cols[r->baseline].label : "");
    rb_json_kv_s(f, &first, "speedup_definition", "baseline median latency / backend median latency");
    fputs(",\n  \"backends\": [", f);
    for (size_t c = 0; c < r->ncols; c++) {
        int fc = 1;
        fputs(c ? ", {" : "{", f);
        rb_json_kv_s(f, &fc, "label", r->cols[c].label);
        rb_json_kv_s(f, &fc, "backend", r->cols[c].backend);
        rb_json_kv_s(f, &fc, "options", r->cols[c].options);
        jkey(f, &fc, "published");
        fputs(r->cols[c].published ? "true" : "false", f);
        fputs("}", f);
    }
    fputs("]", f);
    json_workloads(f, r);
    json_geomeans(f, r);
    if (paper) rb_paper_write_json(f, r, paper);
    fputs("\n}\n", f);
}

void rb_report_write(FILE *f, rb_report_format fmt, const rb_report *r, const char *source_name,
                     const rb_paper *paper)
{
    switch (fmt) {
    case RB_FMT_CSV: write_csv(f, r, paper); break;
    case RB_FMT_JSON: write_json(f, r, source_name, paper); break;
    default: write_table(f, r, source_name, paper); break;
    }
}
