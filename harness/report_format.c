/* harness/report_format.c — writes a built report as a human-readable table, as CSV (one tidy table with a
 * `section` column: task rows, geomean rows, paper rows) or as JSON (NaN/inf -> null, strings escaped). */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------- table ---------------- */

static void tnum(FILE *f, int width, double x)
{
    if (isfinite(x))
        fprintf(f, " %*.4g", width, x);
    else
        fprintf(f, " %*s", width, "-");
}

static const char *src_short(const char *s)
{
    if (!s || !s[0]) return "-";
    if (strcmp(s, "unavailable") == 0) return "n/a";
    if (strcmp(s, "measured") == 0) return "meas";
    if (strcmp(s, "simulated") == 0) return "sim";
    if (strcmp(s, "modeled") == 0) return "model";
    if (strcmp(s, "datasheet") == 0) return "sheet";
    return s;
}

/* Messages may hold newlines or tabs; a table row stays one line. */
static void put_one_line(FILE *f, const char *s)
{
    for (; *s; s++) fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
}

static int label_width(const rb_report *r)
{
    int w = 8;
    for (size_t c = 0; c < r->ncols; c++) {
        int l = (int)strlen(r->cols[c].label);
        if (l > w) w = l;
    }
    return w > 40 ? 40 : w;
}

static void table_task(FILE *f, const rb_report *r, const rb_rep_workload *wl, int lw)
{
    fprintf(f, "\n%s  [%s H=%d I=%d B=%d T=%d]\n", wl->name, wl->cell, wl->hidden, wl->input, wl->batch,
            wl->timesteps);
    fprintf(f, "  %-*s %-11s %10s %10s %-5s %9s %9s %10s %-5s %8s %-5s %8s %-5s %9s %9s %9s\n", lw, "backend",
            "status", "median_ms", "p99_ms", "src", "TF(db)", "TF(full)", "energy_mJ", "src", "power_W", "src",
            "area_mm2", "src", "speedup", "perf/mm2", "perf/W");
    for (size_t c = 0; c < r->ncols; c++) {
        const rb_rep_cell *cl = &wl->cells[c];
        const rb_record *rec = cl->rec;
        if (!rec) continue;
        fprintf(f, "  %-*.*s %-11s", lw, lw, r->cols[c].label, rec->status);
        if (!rb_rep_ok(rec)) {
            fputc(' ', f);
            put_one_line(f, rec->message[0] ? rec->message : "(no message)");
            fputc('\n', f);
            continue;
        }
        tnum(f, 10, rec->lat_median_ms);
        tnum(f, 10, rec->lat_p99_ms);
        fprintf(f, " %-5s", src_short(rec->latency_source));
        tnum(f, 9, cl->tflops_deepbench);
        tnum(f, 9, cl->tflops_full);
        tnum(f, 10, rb_rep_source_known(rec->energy_source) ? rec->energy_j * 1e3 : NAN);
        fprintf(f, " %-5s", src_short(rec->energy_source));
        tnum(f, 8, rb_rep_source_known(rec->power_source) ? rec->power_w : NAN);
        fprintf(f, " %-5s", src_short(rec->power_source));
        tnum(f, 8, rb_rep_source_known(rec->area_source) ? rec->area_mm2 : NAN);
        fprintf(f, " %-5s", src_short(rec->area_source));
        tnum(f, 9, cl->speedup);
        tnum(f, 9, cl->perf_area);
        tnum(f, 9, cl->perf_power);
        fputc('\n', f);
    }
}

