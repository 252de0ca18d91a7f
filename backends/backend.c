/* backends/backend.c — small helpers behind backend.h shared by the harness and all backends. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"

const char *rb_source_name(rb_source s)
{
    switch (s) {
    case RB_SRC_MEASURED: return "measured";
    case RB_SRC_SIMULATED: return "simulated";
    case RB_SRC_MODELED: return "modeled";
    case RB_SRC_DATASHEET: return "datasheet";
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
