/* backends/spatial/spatial_opts.c — parsing of the spatial backend's --backend-opt keys. */
#include "spatial_opts.h"

#include <stdio.h>
#include <string.h>

int sp_opts_parse(const rb_options *opt, sp_opts *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->mode = SP_INPUT_SKIP;
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
            if (strcmp(v, "skip") == 0)
                o->mode = SP_INPUT_SKIP;
            else if (strcmp(v, "full") == 0)
                o->mode = SP_INPUT_FULL;
            else {
                snprintf(err, errlen, "spatial.input: '%s' is not skip or full", v);
                return -1;
            }
        } else {
            snprintf(err, errlen, "spatial.%s: unknown option (known: arch, input)", k);
            return -1;
        }
    }
    return 0;
}

int sp_opts_load(const rb_options *opt, sp_opts *o, sp_arch *a, char *err, size_t errlen)
{
    if (sp_opts_parse(opt, o, err, errlen) != 0)
        return -1;
    return sp_arch_load(o->arch_path, a, err, errlen);
}