static void table_geomean(FILE *f, const rb_report *r, int lw)
{
    fprintf(f, "\nGeometric means vs %s. \"common\": the %zu task(s) on which every compared backend is ok; "
               "\"pairwise\": tasks where the backend and the baseline are ok.\n",
            r->ncols ? r->cols[r->baseline].label : "-", r->n_common);
    fprintf(f, "perf/mm2 = speedup x area(baseline)/area(backend); perf/W = speedup x power(baseline)/power(backend)"
               "; sources baseline/backend.\n");
    fprintf(f, "  %-*s %9s %4s %9s %4s %9s %4s %-23s %9s %4s %-23s\n", lw, "backend", "speedup", "n", "pairwise",
            "n", "perf/mm2", "n", "area sources", "perf/W", "n", "power sources");
    for (size_t c = 0; c < r->ncols; c++) {
        const rb_rep_summary *s = &r->sum[c];
        fprintf(f, "  %-*.*s", lw, lw, r->cols[c].label);
        if (r->cols[c].n_ok == 0) {
            fprintf(f, " (no ok results: not compared)\n");
            continue;
        }
        tnum(f, 9, s->speedup);
        fprintf(f, " %4zu", s->n_common);
        tnum(f, 9, s->speedup_pair);
        fprintf(f, " %4zu", s->n_pair);
        tnum(f, 9, s->perf_area);
        fprintf(f, " %4zu %-23s", s->n_area, s->area_sources[0] ? s->area_sources : "unavailable");
        tnum(f, 9, s->perf_power);
        fprintf(f, " %4zu %-23s\n", s->n_power, s->power_sources[0] ? s->power_sources : "unavailable");
    }
}

static void table_paper(FILE *f, const rb_paper_cmp *cmp, size_t n)
{
    fprintf(f, "\nPaper comparison: our figure beside the published/derived one; rel.diff = (ours - theirs) / "
               "theirs. Provenance tags as in PAPER.md ([V] read, [V2] secondary, [D] derived, [R] recalled).\n");
    fprintf(f, "  %-52s %11s %11s %-8s %9s  %-34s %s\n", "figure", "ours", "paper", "unit", "rel.diff", "ours from",
            "paper source");
    for (size_t i = 0; i < n; i++) {
        const rb_paper_cmp *c = &cmp[i];
        fprintf(f, "  %-52.52s", c->what);
        tnum(f, 11, c->ours);
        tnum(f, 11, c->theirs);
        fprintf(f, " %-8s", c->unit);
        if (isfinite(c->rel_diff))
            fprintf(f, " %+8.1f%%", 100.0 * c->rel_diff);
        else
            fprintf(f, " %9s", "-");
        char from[160];
        snprintf(from, sizeof from, "%s%s%s%s", c->ours_from, c->ours_source[0] ? " (" : "", c->ours_source,
                 c->ours_source[0] ? ")" : "");
        fprintf(f, "  %-34.60s %s%s%s\n", isfinite(c->ours) ? from : "(no matching result)", c->provenance,
                c->note[0] ? "; " : "", c->note);
    }
}

static void write_table(FILE *f, const rb_report *r, const char *name, const rb_paper_cmp *cmp, size_t ncmp)
{
    int lw = label_width(r);
    fprintf(f, "rnnbench report: %s\n%zu job(s)", name, r->nrows);
    if (r->n_superseded) fprintf(f, " (%zu older row(s) superseded by re-runs)", r->n_superseded);
    fprintf(f, ", %zu workload(s), %zu backend column(s); baseline %s; speedup = baseline latency / backend "
               "latency (median)\n",
            r->nwl, r->ncols, r->ncols ? r->cols[r->baseline].label : "-");
    fprintf(f, "TF(db): effective TFLOP/s with DeepBench's recurrent-only FLOPs; TF(full): input + recurrent. "
               "src: meas=measured sim=simulated model=modeled sheet=datasheet n/a=unavailable\n");
    for (size_t w = 0; w < r->nwl; w++) table_task(f, r, &r->wl[w], lw);
    table_geomean(f, r, lw);
    if (cmp) table_paper(f, cmp, ncmp);
}

/* ---------------- CSV ---------------- */

static const char *const CSV_COLUMNS[] = {
    "section", "workload", "cell", "hidden", "input", "batch", "timesteps", "backend", "options", "status",
    "latency_median_ms", "latency_p99_ms", "latency_source", "tflops_deepbench", "tflops_full", "energy_j",
    "energy_source", "power_w", "power_source", "area_mm2", "area_source", "speedup", "perf_per_mm2_ratio",
    "perf_per_w_ratio", "metric", "value", "value_source", "unit", "n_tasks", "reference", "rel_diff",
    "reference_source", "note"};
enum { CSV_NCOL = sizeof CSV_COLUMNS / sizeof CSV_COLUMNS[0] };

