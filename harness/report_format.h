/* harness/report_format.h — the pieces the report writers share (report_format.c defines them; the paper
 * section's writers in report_paper_format.c use them): table numbers, source abbreviations, the CSV row of the
 * one tidy CSV table (every field a whole copy, never cut) and JSON values. */
#ifndef RB_REPORT_FORMAT_H
#define RB_REPORT_FORMAT_H

#include <stdio.h>

#include "report_model.h"

/* " %*.4g" or " %*s" of "-" for a non-finite number. */
void rb_fmt_num(FILE *f, int width, double x);
/* "meas", "sim", "model", "sheet", "pub", "n/a" for the *_source words. */
const char *rb_fmt_src_short(const char *s);
/* Writes s with control characters as blanks (a table row stays one line). */
void rb_fmt_one_line(FILE *f, const char *s);

/* The CSV row being built: set columns by name (unknown names are ignored), then emit (which clears it). */
void rb_csv_row_clear(void);
void rb_csv_row_set(const char *col, const char *val);
void rb_csv_row_num(const char *col, double x); /* "" for a non-finite number */
void rb_csv_row_int(const char *col, long x);
void rb_csv_row_task(const rb_rep_workload *wl); /* workload, cell, hidden, input, batch, timesteps */
void rb_csv_row_emit(FILE *f);

/* JSON: a string literal, and "key": value pairs of an object (first: 1 before the first pair). */
void rb_json_str(FILE *f, const char *s);
void rb_json_kv_s(FILE *f, int *first, const char *k, const char *v);
void rb_json_kv_n(FILE *f, int *first, const char *k, double v); /* null for a non-finite number */
void rb_json_kv_i(FILE *f, int *first, const char *k, long v);

/* The paper section (report_paper_format.c). */
void rb_paper_write_table(FILE *f, const rb_report *r, const rb_paper *p);
void rb_paper_write_csv(FILE *f, const rb_report *r, const rb_paper *p);
void rb_paper_write_json(FILE *f, const rb_report *r, const rb_paper *p);

#endif
