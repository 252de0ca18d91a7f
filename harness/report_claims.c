/* harness/report_claims.c — loads a claims file for `report --paper` (results/published/README.md, "Claims
 * files"): what a paper claims, one claim a line, checked strictly ("FILE:LINE: field: why"). */
#include "report_model.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"

static const char *const COLUMNS[] = {"claim", "metric", "subject", "versus", "value", "unit",
                                      "batch", "scope", "citation", "note", NULL};
static const char *const METRICS = "per_task|speedup_geomean|area_ratio|power_ratio_tdp|power_ratio_peak|"
                                   "perf_per_w_geomean|max_latency_ms|max_power_w";

__attribute__((format(printf, 5, 6))) static int fail(char *err, size_t errlen, const rb_csv *c, const char *field,
                                                      const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s:%d: %s: %s", c->path, c->line, field, why);
    return -1;
}

static int word_in(const char *s, const char *allowed)
{
    size_t n = strlen(s);
    for (const char *p = allowed; *p;) {
        const char *bar = strchr(p, '|');
        size_t w = bar ? (size_t)(bar - p) : strlen(p);
        if (n && w == n && strncmp(p, s, n) == 0) return 1;
        p += w + (bar ? 1 : 0);
    }
    return 0;
}

static int copy(char *err, size_t errlen, const rb_csv *c, const char *field, int required, char *out, size_t len)
{
    const char *s = rb_csv_field(c, rb_csv_column(c, field));
    if (required && !s[0]) return fail(err, errlen, c, field, "empty value");
    if (strlen(s) >= len) return fail(err, errlen, c, field, "too long (at most %zu characters)", len - 1);
    snprintf(out, len, "%s", s);
    return 0;
}

/* Metrics that compare the subject with another platform. */
static int needs_versus(const char *metric)
{
    return word_in(metric, "speedup_geomean|area_ratio|power_ratio_tdp|power_ratio_peak|perf_per_w_geomean");
}

static int read_claim(const rb_csv *c, rb_claim *k, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    if (copy(err, errlen, c, "claim", 1, k->id, sizeof k->id) ||
        copy(err, errlen, c, "metric", 1, k->metric, sizeof k->metric) ||
        copy(err, errlen, c, "subject", 1, k->subject, sizeof k->subject) ||
        copy(err, errlen, c, "versus", 0, k->versus, sizeof k->versus) ||
        copy(err, errlen, c, "unit", 0, k->unit, sizeof k->unit) ||
        copy(err, errlen, c, "scope", 0, k->scope, sizeof k->scope) ||
        copy(err, errlen, c, "citation", 1, k->citation, sizeof k->citation) ||
        copy(err, errlen, c, "note", 0, k->note, sizeof k->note))
        return -1;
    if (!word_in(k->metric, METRICS)) return fail(err, errlen, c, "metric", "'%s' is not one of %s", k->metric, METRICS);
    if (needs_versus(k->metric) && !k->versus[0])
        return fail(err, errlen, c, "versus", "metric %s compares two platforms: versus is required", k->metric);
    if (!needs_versus(k->metric) && k->versus[0])
        return fail(err, errlen, c, "versus", "metric %s is about the subject alone: leave versus empty", k->metric);
    if (!k->scope[0]) snprintf(k->scope, sizeof k->scope, "paper_tasks");
    if (!word_in(k->scope, "paper_tasks|all"))
        return fail(err, errlen, c, "scope", "'%s' is not one of paper_tasks|all", k->scope);
    const char *v = rb_csv_field(c, rb_csv_column(c, "value"));
    k->value = NAN;
    if (v[0]) {
        char *end;
        int digits_only = 1;
        for (const char *p = v; *p; p++)
            if (!isdigit((unsigned char)*p) && *p != '.') digits_only = 0;
        k->value = strtod(v, &end);
        if (!digits_only || *end || !isfinite(k->value) || !(k->value > 0))
            return fail(err, errlen, c, "value", "'%.40s' is not a positive decimal number", v);
    }
    if (strcmp(k->metric, "per_task") == 0 && v[0])
        return fail(err, errlen, c, "value", "a per_task line states no value");
    const char *b = rb_csv_field(c, rb_csv_column(c, "batch"));
    long batch = 0;
    for (const char *p = b; *p; p++) {
        if (!isdigit((unsigned char)*p) || batch > 1000000)
            return fail(err, errlen, c, "batch", "'%.40s' is not a positive integer", b);
        batch = batch * 10 + (*p - '0');
    }
    if (b[0] && batch == 0) return fail(err, errlen, c, "batch", "must be at least 1");
    k->batch = (int)batch;
    return 0;
}

int rb_claims_load(const char *path, rb_claim **claims, size_t *n, char *err, size_t errlen)
{
    *claims = NULL;
    *n = 0;
    rb_csv c;
    if (rb_csv_open(&c, path, err, errlen) != 0) return -1;
    int rc = 0;
    for (int i = 0; i < c.ncols && rc == 0; i++) {
        int known = 0;
        for (const char *const *k = COLUMNS; *k; k++) known |= strcmp(*k, c.names[i]) == 0;
        if (!known) rc = fail(err, errlen, &c, "header", "unknown column '%s' for a claims file", c.names[i]);
    }
    for (const char *const *k = COLUMNS; *k && rc == 0; k++)
        if (rb_csv_column(&c, *k) < 0) rc = fail(err, errlen, &c, "header", "missing column '%s'", *k);
    size_t cap = 0, count = 0;
    rb_claim *out = NULL;
    int r;
    while (rc == 0 && (r = rb_csv_next(&c, err, errlen)) != 0) {
        if (r < 0) {
            rc = -1;
            break;
        }
        if (count == cap) {
            cap = cap ? 2 * cap : 16;
            rb_claim *g = realloc(out, cap * sizeof *g);
            if (!g) {
                rc = fail(err, errlen, &c, "line", "out of memory");
                break;
            }
            out = g;
        }
        rc = read_claim(&c, &out[count], err, errlen);
        for (size_t i = 0; rc == 0 && i < count; i++)
            if (strcmp(out[i].id, out[count].id) == 0)
                rc = fail(err, errlen, &c, "claim", "'%s' is given twice", out[count].id);
        if (rc == 0) count++;
    }
    rb_csv_close(&c);
    if (rc != 0) {
        free(out);
        return -1;
    }
    *claims = out;
    *n = count;
    return 0;
}