typedef struct { char v[CSV_NCOL][320]; } csv_row;

static int csv_index(const char *name)
{
    for (int i = 0; i < CSV_NCOL; i++)
        if (strcmp(CSV_COLUMNS[i], name) == 0) return i;
    return -1;
}

static void cset(csv_row *row, const char *col, const char *val)
{
    int i = csv_index(col);
    if (i >= 0) snprintf(row->v[i], sizeof row->v[i], "%s", val ? val : "");
}

static void cnum(csv_row *row, const char *col, double x)
{
    int i = csv_index(col);
    if (i < 0) return;
    if (isfinite(x))
        snprintf(row->v[i], sizeof row->v[i], "%.12g", x);
    else
        row->v[i][0] = '\0';
}

static void cint(csv_row *row, const char *col, long x)
{
    char b[32];
    snprintf(b, sizeof b, "%ld", x);
    cset(row, col, b);
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

static void csv_emit(FILE *f, const csv_row *row)
{
    for (int i = 0; i < CSV_NCOL; i++) {
        if (i) fputc(',', f);
        csv_field(f, row->v[i]);
    }
    fputc('\n', f);
}

static void csv_task_row(csv_row *row, const rb_rep_workload *wl)
{
    memset(row, 0, sizeof *row);
    cset(row, "workload", wl->name);
    cset(row, "cell", wl->cell);
    cint(row, "hidden", wl->hidden);
    cint(row, "input", wl->input);
    cint(row, "batch", wl->batch);
    cint(row, "timesteps", wl->timesteps);
}

static void csv_figure(csv_row *row, const char *col, const char *srccol, double v, const char *src)
{
    cnum(row, col, rb_rep_source_known(src) ? v : NAN);
    cset(row, srccol, src);
}

static void csv_geomean(FILE *f, const rb_report *r, size_t c, csv_row *row)
{
    const rb_rep_summary *s = &r->sum[c];
    struct { const char *metric; double v; size_t n; const char *note; } m[] = {
        {"speedup_geomean_common", s->speedup, s->n_common, "tasks on which every compared backend is ok"},
        {"speedup_geomean_pairwise", s->speedup_pair, s->n_pair, "tasks where backend and baseline are ok"},
        {"perf_per_mm2_ratio_geomean", s->perf_area, s->n_area, s->area_sources},
        {"perf_per_w_ratio_geomean", s->perf_power, s->n_power, s->power_sources},
    };
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        memset(row, 0, sizeof *row);
        cset(row, "section", "geomean");
        cset(row, "backend", r->cols[c].backend);
        cset(row, "options", r->cols[c].options);
        cset(row, "metric", m[k].metric);
        cnum(row, "value", m[k].v);
        cint(row, "n_tasks", (long)m[k].n);
        cset(row, "note", m[k].note);
        cset(row, "reference", r->cols[r->baseline].label);
        csv_emit(f, row);
    }
}

