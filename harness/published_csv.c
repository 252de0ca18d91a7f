/* harness/published_csv.c — reads and validates the published-rows CSV files (results/published/README.md): a
 * task-rows file (one published latency per platform and shape) or a platforms file (facts per platform), told
 * apart by the header; every field checked, "FILE:LINE: field: why" on the first error. The join and the records
 * are built in published_join.c. */
#include "published.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"
#include "registry.h"

#define LIMIT_HIDDEN 65536 /* the workload parser's limits */
#define LIMIT_INPUT 65536
#define LIMIT_BATCH 4096
#define LIMIT_TIMESTEPS 1000000
#define ROWS_MAX 100000

static const char *const TASK_REQUIRED[] = {"platform", "cell", "hidden", "input", "batch", "timesteps",
                                            "latency_ms", "citation", NULL};
static const char *const TASK_OPTIONAL[] = {"workload", "latency_stat", "power_w", "power_kind", "area_mm2",
                                            "area_kind", "energy_j", "precision", "device", "note", NULL};
static const char *const PLAT_REQUIRED[] = {"platform", "citation", NULL};
static const char *const PLAT_OPTIONAL[] = {"device", "process_nm", "clock_ghz", "die_area_mm2", "area_kind",
                                            "tdp_w", "peak_power_w", "row_power", "peak_tflops_32bit",
                                            "peak_tflops_8bit", "onchip_mb", "reproduced_by", "note", NULL};

/* Where a message points. */
typedef struct at {
    const char *path;
    int line;
    char *err;
    size_t errlen;
} at;

__attribute__((format(printf, 3, 4))) static int fail(const at *a, const char *field, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(a->err, a->errlen, "%s:%d: %s: %s", a->path, a->line, field, why);
    return -1;
}

/* ---- field checks ---- */

static int parse_count(const at *a, const char *field, const char *s, int limit, int *out)
{
    long long v = 0;
    if (*s == '\0') return fail(a, field, "empty value");
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return fail(a, field, "'%.40s' is not a positive integer", s);
        if (v <= limit) v = v * 10 + (*p - '0');
    }
    if (v == 0) return fail(a, field, "must be at least 1");
    if (v > limit) return fail(a, field, "'%.40s' is too large (at most %d)", s, limit);
    *out = (int)v;
    return 0;
}

/* A positive, finite decimal number ("12", "0.5", "1e-3"); "" gives NaN when optional. */
static int parse_positive(const at *a, const char *field, const char *s, int required, double *out)
{
    *out = NAN;
    if (*s == '\0') return required ? fail(a, field, "empty value (a positive number is required)") : 0;
    if (!(isdigit((unsigned char)s[0]) || (s[0] == '.' && isdigit((unsigned char)s[1]))))
        return fail(a, field, "'%.40s' is not a positive decimal number", s);
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr(".eE+-", *p))
            return fail(a, field, "'%.40s' is not a positive decimal number", s);
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v)) return fail(a, field, "'%.40s' is not a finite decimal number", s);
    if (!(v > 0)) return fail(a, field, "'%.40s' must be greater than 0", s);
    *out = v;
    return 0;
}

/* One of the '|'-separated words (or "" when optional). */
static int parse_word(const at *a, const char *field, const char *s, const char *allowed, char *out, size_t len)
{
    out[0] = '\0';
    if (*s == '\0') return 0;
    size_t n = strlen(s);
    for (const char *p = allowed; *p;) {
        const char *bar = strchr(p, '|');
        size_t w = bar ? (size_t)(bar - p) : strlen(p);
        if (w == n && strncmp(p, s, n) == 0) {
            snprintf(out, len, "%s", s);
            return 0;
        }
        p += w + (bar ? 1 : 0);
    }
    return fail(a, field, "'%.40s' is not one of %s", s, allowed);
}

/* Text stored in the results file: at most len-1 characters, no ';' when it goes into the extras. */
static int parse_text(const at *a, const char *field, const char *s, int required, int in_extras, char *out,
                      size_t len)
{
    if (required && *s == '\0') return fail(a, field, "empty value");
    if (strlen(s) >= len) return fail(a, field, "too long (%zu characters, at most %zu)", strlen(s), len - 1);
    if (in_extras && strchr(s, ';'))
        return fail(a, field, "';' is not allowed (it separates the items of a row's extras)");
    snprintf(out, len, "%s", s);
    return 0;
}

