/* harness/report_paper_format.c — writes the paper section of `report --paper` (report_paper.c builds it): the
 * per-task table (our backends beside the published platforms, our speedups over the published baselines, their
 * geomeans beside the paper's) and every claim with how it was computed, as a table, CSV rows or JSON. */
#include "report_format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int max_int(int a, int b) { return a > b ? a : b; }

static int col_width(const rb_paper_col *c)
{
    return max_int(max_int((int)strlen(c->label), (int)strlen(c->versus)), 8);
}

static const char *what_words(const rb_paper_col *c)
{
    if (strcmp(c->what, "ms") == 0) return "latency ms";
    if (strcmp(c->what, "W") == 0) return "power W";
    return "speedup over";
}

/* The speedup claim a speedup column stands for (same versus platform), or NULL. */
static const rb_claim *claim_of_col(const rb_report *r, const rb_paper *p, const rb_paper_col *c)
{
    for (size_t i = 0; i < p->nclaims; i++) {
        const rb_claim *k = &p->claims[i];
        if (strcmp(k->metric, "speedup_geomean") == 0 && rb_rep_find_column(r, k->versus) == c->versus_col)
            return k;
    }
    return NULL;
}

/* Geomean of a speedup column over the table's tasks; *n tasks. */
static double col_geomean(const rb_report *r, const rb_paper *p, size_t c, size_t *n)
{
    double acc = 0;
    *n = 0;
    for (size_t t = 0; t < p->ntasks; t++) {
        double v = rb_paper_cell(r, p, t, c, NULL);
        if (!(isfinite(v) && v > 0)) continue;
        acc += log(v);
        (*n)++;
    }
    return *n ? exp(acc / (double)*n) : NAN;
}

static void table_per_task(FILE *f, const rb_report *r, const rb_paper *p)
{
    int tw = 8;
    for (size_t t = 0; t < p->ntasks; t++) tw = max_int(tw, (int)strlen(r->wl[p->tasks[t]].name));
    fprintf(f, "\nPer task (latency in ms, power in W; ours = rnnbench's backends, the others published rows; "
               "\"-\": no ok row):\n");
    const char *hdr[3] = {"", "", "task"};
    for (int line = 0; line < 3; line++) {
        fprintf(f, "  %-*s", tw, hdr[line]);
        for (size_t c = 0; c < p->ncols; c++) {
            const rb_paper_col *pc = &p->cols[c];
            const char *s = line == 0 ? pc->label : line == 1 ? what_words(pc) : pc->versus;
            fprintf(f, "  %*s", col_width(pc), s);
        }
        fputc('\n', f);
    }
    for (size_t t = 0; t < p->ntasks; t++) {
        fprintf(f, "  %-*s", tw, r->wl[p->tasks[t]].name);
        for (size_t c = 0; c < p->ncols; c++) {
            fputc(' ', f);
            rb_fmt_num(f, col_width(&p->cols[c]), rb_paper_cell(r, p, t, c, NULL));
        }
        fputc('\n', f);
    }
    for (int line = 0; line < 2; line++) {
        fprintf(f, "  %-*s", tw, line == 0 ? "geomean (n)" : "paper");
        for (size_t c = 0; c < p->ncols; c++) {
            const rb_paper_col *pc = &p->cols[c];
            int w = col_width(pc);
            char cellbuf[64] = "";
            if (strcmp(pc->what, "x") == 0) {
                size_t n;
                double g = col_geomean(r, p, c, &n);
                const rb_claim *k = claim_of_col(r, p, pc);
                if (line == 0 && isfinite(g)) snprintf(cellbuf, sizeof cellbuf, "%.4g (%zu)", g, n);
                if (line == 1 && k && isfinite(k->value)) snprintf(cellbuf, sizeof cellbuf, "%.4g", k->value);
            }
            fprintf(f, "  %*s", w, cellbuf);
        }
        fputc('\n', f);
    }
}

