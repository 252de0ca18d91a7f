/* backends/cpu_blas/rapl.c — reads /sys/class/powercap/intel-rapl:N/energy_uj (package domains). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "rapl.h"

static int read_double(const char *path, double *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = fscanf(f, "%lf", v) == 1;
    fclose(f);
    return ok ? 0 : -1;
}

int rb_rapl_read(double *joules, double *range_joules, char *why, size_t whylen)
{
    double sum = 0, range = 0;
    int found = 0;
    for (int pkg = 0; pkg < 16; pkg++) {
        char path[128];
        double uj, max_uj = 0;
        snprintf(path, sizeof path, "/sys/class/powercap/intel-rapl:%d/energy_uj", pkg);
        if (read_double(path, &uj) != 0) {
            if (errno == EACCES) {
                snprintf(why, whylen, "%s: permission denied", path);
                return -1;
            }
            continue;
        }
        snprintf(path, sizeof path, "/sys/class/powercap/intel-rapl:%d/max_energy_range_uj", pkg);
        if (read_double(path, &max_uj) == 0 && (range == 0 || max_uj * 1e-6 < range))
            range = max_uj * 1e-6;
        sum += uj * 1e-6;
        found++;
    }
    if (!found) {
        snprintf(why, whylen, "no RAPL package counters under /sys/class/powercap (not exposed on this machine)");
        return -1;
    }
    *joules = sum;
    *range_joules = range;
    return 0;
}