static int name_char(char ch, const char *extra)
{
    return isalnum((unsigned char)ch) || (ch && strchr(extra, ch));
}

/* A platform name: the backend name of its rows and the name of its /backends group. */
static int parse_platform(const at *a, const char *s, char *out, size_t len)
{
    if (*s == '\0') return fail(a, "platform", "empty value");
    if (strlen(s) >= len) return fail(a, "platform", "'%.60s' is too long (at most %zu characters)", s, len - 1);
    for (const char *p = s; *p; p++)
        if (!name_char(*p, " ._()+-"))
            return fail(a, "platform", "'%.60s' has a character other than letters, digits, ' ', '.', '_', '(', ')', "
                                       "'+', '-'", s);
    if (s[0] == ' ' || s[strlen(s) - 1] == ' ')
        return fail(a, "platform", "'%.60s' starts or ends with a blank", s);
    if (rb_backend_find(s))
        return fail(a, "platform", "'%s' is the name of an rnnbench backend; published rows need a name of their "
                                   "own, e.g. '%s (paper)'", s, s);
    snprintf(out, len, "%s", s);
    return 0;
}

static int parse_name(const at *a, const char *field, const char *s, const char *extra, char *out, size_t len)
{
    out[0] = '\0';
    if (*s == '\0') return 0;
    if (strlen(s) >= len) return fail(a, field, "'%.60s' is too long (at most %zu characters)", s, len - 1);
    for (const char *p = s; *p; p++)
        if (!name_char(*p, extra))
            return fail(a, field, "'%.60s' has a character other than letters, digits and '%s'", s, extra);
    snprintf(out, len, "%s", s);
    return 0;
}

/* ---- header ---- */

static int in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0) return 1;
    return 0;
}

static void list_words(char *out, size_t len, const char *const *a, const char *const *b)
{
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < 2; k++)
        for (const char *const *p = k ? b : a; *p && used < len; p++)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? ", " : "", *p);
}

/* Checks the header against the required and optional columns of a file kind. */
static int check_header(const rb_csv *c, const at *a, const char *kind, const char *const *required,
                        const char *const *optional)
{
    static const char *const none[] = {NULL};
    char known[512], needed[512];
    list_words(known, sizeof known, required, optional);
    list_words(needed, sizeof needed, required, none);
    for (int i = 0; i < c->ncols; i++)
        if (!in_list(required, c->names[i]) && !in_list(optional, c->names[i]))
            return fail(a, "header", "unknown column '%s' for a %s file (columns: %s)", c->names[i], kind, known);
    for (const char *const *r = required; *r; r++)
        if (rb_csv_column(c, *r) < 0)
            return fail(a, "header", "missing column '%s' (a %s file needs: %s)", *r, kind, needed);
    return 0;
}

/* ---- rows ---- */

static const char *field(const rb_csv *c, const char *name) { return rb_csv_field(c, rb_csv_column(c, name)); }