static void table_claims(FILE *f, const rb_paper *p)
{
    fprintf(f, "\nClaims, each checked on the rows it is about (value: computed here from the rows; paper: the "
               "claim; rel.diff = (value - paper) / paper):\n");
    int bw = 20;
    for (size_t i = 0; i < p->nlines; i++) bw = max_int(bw, (int)strlen(p->lines[i].by) + 7);
    const rb_claim *last = NULL;
    for (size_t i = 0; i < p->nlines; i++) {
        const rb_paper_line *l = &p->lines[i];
        const rb_claim *k = l->claim;
        if (k != last) {
            char batch[32] = "any batch";
            if (k->batch) snprintf(batch, sizeof batch, "batch %d", k->batch);
            fprintf(f, "\n  %s (%s%s%s; %s, %s)\n    source: %s\n", k->id, k->subject, k->versus[0] ? " vs " : "",
                    k->versus, k->metric, batch, k->citation);
            if (k->note[0]) fprintf(f, "    note: %s\n", k->note);
            fprintf(f, "    %-*s %10s %10s %9s %5s %-10s %s\n", bw, "computed for", "value", "paper", "rel.diff", "n",
                    "source", "how");
            last = k;
        }
        char by[300];
        snprintf(by, sizeof by, "%s%s", l->by, l->ours ? " (ours)" : "");
        fprintf(f, "    %-*s", bw, by);
        rb_fmt_num(f, 10, l->value);
        rb_fmt_num(f, 10, k->value);
        if (isfinite(l->rel_diff))
            fprintf(f, " %+8.1f%%", 100.0 * l->rel_diff);
        else
            fprintf(f, " %9s", "-");
        fprintf(f, " %5zu %-10s %s\n", l->n, l->source[0] ? l->source : "-", l->how);
    }
}

void rb_paper_write_table(FILE *f, const rb_report *r, const rb_paper *p)
{
    fprintf(f, "\nPaper comparison: the claims of %s, checked on this file's rows. Every figure comes from the rows "
               "(published ones carry their citation); nothing is built into rnnbench.\n",
            p->claims_file);
    if (p->missing[0])
        fprintf(f, "Platforms of the claims with no rows in this file: %s. `rnnbench run` imports the shipped "
                   "published rows of its shapes (unless --no-published); `rnnbench import` adds them to any file.\n",
                p->missing);
    if (p->ntasks)
        table_per_task(f, r, p);
    else
        fprintf(f, "\nNo task of the per-task table has a published row in this file.\n");
    table_claims(f, p);
}

static void csv_cell_row(const rb_report *r, const rb_paper *p, size_t t, size_t c, FILE *f)
{
    const rb_paper_col *pc = &p->cols[c];
    const char *src = NULL;
    double v = rb_paper_cell(r, p, t, c, &src);
    rb_csv_row_set("section", "paper_task");
    rb_csv_row_task(&r->wl[p->tasks[t]]);
    rb_csv_row_set("backend", r->cols[pc->col].backend);
    rb_csv_row_set("options", r->cols[pc->col].options);
    rb_csv_row_set("metric", strcmp(pc->what, "ms") == 0 ? "latency_ms" : strcmp(pc->what, "W") == 0 ? "power_w"
                                                                                                       : "speedup");
    rb_csv_row_num("value", v);
    rb_csv_row_set("value_source", isfinite(v) ? src : "");
    rb_csv_row_set("unit", pc->what);
    rb_csv_row_set("versus", pc->versus);
    rb_csv_row_emit(f);
}

void rb_paper_write_csv(FILE *f, const rb_report *r, const rb_paper *p)
{
    for (size_t t = 0; t < p->ntasks; t++)
        for (size_t c = 0; c < p->ncols; c++) csv_cell_row(r, p, t, c, f);
    for (size_t i = 0; i < p->nlines; i++) {
        const rb_paper_line *l = &p->lines[i];
        const rb_claim *k = l->claim;
        int col = rb_rep_find_column(r, l->by);
        rb_csv_row_set("section", "paper_claim");
        rb_csv_row_set("claim", k->id);
        rb_csv_row_set("metric", k->metric);
        if (k->batch) rb_csv_row_int("batch", k->batch);
        rb_csv_row_set("backend", col >= 0 ? r->cols[col].backend : l->by);
        rb_csv_row_set("options", col >= 0 ? r->cols[col].options : "");
        rb_csv_row_set("versus", k->versus);
        rb_csv_row_num("value", l->value);
        rb_csv_row_set("value_source", l->source);
        rb_csv_row_set("unit", k->unit);
        rb_csv_row_int("n_tasks", (long)l->n);
        rb_csv_row_num("paper_value", k->value);
        rb_csv_row_num("rel_diff", l->rel_diff);
        rb_csv_row_set("citation", k->citation);
        rb_csv_row_set("note", l->how);
        rb_csv_row_emit(f);
    }
}

