/* backends/backend.h — the one interface between the harness and every backend.
 *
 * A backend is a directory backends/<name>/ with its own CMakeLists.txt that builds a static library
 * rb_backend_<name> defining `const rb_backend rb_backend_<name>;`, plus its name in the RB_BACKENDS list of
 * backends/CMakeLists.txt (the registration line). The harness includes only this header and registry.h.
 *
 * Life cycle for one job:  probe (once per process) -> prepare -> run (x N) -> report -> release.
 *  - RB_MEASURED backends: the harness times `run` (wall clock), or uses *device_ms when the backend sets it
 *    (e.g. CUDA events). Warm-up first, then repetitions until --reps and --min-time are both met.
 *  - RB_SIMULATED / RB_MODELED backends: `run` executes the problem functionally in the platform's numerics
 *    (its output is checked against the fp32 reference); latency comes from `report`.
 */
#ifndef RB_BACKEND_H
#define RB_BACKEND_H

#include <stddef.h>
#include <stdio.h>
#include "problem.h"

typedef enum { RB_MEASURED = 0, RB_SIMULATED = 1, RB_MODELED = 2 } rb_kind;

/* Where a figure comes from. Stored as text in the results file. */
typedef enum {
    RB_SRC_UNAVAILABLE = 0,
    RB_SRC_MEASURED,
    RB_SRC_SIMULATED,
    RB_SRC_MODELED,
    RB_SRC_DATASHEET,
    RB_SRC_PUBLISHED /* a figure from a paper or vendor table, imported as a row with its citation */
} rb_source;

const char *rb_source_name(rb_source s); /* "unavailable", "measured", ... */
const char *rb_kind_name(rb_kind k);     /* "measured", "simulated", "modeled" */

#define RB_MSG_MAX 256
typedef struct rb_status {
    char msg[RB_MSG_MAX]; /* why something failed / is unavailable; empty when fine */
} rb_status;