static void write_csv(FILE *f, const rb_report *r, const rb_paper_cmp *cmp, size_t ncmp)
{
    static csv_row row; /* large; not reentrant, which is fine for a CLI writer */
    for (int i = 0; i < CSV_NCOL; i++) fprintf(f, "%s%s", i ? "," : "", CSV_COLUMNS[i]);
    fputc('\n', f);
    for (size_t w = 0; w < r->nwl; w++) {
        for (size_t c = 0; c < r->ncols; c++) {
            const rb_rep_cell *cl = &r->wl[w].cells[c];
            const rb_record *rec = cl->rec;
            if (!rec) continue;
            csv_task_row(&row, &r->wl[w]);
            cset(&row, "section", "task");
            cset(&row, "backend", rec->backend);
            cset(&row, "options", rec->options);
            cset(&row, "status", rec->status);
            cset(&row, "note", rec->message);
            if (rb_rep_ok(rec)) {
                cnum(&row, "latency_median_ms", rec->lat_median_ms);
                cnum(&row, "latency_p99_ms", rec->lat_p99_ms);
                cset(&row, "latency_source", rec->latency_source);
                cnum(&row, "tflops_deepbench", cl->tflops_deepbench);
                cnum(&row, "tflops_full", cl->tflops_full);
                csv_figure(&row, "energy_j", "energy_source", rec->energy_j, rec->energy_source);
                csv_figure(&row, "power_w", "power_source", rec->power_w, rec->power_source);
                csv_figure(&row, "area_mm2", "area_source", rec->area_mm2, rec->area_source);
                cnum(&row, "speedup", cl->speedup);
                cnum(&row, "perf_per_mm2_ratio", cl->perf_area);
                cnum(&row, "perf_per_w_ratio", cl->perf_power);
                cset(&row, "reference", r->cols[r->baseline].label);
            }
            csv_emit(f, &row);
        }
    }
    for (size_t c = 0; c < r->ncols; c++)
        if (r->cols[c].n_ok > 0) csv_geomean(f, r, c, &row);
    for (size_t i = 0; cmp && i < ncmp; i++) {
        memset(&row, 0, sizeof row);
        cset(&row, "section", "paper");
        cset(&row, "metric", cmp[i].what);
        cset(&row, "backend", cmp[i].ours_from);
        cnum(&row, "value", cmp[i].ours);
        cset(&row, "value_source", cmp[i].ours_source);
        cset(&row, "unit", cmp[i].unit);
        cnum(&row, "reference", cmp[i].theirs);
        cnum(&row, "rel_diff", cmp[i].rel_diff);
        cset(&row, "reference_source", cmp[i].provenance);
        cset(&row, "note", cmp[i].note);
        csv_emit(f, &row);
    }
}

/* ---------------- JSON ---------------- */

static void jstr(FILE *f, const char *s)
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
    jstr(f, k);
    fputs(": ", f);
}

static void jkv_s(FILE *f, int *first, const char *k, const char *v)
{
    jkey(f, first, k);
    jstr(f, v);
}

static void jkv_n(FILE *f, int *first, const char *k, double v)
{
    jkey(f, first, k);
    jnum(f, v);
}

static void jkv_i(FILE *f, int *first, const char *k, long v)
{
    jkey(f, first, k);
    fprintf(f, "%ld", v);
}

static void json_result(FILE *f, const rb_report *r, size_t c, const rb_rep_cell *cl)
{
    const rb_record *rec = cl->rec;
    int ok = rb_rep_ok(rec), first = 1;
    fputs("{", f);
    jkv_s(f, &first, "label", r->cols[c].label);
    jkv_s(f, &first, "backend", rec->backend);
    jkv_s(f, &first, "options", rec->options);
    jkv_s(f, &first, "status", rec->status);
    jkv_s(f, &first, "message", rec->message);
    jkv_s(f, &first, "device", rec->device);
    jkv_i(f, &first, "run_id", rec->run_id);
    jkv_n(f, &first, "latency_median_ms", ok ? rec->lat_median_ms : NAN);
    jkv_n(f, &first, "latency_p99_ms", ok ? rec->lat_p99_ms : NAN);
    jkv_s(f, &first, "latency_source", rec->latency_source);
    jkv_n(f, &first, "tflops_deepbench", cl->tflops_deepbench);
    jkv_n(f, &first, "tflops_full", cl->tflops_full);
    jkv_n(f, &first, "energy_j", ok && rb_rep_source_known(rec->energy_source) ? rec->energy_j : NAN);
    jkv_s(f, &first, "energy_source", rec->energy_source);
    jkv_n(f, &first, "power_w", ok && rb_rep_source_known(rec->power_source) ? rec->power_w : NAN);
    jkv_s(f, &first, "power_source", rec->power_source);
    jkv_n(f, &first, "area_mm2", ok && rb_rep_source_known(rec->area_source) ? rec->area_mm2 : NAN);
    jkv_s(f, &first, "area_source", rec->area_source);
    jkv_n(f, &first, "speedup", cl->speedup);
    jkv_n(f, &first, "perf_per_mm2_ratio", cl->perf_area);
    jkv_n(f, &first, "perf_per_w_ratio", cl->perf_power);
    fputs("}", f);
}