static int read_task(const rb_csv *c, const at *a, rb_pub_task *t)
{
    memset(t, 0, sizeof *t);
    rb_record *r = &t->rec;
    rb_record_init(r);
    if (parse_platform(a, field(c, "platform"), r->backend, sizeof r->backend)) return -1;
    rb_cell cell;
    const char *cs = field(c, "cell");
    if (rb_cell_parse(cs, &cell) != 0) return fail(a, "cell", "unknown cell '%.40s' (lstm, gru or vanilla)", cs);
    snprintf(r->cell, sizeof r->cell, "%s", rb_cell_name(cell));
    if (parse_count(a, "hidden", field(c, "hidden"), LIMIT_HIDDEN, &r->hidden) ||
        parse_count(a, "input", field(c, "input"), LIMIT_INPUT, &r->input) ||
        parse_count(a, "batch", field(c, "batch"), LIMIT_BATCH, &r->batch) ||
        parse_count(a, "timesteps", field(c, "timesteps"), LIMIT_TIMESTEPS, &r->timesteps) ||
        parse_positive(a, "latency_ms", field(c, "latency_ms"), 1, &r->lat_median_ms) ||
        parse_word(a, "latency_stat", field(c, "latency_stat"), "mean|median|min", t->latency_stat,
                   sizeof t->latency_stat) ||
        parse_positive(a, "power_w", field(c, "power_w"), 0, &t->power_w) ||
        parse_word(a, "power_kind", field(c, "power_kind"), "per_task|tdp|peak", t->power_kind,
                   sizeof t->power_kind) ||
        parse_positive(a, "area_mm2", field(c, "area_mm2"), 0, &t->area_mm2) ||
        parse_word(a, "area_kind", field(c, "area_kind"), "die|die_estimate", t->area_kind, sizeof t->area_kind) ||
        parse_positive(a, "energy_j", field(c, "energy_j"), 0, &t->energy_j) ||
        parse_name(a, "precision", field(c, "precision"), "._+-", t->precision, sizeof t->precision) ||
        parse_name(a, "workload", field(c, "workload"), "._+-", r->workload, sizeof r->workload) ||
        parse_text(a, "device", field(c, "device"), 0, 0, t->device, sizeof t->device) ||
        parse_text(a, "citation", field(c, "citation"), 1, 1, t->citation, sizeof t->citation) ||
        parse_text(a, "note", field(c, "note"), 0, 1, t->note, sizeof t->note))
        return -1;
    if (t->power_kind[0] && isnan(t->power_w)) return fail(a, "power_kind", "given without a power_w");
    if (t->area_kind[0] && isnan(t->area_mm2)) return fail(a, "area_kind", "given without an area_mm2");
    if (!isnan(t->power_w) && !t->power_kind[0]) snprintf(t->power_kind, sizeof t->power_kind, "per_task");
    if (!isnan(t->area_mm2) && !t->area_kind[0]) snprintf(t->area_kind, sizeof t->area_kind, "die");
    return 0;
}

static int read_platform(const rb_csv *c, const at *a, rb_pub_platform *p)
{
    memset(p, 0, sizeof *p);
    if (parse_platform(a, field(c, "platform"), p->platform, sizeof p->platform) ||
        parse_text(a, "device", field(c, "device"), 0, 0, p->device, sizeof p->device) ||
        parse_positive(a, "process_nm", field(c, "process_nm"), 0, &p->process_nm) ||
        parse_positive(a, "clock_ghz", field(c, "clock_ghz"), 0, &p->clock_ghz) ||
        parse_positive(a, "die_area_mm2", field(c, "die_area_mm2"), 0, &p->die_area_mm2) ||
        parse_word(a, "area_kind", field(c, "area_kind"), "die|die_estimate", p->area_kind, sizeof p->area_kind) ||
        parse_positive(a, "tdp_w", field(c, "tdp_w"), 0, &p->tdp_w) ||
        parse_positive(a, "peak_power_w", field(c, "peak_power_w"), 0, &p->peak_power_w) ||
        parse_word(a, "row_power", field(c, "row_power"), "tdp|peak|none", p->row_power, sizeof p->row_power) ||
        parse_positive(a, "peak_tflops_32bit", field(c, "peak_tflops_32bit"), 0, &p->peak_tflops_32bit) ||
        parse_positive(a, "peak_tflops_8bit", field(c, "peak_tflops_8bit"), 0, &p->peak_tflops_8bit) ||
        parse_positive(a, "onchip_mb", field(c, "onchip_mb"), 0, &p->onchip_mb) ||
        parse_name(a, "reproduced_by", field(c, "reproduced_by"), "_-", p->reproduced_by,
                   sizeof p->reproduced_by) ||
        parse_text(a, "citation", field(c, "citation"), 1, 0, p->citation, sizeof p->citation) ||
        parse_text(a, "note", field(c, "note"), 0, 0, p->note, sizeof p->note))
        return -1;
    if (p->area_kind[0] && isnan(p->die_area_mm2)) return fail(a, "area_kind", "given without a die_area_mm2");
    if (!isnan(p->die_area_mm2) && !p->area_kind[0]) snprintf(p->area_kind, sizeof p->area_kind, "die");
    if (!p->row_power[0]) snprintf(p->row_power, sizeof p->row_power, "none");
    if (strcmp(p->row_power, "tdp") == 0 && isnan(p->tdp_w)) return fail(a, "row_power", "'tdp' needs a tdp_w");
    if (strcmp(p->row_power, "peak") == 0 && isnan(p->peak_power_w))
        return fail(a, "row_power", "'peak' needs a peak_power_w");
    return 0;
}

/* ---- files ---- */