/* printf into st->msg; always returns -1 so backends can `return rb_fail(st, "...", ...);` */
int rb_fail(rb_status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The CPU model name from /proc/cpuinfo ("unknown CPU" when it cannot be read). */
void rb_cpu_model(char *out, size_t len);

/* Backend options: the "<backend>.key=value" pairs given with --backend-opt, prefix stripped. */
#define RB_OPT_MAX 16
#define RB_OPT_KEY_MAX 32
#define RB_OPT_VAL_MAX 224
typedef struct rb_options {
    int n;
    char key[RB_OPT_MAX][RB_OPT_KEY_MAX];
    char val[RB_OPT_MAX][RB_OPT_VAL_MAX];
} rb_options;
/* Value for key, or NULL. */
const char *rb_opt_get(const rb_options *o, const char *key);

/* Declared options: each backend lists the keys it accepts, so the harness validates every --backend-opt before
 * any work (unknown key, bad value -> exit 2, results file untouched) and `rnnbench list` documents them. */
typedef enum {
    RB_OPT_ENUM = 0, /* one of the '|'-separated words in `allowed` */
    RB_OPT_INT,      /* a decimal integer; `allowed` "MIN..MAX" (inclusive; either end may be empty) or NULL */
    RB_OPT_REAL,     /* a decimal number (no hex, no inf/nan); `allowed` as for RB_OPT_INT */
    RB_OPT_TEXT      /* free text checked by the backend's check_options; `allowed` describes the form */
} rb_opt_type;

typedef struct rb_option_spec {
    const char *key;           /* "precision"; a NULL key ends the table */
    rb_opt_type type;
    const char *allowed;       /* see rb_opt_type */
    const char *default_value; /* shown by `list`; NULL when the option has no default */
    const char *help;          /* one line */
} rb_option_spec;

/* Checks opt against b's declared options: every key declared, every value of its type and within `allowed`, then
 * b->check_options when present. 0, or -1 with why = "--backend-opt NAME.KEY=VALUE: why (allowed: ...)". */
struct rb_backend;
int rb_options_check(const struct rb_backend *b, const rb_options *opt, rb_status *why);

/* Extras: backend-specific key/value facts stored with the row (e.g. "hu" -> "4"). */
#define RB_EXTRA_MAX 32
#define RB_EXTRA_KEY_MAX 32
#define RB_EXTRA_VAL_MAX 96

typedef struct rb_metrics {
    /* latency for simulated/modeled backends (ms for one whole-sequence inference); ignored for measured */
    double latency_ms;
    rb_source latency_source;
    double energy_j; /* per inference */
    rb_source energy_source;
    double power_w; /* average while serving */
    rb_source power_source;
    double area_mm2;
    rb_source area_source;
    double peak_gflops; /* platform peak used for utilisation (in the backend's precision) */
    rb_source peak_source;
    /* 1 when the input projection W x was computed outside the timed/simulated region (skip-input modes such as
     * DeepBench's CUDNN_SKIP_INPUT): utilisation then counts only the recurrent FLOPs. 0 by default. */
    int recurrent_only;
    char device[128]; /* e.g. "Intel Xeon ... (2 threads)", "Plasticine 24x24 @1GHz" */
    int n_extras;
    char extra_key[RB_EXTRA_MAX][RB_EXTRA_KEY_MAX];
    char extra_val[RB_EXTRA_MAX][RB_EXTRA_VAL_MAX];
} rb_metrics;

/* Zero a metrics record: every source unavailable, numbers NaN, no extras. */
void rb_metrics_init(rb_metrics *m);
/* Add an extra (printf-style value). Returns 0, or -1 when full. */
int rb_metrics_extra(rb_metrics *m, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

typedef struct rb_backend {
    const char *name;    /* "cpu-blas", "cublas", "cudnn", "spatial", "brainwave" */
    const char *summary; /* one line for `rnnbench list` */
    rb_kind kind;
    /* Can this process run me? 0 = yes; -1 = no, reason in why. Called once per process. */
    int (*probe)(rb_status *why);
    /* Build per-job state: upload/quantise weights, plan the mapping, ... 0 or -1 with reason. p and w are
     * owned by the harness and stay valid until release. */
    int (*prepare)(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state,
                   rb_status *st);
    /* One whole-sequence inference: x [T][B][I] -> y [T][B][H]. If device_ms is set to >= 0 the harness
     * uses it as the timing sample instead of the wall clock. 0 or -1 with reason. */
    int (*run)(void *state, const float *x, float *y, double *device_ms, rb_status *st);
    /* Fill metrics (m is initialised by the harness). Measured backends may run extra inferences here
     * (e.g. an energy window). 0 or -1 with reason. */
    int (*report)(void *state, const float *x, rb_metrics *m, rb_status *st);
    void (*release)(void *state);
    /* Optional: write the backend's configuration (e.g. the architecture file used) as key/value pairs
     * for /backends/<name>. May be NULL. Returns the number of pairs written (<= max). */
    int (*config)(const rb_options *opt, char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int max);
    /* Optional: write the backend's design space for a problem as CSV to out (`rnnbench explore`). May be NULL.
     * 0 or -1 with reason. */
    int (*explore)(const rb_problem *p, const rb_options *opt, FILE *out, rb_status *st);
    /* The options this backend accepts (ends with a NULL key). NULL: it accepts none. */
    const rb_option_spec *options;
    /* Optional: checks beyond the table (an architecture file that must load, a combination of keys). Runs on rank 0
     * before anything else, so it must not need a device. 0, or -1 with the reason (without the option prefix). */
    int (*check_options)(const rb_options *opt, rb_status *why);
    /* The largest max_rel_err (max|y - ref| / max|ref|) this backend's numerics guarantee for p under opt; a row
     * above it is not `ok`. NULL: the fp32 bound RB_FP32_REL_ERR_BOUND. */
    double (*error_bound)(const rb_problem *p, const rb_options *opt);
    /* Optional, simulated/modeled backends only: writes an identifier of the numerics selected by opt (e.g.
     * "int8-lut1024", "ms-fp8"), such that run()'s output depends only on (problem shape, seed, this identifier).
     * When given, the harness may serve y from its output cache instead of calling run(): it then calls prepare()
     * with w == NULL (no weights are generated), never calls run(), and calls report() with x == NULL, so prepare()
     * must accept w == NULL (run() may then refuse) and report() must not rely on run() or x. 0, or -1 when the
     * output cannot be cached. */
    int (*numerics_id)(const rb_options *opt, char *out, size_t len);
} rb_backend;

/* max_rel_err an fp32 implementation of a cell must stay within (against the double-accumulating reference). */
#define RB_FP32_REL_ERR_BOUND 1e-5

/* The bound that applies to b for p under opt (b->error_bound, or RB_FP32_REL_ERR_BOUND). */
double rb_backend_error_bound(const rb_backend *b, const rb_problem *p, const rb_options *opt);

#endif