static void json_workloads(FILE *f, const rb_report *r)
{
    fputs(",\n  \"workloads\": [", f);
    for (size_t w = 0; w < r->nwl; w++) {
        const rb_rep_workload *wl = &r->wl[w];
        int first = 1;
        fputs(w ? ",\n    {" : "\n    {", f);
        jkv_s(f, &first, "name", wl->name);
        jkv_s(f, &first, "cell", wl->cell);
        jkv_i(f, &first, "hidden", wl->hidden);
        jkv_i(f, &first, "input", wl->input);
        jkv_i(f, &first, "batch", wl->batch);
        jkv_i(f, &first, "timesteps", wl->timesteps);
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
    fprintf(f, ",\n  \"geomean\": {\"n_common_tasks\": %zu, \"backends\": [", r->n_common);
    for (size_t c = 0; c < r->ncols; c++) {
        const rb_rep_summary *s = &r->sum[c];
        int first = 1;
        fputs(c ? ",\n    {" : "\n    {", f);
        jkv_s(f, &first, "label", r->cols[c].label);
        jkv_i(f, &first, "n_ok", (long)r->cols[c].n_ok);
        jkv_n(f, &first, "speedup", s->speedup);
        jkv_i(f, &first, "n_tasks", (long)s->n_common);
        jkv_n(f, &first, "speedup_pairwise", s->speedup_pair);
        jkv_i(f, &first, "n_pairwise", (long)s->n_pair);
        jkv_n(f, &first, "perf_per_mm2_ratio", s->perf_area);
        jkv_i(f, &first, "n_area", (long)s->n_area);
        jkv_s(f, &first, "area_sources", s->area_sources);
        jkv_n(f, &first, "perf_per_w_ratio", s->perf_power);
        jkv_i(f, &first, "n_power", (long)s->n_power);
        jkv_s(f, &first, "power_sources", s->power_sources);
        fputs("}", f);
    }
    fputs("]}", f);
}

static void json_paper(FILE *f, const rb_paper_cmp *cmp, size_t n)
{
    fputs(",\n  \"paper\": [", f);
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        fputs(i ? ",\n    {" : "\n    {", f);
        jkv_s(f, &first, "figure", cmp[i].what);
        jkv_n(f, &first, "ours", cmp[i].ours);
        jkv_s(f, &first, "ours_from", cmp[i].ours_from);
        jkv_s(f, &first, "ours_source", cmp[i].ours_source);
        jkv_n(f, &first, "paper", cmp[i].theirs);
        jkv_s(f, &first, "unit", cmp[i].unit);
        jkv_n(f, &first, "rel_diff", cmp[i].rel_diff);
        jkv_s(f, &first, "provenance", cmp[i].provenance);
        jkv_s(f, &first, "note", cmp[i].note);
        fputs("}", f);
    }
    fputs("]", f);
}

static void write_json(FILE *f, const rb_report *r, const char *name, const rb_paper_cmp *cmp, size_t ncmp)
{
    int first = 1;
    fputs("{\n  ", f);
    jkv_s(f, &first, "file", name);
    jkv_i(f, &first, "jobs", (long)r->nrows);
    jkv_i(f, &first, "superseded_rows", (long)r->n_superseded);
    jkv_s(f, &first, "baseline", r->ncols ? r->cols[r->baseline].label : "");
    jkv_s(f, &first, "speedup_definition", "baseline median latency / backend median latency");
    fputs(",\n  \"backends\": [", f);
    for (size_t c = 0; c < r->ncols; c++) {
        int fc = 1;
        fputs(c ? ", {" : "{", f);
        jkv_s(f, &fc, "label", r->cols[c].label);
        jkv_s(f, &fc, "backend", r->cols[c].backend);
        jkv_s(f, &fc, "options", r->cols[c].options);
        fputs("}", f);
    }
    fputs("]", f);
    json_workloads(f, r);
    json_geomeans(f, r);
    if (cmp) json_paper(f, cmp, ncmp);
    fputs("\n}\n", f);
}

void rb_report_write(FILE *f, rb_report_format fmt, const rb_report *r, const char *source_name,
                     const rb_paper_cmp *cmp, size_t ncmp)
{
    switch (fmt) {
    case RB_FMT_CSV: write_csv(f, r, cmp, ncmp); break;
    case RB_FMT_JSON: write_json(f, r, source_name, cmp, ncmp); break;
    default: write_table(f, r, source_name, cmp, ncmp); break;
    }
}
