/* harness/published.h — published results (figures from a paper or a vendor table) as ordinary /results rows
 * with source "published": loading the CSV files described in results/published/README.md (task rows and
 * platform facts; published_csv.c), joining the facts onto the rows, keeping the rows of a campaign's shapes,
 * and an idempotent import into a results file (published_import.c). */
#ifndef RB_PUBLISHED_H
#define RB_PUBLISHED_H

#include <stddef.h>

#include "problem.h"
#include "record.h"
#include "store.h"

#define RB_PUB_TEXT_MAX 384 /* citation, note */

/* Facts about one published platform (a row of a platforms file). NaN: not given. */
typedef struct rb_pub_platform {
    char platform[32];
    char device[128];
    double process_nm, clock_ghz, die_area_mm2, tdp_w, peak_power_w;
    double peak_tflops_32bit, peak_tflops_8bit, onchip_mb;
    char area_kind[16];     /* die | die_estimate ("" when no area) */
    char row_power[8];      /* tdp | peak | none: the power a task row without its own takes */
    char reproduced_by[32]; /* the rnnbench backend that models or measures the same platform, or "" */
    char citation[RB_PUB_TEXT_MAX];
    char note[RB_PUB_TEXT_MAX];
    int file, line;         /* where it was read: index into the loaded paths, 1-based line */
} rb_pub_platform;

/* One task row as read from a file, before the platform facts are joined. NaN / "": not given. */
typedef struct rb_pub_task {
    rb_record rec;          /* shape, backend = platform, latency, key; sources filled by the join */
    double power_w, area_mm2, energy_j;
    char power_kind[12];    /* per_task | tdp | peak */
    char area_kind[16];     /* die | die_estimate */
    char latency_stat[12];  /* mean | median | min */
    char precision[24];
    char device[128];
    char citation[RB_PUB_TEXT_MAX];
    char note[RB_PUB_TEXT_MAX];
    int file, line;
} rb_pub_task;

typedef struct rb_pub_set {
    rb_pub_task *tasks;
    size_t n;
    rb_pub_platform *plat;
    size_t nplat;
    const char *const *paths; /* the caller's file names (not owned), for messages */
    size_t npaths;
} rb_pub_set;

/* Reads every file (each one a task-rows file or a platforms file, told apart by its header), validates every
 * field, rejects duplicates (the same platform and shape twice, the same platform's facts twice, across all the
 * files), then joins the platform facts onto the task rows and builds each row's record (rb_pub_record).
 * 0, or -1 with "FILE:LINE: field: why" in err and nothing kept. */
int rb_pub_load(const char *const *paths, size_t npaths, rb_pub_set *out, char *err, size_t errlen);
void rb_pub_free(rb_pub_set *s);
/* Internal to rb_pub_load (published_join.c): joins the facts onto the task rows and builds their records. */
int rb_pub_join(rb_pub_set *s, char *err, size_t errlen);

/* Facts of a platform, or NULL. */
const rb_pub_platform *rb_pub_find_platform(const rb_pub_set *s, const char *platform);

/* Keeps only the rows whose shape (cell, hidden, input, batch, timesteps) is one of the problems, and names each
 * row's workload after its problem. */
void rb_pub_keep_shapes(rb_pub_set *s, const rb_problem *probs, size_t np);

/* Marks in append[i] (n entries) the rows that are not already in the file: a row whose key has a current row
 * (the latest one) with the same figures, sources, device and extras is skipped; one whose figures differ is
 * appended as a newer row (counted in *updated). Returns the number of rows to append. */
size_t rb_pub_plan(const rb_pub_set *s, const rb_record *existing, size_t nexisting, unsigned char *append,
                   size_t *updated);

/* Appends the marked rows (timestamp now, run id of the store's current run) and writes /backends/<platform>
 * (kind, citation, the platform facts) for every platform with an appended row. 0, or -1 with err. */
int rb_pub_write(rb_store *st, rb_pub_set *s, const unsigned char *append, char *err, size_t errlen);

/* The files a campaign imports by default: the names listed in DIR/default.txt ('#' comments), as paths under
 * DIR. *paths is one malloc'd block (free it alone). 0, or -1 with err. */
int rb_pub_manifest(const char *dir, char ***paths, size_t *n, char *err, size_t errlen);

/* The directory of the shipped published files (results/published of the source tree). */
const char *rb_pub_default_dir(void);

/* The current rows of a results file (every row when the file does not exist: none). 0, or -1 with err. */
int rb_pub_existing(const char *path, rb_record **rows, size_t *n, char *err, size_t errlen);

#endif
