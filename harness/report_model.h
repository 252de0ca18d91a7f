/* harness/report_model.h — the data model behind `rnnbench report`: the authoritative row per job, the
 * workload × backend grid, speedups, area/power-normalised ratios and geometric means (report_model.c);
 * the table/CSV/JSON writers (report_format.c); the paper reference data and its comparison with ours
 * (report_paper.c). Pure functions over rb_record arrays: nothing here touches HDF5. */
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
} rb_rep_column;

/* Geometric means of one column against the baseline. */
typedef struct rb_rep_summary {
    double speedup;        /* over the common tasks (every compared column ok) */
    size_t n_common;
    double speedup_pair;   /* over the tasks where this column and the baseline are ok */
    size_t n_pair;
    double perf_area;      /* over the common tasks where both areas are available */
    size_t n_area;
    char area_sources[32]; /* "baseline-source/this-source", or "mixed" */
    double perf_power;
    size_t n_power;
    char power_sources[32];
} rb_rep_summary;

typedef struct rb_report {
    rb_record *rows;       /* the authoritative rows (one per workload shape × backend × options), owned */
    size_t nrows;
    size_t n_superseded;   /* older rows dropped because a later run re-measured the same job */
    rb_rep_column *cols;   /* sorted by label */
    size_t ncols;
    rb_rep_workload *wl;   /* in first-appearance order of the file */
    size_t nwl;
    rb_rep_summary *sum;   /* [ncols] */
    size_t baseline;       /* column index */
    size_t n_common;       /* tasks on which every compared column is ok */
} rb_report;

/* Builds the report from all rows of a file. baseline: a column label or backend name, or NULL for the default
 * ("cpu-blas" if present, else the first column alphabetically). Returns 0, or -1 with err (unknown baseline,
 * allocation failure). Zero rows is fine (empty report). */
int rb_report_build(const rb_record *rows, size_t n, const char *baseline, rb_report *out, char *err,
                    size_t errlen);
void rb_report_free(rb_report *r);

/* 1 if the row's status is "ok". */
int rb_rep_ok(const rb_record *r);
/* 1 if a *_source value means the figure exists (not "unavailable" and not empty). */
int rb_rep_source_known(const char *src);
/* Index of the column best matching a backend name (most ok rows; label match first), or -1. */
int rb_rep_find_column(const rb_report *r, const char *name);
/* Geomean of latency(col_slow) / latency(col_fast) over workloads where both are ok; *n gets the count. */
double rb_rep_geomean_latency_ratio(const rb_report *r, size_t col_slow, size_t col_fast, size_t *n);
/* Geomean of field(col_a) / field(col_b) over workloads where both rows are ok and the figure exists.
 * which: 'a' area_mm2, 'p' power_w. */
double rb_rep_geomean_figure_ratio(const rb_report *r, size_t col_a, size_t col_b, char which, size_t *n);

/* ---- paper reference data (results/paper_reference.csv) ---- */
typedef struct rb_paper_ref {
    char kind[24];      /* headline | brainwave | deepbench_gpu */
    char cell[8];       /* empty when not per task */
    int hidden, batch, timesteps; /* 0 when not per task */
    char platform[32];
    char metric[32];
    double value;
    char unit[16];
    char provenance[96];
    char note[200];
} rb_paper_ref;

/* Loads the CSV ('#' comment lines, a header naming the columns, quoted fields allowed).
 * 0, or -1 with "FILE: why" / "FILE:LINE: why" in err. *refs malloc'd. */
int rb_paper_load(const char *path, rb_paper_ref **refs, size_t *n, char *err, size_t errlen);

/* One line of the --paper section: our figure beside the paper's. */
typedef struct rb_paper_cmp {
    char what[96];        /* e.g. "speedup geomean spatial vs cudnn" or "latency gru H2816 B1 T750" */
    char ours_from[96];   /* the backend column(s) and device our figure comes from */
    double ours;          /* NaN if we have no matching figure */
    double theirs;
    char unit[16];
    double rel_diff;      /* (ours - theirs) / theirs; NaN if ours is missing */
    char ours_source[24]; /* our figure's *_source (or "measured"/"modeled" of the latency) */
    char provenance[96];  /* where their figure comes from */
    char note[200];
} rb_paper_cmp;

/* Pairs every reference figure with ours where we have one (and lists the others with ours = NaN).
 * *out malloc'd. 0 or -1 (allocation). */
int rb_paper_compare(const rb_report *r, const rb_paper_ref *refs, size_t nrefs, rb_paper_cmp **out,
                     size_t *n);

/* ---- writers ---- */
typedef enum { RB_FMT_TABLE = 0, RB_FMT_CSV = 1, RB_FMT_JSON = 2 } rb_report_format;

/* Writes the report (and the paper comparison when cmp != NULL) to f. source_name is the results file
 * name shown in the output. */
void rb_report_write(FILE *f, rb_report_format fmt, const rb_report *r, const char *source_name,
                     const rb_paper_cmp *cmp, size_t ncmp);

#endif
