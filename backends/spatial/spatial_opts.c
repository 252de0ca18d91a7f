/* backends/spatial/spatial_opts.c — parsing of the spatial backend's --backend-opt keys and the planning step
 * (search, the paper's point or a pinned one). */
#include "spatial_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "HU,RU[,RV]" with positive decimal integers. */
static int parse_pin(const char *v, sp_factors *f)
{
    long x[3] = { 0, 0, 64 };
    int n = 0;
    const char *p = v;
    while (*p && n < 3) {
        if (*p < '0' || *p > '9')
            return -1;
        char *end;
        errno = 0;
        x[n] = strtol(p, &end, 10);
        if (errno || x[n] < 1 || x[n] > 1000000)
            return -1;
        n++;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    if (*p || n < 2 || p[-1] == ',')
        return -1;
    f->hu = (int)x[0], f->ru = (int)x[1], f->rv = (int)x[2];
    return 0;
}

int sp_opts_parse(const rb_options *opt, sp_opts *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->mode = SP_INPUT_FULL;
    o->cap = SP_CAP_ONCHIP;
    o->map = SP_MAP_SEARCH;
    o->num = SP_NUM_FP8;
    o->fp8 = &SP_FP8_E4M3;
    int fp8_given = 0;
    sp_arch_resolve(NULL, o->arch_path, sizeof o->arch_path);
    for (int i = 0; opt && i < opt->n; i++) {
        const char *k = opt->key[i], *v = opt->val[i];
        if (strcmp(k, "arch") == 0) {
            if (!*v) {
                snprintf(err, errlen, "spatial.arch: empty value");
                return -1;
            }
            sp_arch_resolve(v, o->arch_path, sizeof o->arch_path);
        } else if (strcmp(k, "input") == 0) {
            if (strcmp(v, "full") == 0)
                o->mode = SP_INPUT_FULL;
            else if (strcmp(v, "skip") == 0)
                o->mode = SP_INPUT_SKIP;
            else
                return snprintf(err, errlen, "spatial.input: '%s' is not full or skip", v), -1;
        } else if (strcmp(k, "capacity") == 0) {
            if (strcmp(v, "onchip") == 0)
                o->cap = SP_CAP_ONCHIP;
            else if (strcmp(v, "stream") == 0)
                o->cap = SP_CAP_STREAM;
            else
                return snprintf(err, errlen, "spatial.capacity: '%s' is not onchip or stream", v), -1;
        } else if (strcmp(k, "mapping") == 0) {
            if (strcmp(v, "search") == 0)
                o->map = SP_MAP_SEARCH;
            else if (strcmp(v, "paper") == 0)
                o->map = SP_MAP_PAPER;
            else if (parse_pin(v, &o->pin) == 0)
                o->map = SP_MAP_PIN;
            else
                return snprintf(err, errlen, "spatial.mapping: '%s' is not search, paper or HU,RU[,RV] (positive "
                                             "integers)", v), -1;
        } else if (strcmp(k, "numerics") == 0) {
            if (strcmp(v, "fp8") == 0)
                o->num = SP_NUM_FP8;
            else if (strcmp(v, "int8") == 0)
                o->num = SP_NUM_INT8;
            else
                return snprintf(err, errlen, "spatial.numerics: '%s' is not fp8 or int8", v), -1;
        } else if (strcmp(k, "fp8") == 0) {
            fp8_given = 1;
            if (strcmp(v, "e4m3") == 0)
                o->fp8 = &SP_FP8_E4M3;
            else if (strcmp(v, "e5m2") == 0)
                o->fp8 = &SP_FP8_E5M2;
            else
                return snprintf(err, errlen, "spatial.fp8: '%s' is not e4m3 or e5m2", v), -1;
        } else {
            snprintf(err, errlen, "spatial.%s: unknown option (known: arch, input, mapping, capacity, numerics, fp8)",
                     k);
            return -1;
        }
    }
    if (fp8_given && o->num != SP_NUM_FP8) {
        snprintf(err, errlen, "spatial.fp8: only applies to numerics=fp8");
        return -1;
    }
    return 0;
}

int sp_opts_load(const rb_options *opt, sp_opts *o, sp_arch *a, char *err, size_t errlen)
{
    if (sp_opts_parse(opt, o, err, errlen) != 0)
        return -1;
    if (sp_arch_load(o->arch_path, a, err, errlen) != 0)
        return -1;
    if (o->map == SP_MAP_PIN) {
        int vec = sp_arch_vec_elems(a);
        if (o->pin.rv > vec || (o->pin.rv & (o->pin.rv - 1))) {
            snprintf(err, errlen, "spatial.mapping: rv=%d is not a power of two <= %d on %s", o->pin.rv, vec,
                     a->name);
            return -1;
        }
    }
    return 0;
}

void sp_numerics_name(const sp_opts *o, const sp_arch *a, char *out, size_t len)
{
    const char *num = o->num == SP_NUM_INT8 ? "int8" : o->fp8 == &SP_FP8_E5M2 ? "fp8-e5m2" : "fp8-e4m3";
    snprintf(out, len, "%s/%s/lut%d[%g,%g)", num, sp_input_mode_name(o->mode), a->lut_entries, a->lut_min,
             a->lut_max);
}

int sp_plan(const sp_opts *o, const sp_arch *a, const rb_problem *p, sp_dse_result *r, int keep_candidates,
            int *paper_suspect, char *err, size_t errlen)
{
    sp_shape s;
    sp_shape_from_problem(&s, p, o->mode, o->cap);
    *paper_suspect = 0;
    switch (o->map) {
    case SP_MAP_PIN:
        return sp_dse_fixed(a, &s, o->pin, r, err, errlen);
    case SP_MAP_PAPER: {
        sp_factors f;
        if (sp_paper_point(p->cell, p->hidden, &f, paper_suspect) != 0) {
            snprintf(err, errlen, "mapping=paper: the paper's Table 7 gives no point for %s H=%d",
                     rb_cell_name(p->cell), p->hidden);
            return -1;
        }
        return sp_dse_fixed(a, &s, f, r, err, errlen);
    }
    case SP_MAP_SEARCH:
    default:
        return sp_dse(a, &s, keep_candidates, r, err, errlen);
    }
}
