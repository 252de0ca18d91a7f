/* harness/report_model.h — the data model behind `rnnbench report`: the authoritative row per job, the
 * workload × backend grid, speedups, area/power-normalised ratios and geometric means per batch size
 * (report_model.c); the table/CSV/JSON writers (report_format.c, report_paper_format.c); the paper's claims
 * (report_claims.c) checked on the published and our rows (report_paper.c). Pure functions over rb_record arrays:
 * nothing here touches HDF5. */
#ifndef RB_REPORT_MODEL_H
#define RB_REPORT_MODEL_H

#include <stddef.h>
#include <stdio.h>
#include "record.h"

/* One backend column of one workload. */
typedef struct rb_rep_cell {
    const rb_record *rec;     /* authoritative row, NULL when this column has no row for the workload */
    double tflops_deepbench;  /* effective TFLOP/s, DeepBench (recurrent-only) convention; NaN if unknown */
    double tflops_full;       /* effective TFLOP/s, input + recurrent convention */
    double speedup;           /* baseline median latency / this median latency; NaN unless both are ok */
    double perf_area;         /* speedup * area_baseline / area_this; NaN if either area is unavailable */
    double perf_power;        /* speedup * power_baseline / power_this; NaN if either power is unavailable */
} rb_rep_cell;

typedef struct rb_rep_workload {
    char name[64];
    char cell[8];
    int hidden, input, batch, timesteps;
    rb_rep_cell *cells; /* [ncols] */
} rb_rep_workload;

/* A compared "backend": a backend name with one canonical option string. */
typedef struct rb_rep_column {
    char backend[32];
    char options[224];
    char label[264];   /* "backend" or "backend[options]" */
    size_t n_ok;       /* workloads with status ok; columns with none take no part in the geomeans */
    int published;     /* every row of the column is a published figure (latency_source "published") */
} rb_rep_column;

/* Geometric means of one column against the baseline, over the tasks of one batch size. */
typedef struct rb_rep_summary {
    double speedup;        /* over the common tasks (every compared measured/simulated/modeled column ok) */
    size_t n_common;
    double speedup_pair;   /* over the tasks where this column and the baseline are ok */
    size_t n_pair;
    double perf_area;      /* over the common tasks (pairwise for published columns) where both areas exist */
    size_t n_area;
    char area_sources[32]; /* "baseline-source/this-source", or "mixed" */
    double perf_power;
    size_t n_power;
    char power_sources[32];
} rb_rep_summary;

/* The geomeans of the tasks of one batch size: tasks of different batch sizes are never mixed. */
typedef struct rb_rep_group {
    int batch;
    size_t n_tasks;        /* workloads of this batch size */
    size_t n_common;       /* of them, tasks on which every compared non-published column is ok */
    rb_rep_summary *sum;   /* [ncols] */
} rb_rep_group;

typedef struct rb_report {
    rb_record *rows;       /* the authoritative rows (one per workload shape × backend × options), owned */
    size_t nrows;
    size_t n_superseded;   /* older rows dropped because a later run re-measured the same job */
    rb_rep_column *cols;   /* sorted by label */
    size_t ncols;
    rb_rep_workload *wl;   /* in first-appearance order of the file */
    size_t nwl;
    rb_rep_group *groups;  /* one per batch size, ascending */
    size_t ngroups;
    size_t baseline;       /* column index */
} rb_report;

/* Builds the report from all rows of a file. baseline: a column label or backend name, or NULL for the default
 * (cpu-blas if it has ok rows, else the first column alphabetically with ok rows, measured/simulated/modeled ones
 * first). Returns 0, or -1 with err (unknown baseline, a baseline without ok rows, allocation failure). Zero rows
 * is fine (empty report). */
int rb_report_build(const rb_record *rows, size_t n, const char *baseline, rb_report *out, char *err,
                    size_t errlen);
void rb_report_free(rb_report *r);

