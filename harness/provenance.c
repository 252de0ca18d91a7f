/* harness/provenance.c — collects the provenance attributes of a run. */
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "backend.h"
#include "provenance.h"

#ifndef RB_GIT_REVISION
#define RB_GIT_REVISION "unknown"
#endif

void rb_prov_set(rb_provenance *p, const char *key, const char *fmt, ...)
{
    int i;
    for (i = 0; i < p->n; i++)
        if (strcmp(p->key[i], key) == 0)
            break;
    if (i == p->n) {
        if (p->n >= RB_PROV_MAX)
            return;
        p->n++;
        snprintf(p->key[i], RB_PROV_KEY, "%s", key);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->val[i], RB_PROV_VAL, fmt, ap);
    va_end(ap);
    for (int k = 0; k < p->n; k++) {
        p->keys[k] = p->key[k];
        p->vals[k] = p->val[k];
    }
}

void rb_iso_time(char *out, int len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, (size_t)len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void rb_provenance_slurm(rb_provenance *p)
{
    /* SLURM_* variable -> attribute (lower case); unset variables are not recorded */
    static const char *const vars[] = {"SLURM_JOB_ID",        "SLURM_JOB_NAME",      "SLURM_STEP_ID",
                                       "SLURM_CLUSTER_NAME",  "SLURM_JOB_PARTITION", "SLURM_JOB_NODELIST",
                                       "SLURM_JOB_NUM_NODES", "SLURM_NTASKS",        "SLURM_CPUS_PER_TASK",
                                       "SLURM_JOB_GPUS",      "SLURM_ARRAY_JOB_ID",  "SLURM_ARRAY_TASK_ID",
                                       "SLURM_RESTART_COUNT"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v)
            continue;
        char key[RB_PROV_KEY];
        size_t k = 0;
        for (; vars[i][k] && k + 1 < sizeof key; k++)
            key[k] = (char)(vars[i][k] >= 'A' && vars[i][k] <= 'Z' ? vars[i][k] - 'A' + 'a' : vars[i][k]);
        key[k] = '\0';
        rb_prov_set(p, key, "%s", v);
    }
}

void rb_provenance_start(rb_provenance *p, int argc, char **argv)
{
    char buf[RB_PROV_VAL];
    rb_iso_time(buf, sizeof buf);
    rb_prov_set(p, "start_time", "%s", buf);
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < argc && used < sizeof buf; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "", argv[i]);
    rb_prov_set(p, "command_line", "rnnbench %s", buf);
    rb_prov_set(p, "rnnbench_version", "%s", RB_VERSION);
    rb_prov_set(p, "git_revision", "%s", RB_GIT_REVISION);
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    rb_prov_set(p, "coordinator_host", "%s", host);
    rb_cpu_model(buf, sizeof buf);
    rb_prov_set(p, "cpu_model", "%s", buf);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    rb_prov_set(p, "cpu_count", "%ld", ncpu);
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    rb_prov_set(p, "hdf5_version", "%u.%u.%u", maj, min, rel);
    rb_provenance_slurm(p);
}
