/* backends/cublas/gpu_options.c — strict parsing of the GPU backends' --backend-opt values, and their problem shape
 * check. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "gpu_common.h"

int rb_gpu_opt_check(const rb_options *o, const char *const *allowed, rb_status *st)
{
    if (!o)
        return 0;
    for (int i = 0; i < o->n; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(o->key[i], *a) == 0)
                ok = 1;
        if (!ok)
            return rb_fail(st, "unknown option '%s'", o->key[i]);
    }
    return 0;
}

int rb_gpu_opt_choice(const rb_options *o, const char *key, const char *const *choices, int def, int *idx,
                      rb_status *st)
{
    const char *v = rb_opt_get(o, key);
    *idx = def;
    if (!v)
        return 0;
    for (int i = 0; choices[i]; i++)
        if (strcmp(v, choices[i]) == 0) {
            *idx = i;
            return 0;
        }
    char list[RB_MSG_MAX / 2] = "";
    for (int i = 0; choices[i]; i++) {
        strncat(list, i ? "|" : "", sizeof list - strlen(list) - 1);
        strncat(list, choices[i], sizeof list - strlen(list) - 1);
    }
    return rb_fail(st, "option %s=%s: expected %s", key, v, list);
}

int rb_gpu_opt_device(const rb_options *o, int *dev, rb_status *st)
{
    const char *v = rb_opt_get(o, "device");
    *dev = 0;
    if (!v)
        return 0;
    char *end = NULL;
    errno = 0;
    long d = strtol(v, &end, 10);
    if (errno || end == v || *end || d < 0 || d > 1023)
        return rb_fail(st, "option device=%s: expected a CUDA device index", v);
    *dev = (int)d;
    return 0;
}

const char *const rb_gpu_prec_names[] = {"fp32", "tf32", "fp16", NULL}; /* indices = rb_gpu_prec */

int rb_gpu_opt_common(const rb_options *o, const char *const *allowed, int *prec, rb_status *st)
{
    if (rb_gpu_opt_check(o, allowed, st) || rb_gpu_opt_choice(o, "precision", rb_gpu_prec_names, 0, prec, st))
        return -1;
    return 0;
}

int rb_gpu_check_shape(const rb_problem *p, rb_status *st)
{
    if (p->hidden <= 0 || p->input <= 0 || p->batch <= 0 || p->timesteps <= 0)
        return rb_fail(st, "invalid problem shape");
    return 0;
}