/* 1 if the row's status is "ok" (rows over their error bound, failed, unavailable... never count). */
int rb_rep_ok(const rb_record *r);
/* 1 if the row is a published figure (latency_source "published"). */
int rb_rep_published(const rb_record *r);
/* 1 if a *_source value means the figure exists (not "unavailable" and not empty). */
int rb_rep_source_known(const char *src);
/* Index of the column best matching a backend name (most ok rows; label match first), or -1. */
int rb_rep_find_column(const rb_report *r, const char *name);
/* The group of a batch size, or NULL. */
const rb_rep_group *rb_rep_find_group(const rb_report *r, int batch);

/* ---- the paper comparison (report_claims.c loads the claims, report_paper.c computes) ---- */

#define RB_CLAIM_TEXT 384

/* One line of a claims file (results/published/README.md). value NaN: no figure stated, computed for context. */
typedef struct rb_claim {
    char id[48];
    char metric[24];  /* per_task | speedup_geomean | area_ratio | power_ratio_tdp | power_ratio_peak |
                         perf_per_w_geomean | max_latency_ms | max_power_w */
    char subject[32]; /* a published platform (backend name of its rows) */
    char versus[32];  /* a published platform, or "" */
    double value;
    char unit[8];
    int batch;        /* the batch size the claim is about; 0: any */
    char scope[16];   /* paper_tasks | all */
    char citation[RB_CLAIM_TEXT];
    char note[RB_CLAIM_TEXT];
} rb_claim;

/* Loads a claims CSV (strict: csv_read.h). *claims malloc'd. 0, or -1 with "FILE:LINE: field: why" in err. */
int rb_claims_load(const char *path, rb_claim **claims, size_t *n, char *err, size_t errlen);

/* A column of the per-task paper table. */
typedef struct rb_paper_col {
    char label[264];  /* the report column's label */
    char what[8];     /* "ms", "W" or "x" (a speedup of `label` over `versus`) */
    int col;          /* report column of label */
    int versus_col;   /* for "x": the report column of the versus platform */
    char versus[264];
    int ours;         /* 1 for one of our backends, 0 for a published platform */
} rb_paper_col;

/* One computed claim: for our backend standing in for the subject, or for the subject's own published rows. */
typedef struct rb_paper_line {
    const rb_claim *claim;
    char by[264];        /* the column the figure is computed on */
    int ours;
    double value;        /* NaN when it cannot be computed (the reason is in how) */
    size_t n;            /* tasks used */
    char source[16];     /* the latency (or power) source of by's rows: a *_source word, or "mixed" */
    double rel_diff;     /* (value - claim value) / claim value, NaN without both */
    int bound;           /* max_latency_ms: 1 met, 0 not met, -1 not a bound */
    char how[1024];      /* what was computed from which figures */
} rb_paper_line;

typedef struct rb_paper {
    const char *claims_file;
    rb_claim *claims;
    size_t nclaims;
    size_t *tasks;       /* workload indices of the per-task table */
    size_t ntasks;
    rb_paper_col *cols;
    size_t ncols;
    rb_paper_line *lines;
    size_t nlines;
    char missing[512];   /* platforms of the claims with no rows in the file, or "" */
} rb_paper;

/* Computes the per-task table and every claim over the report's rows. Takes the claims (malloc'd, freed by
 * rb_paper_free, also when it fails). 0, or -1 (allocation). */
int rb_paper_build(const rb_report *r, rb_claim *claims, size_t nclaims, const char *claims_file, rb_paper *out);
void rb_paper_free(rb_paper *p);
/* The value of the per-task table's column c on task t (NaN when the row is missing or not ok); the source of the
 * figure in *src. */
double rb_paper_cell(const rb_report *r, const rb_paper *p, size_t t, size_t c, const char **src);

/* ---- writers ---- */
typedef enum { RB_FMT_TABLE = 0, RB_FMT_CSV = 1, RB_FMT_JSON = 2 } rb_report_format;

/* Writes the report (and the paper comparison when paper != NULL) to f. source_name is the results file
 * name shown in the output. */
void rb_report_write(FILE *f, rb_report_format fmt, const rb_report *r, const char *source_name,
                     const rb_paper *paper);

#endif
