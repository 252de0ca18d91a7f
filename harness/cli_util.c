/* harness/cli_util.c — strict flag parsing and problem loading shared by the subcommands. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "number.h"

/* (the strict decimal grammar of workloads/number.h: no blanks, '+', hex, inf/nan; unsigned: no '-') */
int rb_parse_int(const char *s, long lo, long hi, long *out)
{
    long long v = 0;
    if (rb_number_int(s, lo, hi, &v) != RB_NUM_OK)
        return -1;
    *out = (long)v;
    return 0;
}

int rb_parse_double(const char *s, double lo, double hi, double *out)
{
    return rb_number_real(s, lo, hi, out) == RB_NUM_OK ? 0 : -1;
}

int rb_parse_u64(const char *s, uint64_t *out)
{
    unsigned long long v = 0;
    if (rb_number_uint(s, UINT64_MAX, &v) != RB_NUM_OK)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int rb_parse_backend_opt(const char *arg, char *backend, size_t blen, char *key, size_t klen, char *val,
                         size_t vlen, char *err, size_t errlen)
{
    const char *dot = strchr(arg, '.');
    const char *eq = strchr(arg, '=');
    if (!dot || !eq || dot > eq || dot == arg || eq == dot + 1) {
        snprintf(err, errlen, "--backend-opt '%s': expected BACKEND.KEY=VALUE", arg);
        return -1;
    }
    size_t bl = (size_t)(dot - arg), kl = (size_t)(eq - dot - 1), vl = strlen(eq + 1);
    if (bl >= blen || kl >= klen || vl >= vlen) {
        snprintf(err, errlen, "--backend-opt '%s': name, key or value too long", arg);
        return -1;
    }
    if (vl == 0) {
        snprintf(err, errlen, "--backend-opt '%s': empty value", arg);
        return -1;
    }
    if (strpbrk(eq + 1, ",;|")) {
        snprintf(err, errlen, "--backend-opt '%s': value must not contain ',' ';' or '|'", arg);
        return -1;
    }
    memcpy(backend, arg, bl);
    backend[bl] = 0;
    memcpy(key, dot + 1, kl);
    key[kl] = 0;
    memcpy(val, eq + 1, vl + 1);
    return 0;
}

int rb_options_add(rb_options *o, const char *backend, const char *key, const char *val, char *err,
                   size_t errlen)
{
    if (rb_opt_get(o, key) || o->n >= RB_OPT_MAX) {
        snprintf(err, errlen, "--backend-opt %s.%s: given twice or too many options", backend, key);
        return -1;
    }
    snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", key);
    snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%s", val);
    o->n++;
    return 0;
}

int rb_load_problems(const char *suite, const char *file, const char *suite_default, rb_problem **out, size_t *n,
                     char *err, size_t errlen)
{
    if (suite && file) {
        snprintf(err, errlen, "give either --suite or --workloads, not both");
        return -1;
    }
    if (file)
        return rb_workload_parse_file(file, out, n, err, errlen);
    const char *name = suite ? suite : suite_default;
    if (rb_suite_get(name, out, n) != 0) {
        size_t used = (size_t)snprintf(err, errlen, "--suite '%s': unknown suite (known:", name);
        for (const char *const *s = rb_suite_names(); *s && used < errlen; s++)
            used += (size_t)snprintf(err + used, errlen - used, " %s", *s);
        if (used < errlen)
            snprintf(err + used, errlen - used, ")");
        return -1;
    }
    return 0;
}
