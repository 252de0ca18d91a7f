/* backends/backend.c — small helpers behind backend.h shared by the harness and all backends. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "number.h"

const char *rb_source_name(rb_source s)
{
    switch (s) {
    case RB_SRC_MEASURED: return "measured";
    case RB_SRC_SIMULATED: return "simulated";
    case RB_SRC_MODELED: return "modeled";
    case RB_SRC_DATASHEET: return "datasheet";
    case RB_SRC_PUBLISHED: return "published";
    case RB_SRC_UNAVAILABLE: break;
    }
    return "unavailable";
}

const char *rb_kind_name(rb_kind k)
{
    switch (k) {
    case RB_MEASURED: return "measured";
    case RB_SIMULATED: return "simulated";
    case RB_MODELED: return "modeled";
    }
    return "unknown";
}

int rb_fail(rb_status *st, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->msg, sizeof st->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *rb_opt_get(const rb_options *o, const char *key)
{
    if (!o)
        return NULL;
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->key[i], key) == 0)
            return o->val[i];
    return NULL;
}

void rb_metrics_init(rb_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->latency_ms = m->energy_j = m->power_w = m->area_mm2 = m->peak_gflops = NAN;
    m->latency_source = m->energy_source = m->power_source = m->area_source = m->peak_source =
        RB_SRC_UNAVAILABLE;
}

int rb_metrics_extra(rb_metrics *m, const char *key, const char *fmt, ...)
{
    if (m->n_extras >= RB_EXTRA_MAX)
        return -1;
    snprintf(m->extra_key[m->n_extras], RB_EXTRA_KEY_MAX, "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->extra_val[m->n_extras], RB_EXTRA_VAL_MAX, fmt, ap);
    va_end(ap);
    m->n_extras++;
    return 0;
}

void rb_cpu_model(char *out, size_t len)
{
    snprintf(out, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            colon += strspn(colon + 1, " ") + 1;
            colon[strcspn(colon, "\n")] = 0;
            snprintf(out, len, "%s", colon);
            break;
        }
    }
    fclose(f);
}

double rb_backend_error_bound(const rb_backend *b, const rb_problem *p, const rb_options *opt)
{
    return b->error_bound ? b->error_bound(p, opt) : RB_FP32_REL_ERR_BOUND;
}

/* Is v one of the '|'-separated words of list? */
static int in_word_list(const char *v, const char *list)
{
    size_t n = strlen(v);
    for (const char *w = list; w && *w;) {
        size_t len = strcspn(w, "|");
        if (len == n && strncmp(w, v, n) == 0)
            return 1;
        w += len + (w[len] == '|');
    }
    return 0;
}

/* Strict decimal number (workloads/number.h, the parser the command line and workload files use too). */
static int parse_decimal(const char *v, int integer, double *out)
{
    if (!integer)
        return rb_number_real(v, -HUGE_VAL, HUGE_VAL, out) == RB_NUM_OK ? 0 : -1;
    long long x = 0;
    if (rb_number_int(v, LLONG_MIN, LLONG_MAX, &x) != RB_NUM_OK)
        return -1;
    *out = (double)x;
    return 0;
}

/* Is x within "MIN..MAX" (either end may be empty)? */
static int in_range(double x, const char *range)
{
    if (!range)
        return 1;
    const char *dots = strstr(range, "..");
    if (!dots)
        return 1;
    char *end = NULL;
    if (dots != range) {
        double lo = strtod(range, &end);
        if (x < lo)
            return 0;
    }
    if (dots[2]) {
        double hi = strtod(dots + 2, &end);
        if (x > hi)
            return 0;
    }
    return 1;
}

/* check_options rejected opt with reason inner: name the option that is rejected on its own (the usual case: an
 * architecture file that does not load) as "--backend-opt NAME.KEY=VALUE: why (allowed: ...)"; a combination that
 * is rejected only as a whole is reported as "--backend-opt NAME: why". */
static int blame_option(const rb_backend *b, const rb_options *opt, const rb_status *inner, rb_status *why)
{
    const char *reason = inner->msg[0] ? inner->msg : "rejected by the backend";
    for (int i = 0; opt && i < opt->n; i++) {
        rb_options one;
        memset(&one, 0, sizeof one);
        one.n = 1;
        memcpy(one.key[0], opt->key[i], sizeof one.key[0]);
        memcpy(one.val[0], opt->val[i], sizeof one.val[0]);
        rb_status alone = {{0}};
        if (b->check_options(&one, &alone) == 0)
            continue;
        const char *allowed = NULL;
        for (const rb_option_spec *s = b->options; s && s->key; s++)
            if (strcmp(s->key, opt->key[i]) == 0)
                allowed = s->allowed;
        return rb_fail(why, "--backend-opt %s.%s=%s: %s%s%s%s", b->name, opt->key[i], opt->val[i],
                       alone.msg[0] ? alone.msg : reason, allowed ? " (allowed: " : "", allowed ? allowed : "",
                       allowed ? ")" : "");
    }
    return rb_fail(why, "--backend-opt %s: %s", b->name, reason);
}

int rb_options_check(const rb_backend *b, const rb_options *opt, rb_status *why)
{
    for (int i = 0; opt && i < opt->n; i++) {
        const char *k = opt->key[i], *v = opt->val[i];
        const rb_option_spec *spec = NULL;
        for (const rb_option_spec *s = b->options; s && s->key; s++)
            if (strcmp(s->key, k) == 0)
                spec = s;
        if (!spec) {
            char known[RB_MSG_MAX / 2] = "";
            for (const rb_option_spec *s = b->options; s && s->key; s++) {
                strncat(known, s == b->options ? "" : ", ", sizeof known - strlen(known) - 1);
                strncat(known, s->key, sizeof known - strlen(known) - 1);
            }
            return rb_fail(why, "--backend-opt %s.%s=%s: unknown option (%s%s)", b->name, k, v,
                           known[0] ? "known: " : "this backend takes no options", known);
        }
        double x = 0;
        int bad = 0;
        switch (spec->type) {
        case RB_OPT_ENUM: bad = !in_word_list(v, spec->allowed); break;
        case RB_OPT_INT: bad = parse_decimal(v, 1, &x) != 0 || !in_range(x, spec->allowed); break;
        case RB_OPT_REAL: bad = parse_decimal(v, 0, &x) != 0 || !in_range(x, spec->allowed); break;
        case RB_OPT_TEXT: bad = !*v; break;
        }
        if (bad)
            return rb_fail(why, "--backend-opt %s.%s=%s: not a valid value (allowed: %s)", b->name, k, v,
                           spec->allowed ? spec->allowed
                           : spec->type == RB_OPT_INT ? "an integer"
                           : spec->type == RB_OPT_REAL ? "a number"
                                                       : "a non-empty value");
    }
    if (b->check_options) {
        rb_status inner = {{0}};
        if (b->check_options(opt, &inner) != 0)
            return blame_option(b, opt, &inner, why);
    }
    return 0;
}