void rb_paper_write_json(FILE *f, const rb_report *r, const rb_paper *p)
{
    int first = 1;
    fputs(",\n  \"paper\": {", f);
    rb_json_kv_s(f, &first, "claims_file", p->claims_file);
    rb_json_kv_s(f, &first, "missing_platforms", p->missing);
    fputs(",\n    \"columns\": [", f);
    for (size_t c = 0; c < p->ncols; c++) {
        int fc = 1;
        fputs(c ? ", {" : "{", f);
        rb_json_kv_s(f, &fc, "label", p->cols[c].label);
        rb_json_kv_s(f, &fc, "unit", p->cols[c].what);
        rb_json_kv_s(f, &fc, "versus", p->cols[c].versus);
        fputs(", \"ours\": ", f);
        fputs(p->cols[c].ours ? "true" : "false", f);
        fputs("}", f);
    }
    fputs("],\n    \"tasks\": [", f);
    for (size_t t = 0; t < p->ntasks; t++) {
        int ft = 1;
        fputs(t ? ",\n      {" : "\n      {", f);
        rb_json_kv_s(f, &ft, "name", r->wl[p->tasks[t]].name);
        rb_json_kv_s(f, &ft, "cell", r->wl[p->tasks[t]].cell);
        rb_json_kv_i(f, &ft, "hidden", r->wl[p->tasks[t]].hidden);
        rb_json_kv_i(f, &ft, "batch", r->wl[p->tasks[t]].batch);
        rb_json_kv_i(f, &ft, "timesteps", r->wl[p->tasks[t]].timesteps);
        fputs(", \"values\": [", f);
        for (size_t c = 0; c < p->ncols; c++) {
            const char *src = NULL;
            double v = rb_paper_cell(r, p, t, c, &src);
            fputs(c ? ", " : "", f);
            if (isfinite(v))
                fprintf(f, "%.12g", v);
            else
                fputs("null", f);
        }
        fputs("]}", f);
    }
    fputs("],\n    \"claims\": [", f);
    for (size_t i = 0; i < p->nlines; i++) {
        const rb_paper_line *l = &p->lines[i];
        const rb_claim *k = l->claim;
        int fl = 1;
        fputs(i ? ",\n      {" : "\n      {", f);
        rb_json_kv_s(f, &fl, "claim", k->id);
        rb_json_kv_s(f, &fl, "metric", k->metric);
        rb_json_kv_s(f, &fl, "subject", k->subject);
        rb_json_kv_s(f, &fl, "versus", k->versus);
        rb_json_kv_i(f, &fl, "batch", k->batch);
        rb_json_kv_s(f, &fl, "scope", k->scope);
        rb_json_kv_s(f, &fl, "by", l->by);
        fputs(", \"ours\": ", f);
        fputs(l->ours ? "true" : "false", f);
        rb_json_kv_n(f, &fl, "value", l->value);
        rb_json_kv_s(f, &fl, "unit", k->unit);
        rb_json_kv_i(f, &fl, "n_tasks", (long)l->n);
        rb_json_kv_s(f, &fl, "source", l->source);
        rb_json_kv_n(f, &fl, "paper_value", k->value);
        rb_json_kv_n(f, &fl, "rel_diff", l->rel_diff);
        fputs(", \"bound_met\": ", f);
        fputs(l->bound == 1 ? "true" : l->bound == 0 ? "false" : "null", f);
        rb_json_kv_s(f, &fl, "how", l->how);
        rb_json_kv_s(f, &fl, "citation", k->citation);
        rb_json_kv_s(f, &fl, "note", k->note);
        fputs("}", f);
    }
    fputs("]}", f);
}