static int same_shape(const rb_record *a, const rb_record *b)
{
    return strcmp(a->backend, b->backend) == 0 && strcmp(a->cell, b->cell) == 0 && a->hidden == b->hidden &&
           a->input == b->input && a->batch == b->batch && a->timesteps == b->timesteps;
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return 0;
    size_t c = *cap ? 2 * *cap : 64;
    void *g = realloc(*v, c * size);
    if (!g) return -1;
    *v = g;
    *cap = c;
    return 0;
}

typedef struct loader {
    rb_pub_set *s;
    size_t cap_tasks, cap_plat;
} loader;

static int add_task(loader *l, const rb_csv *c, const at *a, int file)
{
    rb_pub_set *s = l->s;
    if (s->n >= ROWS_MAX) return fail(a, "line", "too many published rows (at most %d)", ROWS_MAX);
    if (grow((void **)&s->tasks, &l->cap_tasks, s->n, sizeof *s->tasks)) return fail(a, "line", "out of memory");
    rb_pub_task *t = &s->tasks[s->n];
    if (read_task(c, a, t)) return -1;
    t->file = file;
    t->line = a->line;
    for (size_t i = 0; i < s->n; i++) /* files are small (hundreds of rows) */
        if (same_shape(&s->tasks[i].rec, &t->rec))
            return fail(a, "platform", "'%s' has a row for this shape already (%s:%d)", t->rec.backend,
                        s->paths[s->tasks[i].file], s->tasks[i].line);
    s->n++;
    return 0;
}

static int add_platform(loader *l, const rb_csv *c, const at *a, int file)
{
    rb_pub_set *s = l->s;
    if (grow((void **)&s->plat, &l->cap_plat, s->nplat, sizeof *s->plat)) return fail(a, "line", "out of memory");
    rb_pub_platform *p = &s->plat[s->nplat];
    if (read_platform(c, a, p)) return -1;
    p->file = file;
    p->line = a->line;
    for (size_t i = 0; i < s->nplat; i++)
        if (strcmp(s->plat[i].platform, p->platform) == 0)
            return fail(a, "platform", "'%s' has its facts already (%s:%d)", p->platform, s->paths[s->plat[i].file],
                        s->plat[i].line);
    s->nplat++;
    return 0;
}

static int load_file(loader *l, int file, char *err, size_t errlen)
{
    const char *path = l->s->paths[file];
    rb_csv c;
    if (rb_csv_open(&c, path, err, errlen) != 0) return -1;
    at a = {path, c.line, err, errlen};
    /* a task-rows file has shapes and latencies; a platforms file has neither */
    int tasks = rb_csv_column(&c, "cell") >= 0 || rb_csv_column(&c, "hidden") >= 0 ||
                rb_csv_column(&c, "latency_ms") >= 0;
    int rc = tasks ? check_header(&c, &a, "published-rows", TASK_REQUIRED, TASK_OPTIONAL)
                   : check_header(&c, &a, "platforms", PLAT_REQUIRED, PLAT_OPTIONAL);
    if (rb_csv_column(&c, "claim") >= 0) {
        a.line = c.line;
        rc = fail(&a, "header", "this is a claims file (for `rnnbench report --paper --paper-data FILE`), not "
                                "published rows to import");
    }
    int r;
    while (rc == 0 && (r = rb_csv_next(&c, err, errlen)) != 0) {
        if (r < 0) {
            rc = -1;
            break;
        }
        a.line = c.line;
        rc = tasks ? add_task(l, &c, &a, file) : add_platform(l, &c, &a, file);
    }
    rb_csv_close(&c);
    return rc;
}

int rb_pub_load(const char *const *paths, size_t npaths, rb_pub_set *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->paths = paths;
    out->npaths = npaths;
    loader l = {out, 0, 0};
    for (size_t i = 0; i < npaths; i++)
        if (load_file(&l, (int)i, err, errlen) != 0) {
            rb_pub_free(out);
            return -1;
        }
    if (rb_pub_join(out, err, errlen) != 0) {
        rb_pub_free(out);
        return -1;
    }
    return 0;
}

void rb_pub_free(rb_pub_set *s)
{
    free(s->tasks);
    free(s->plat);
    s->tasks = NULL;
    s->plat = NULL;
    s->n = s->nplat = 0;
}

const rb_pub_platform *rb_pub_find_platform(const rb_pub_set *s, const char *platform)
{
    for (size_t i = 0; i < s->nplat; i++)
        if (strcmp(s->plat[i].platform, platform) == 0) return &s->plat[i];
    return NULL;
}
