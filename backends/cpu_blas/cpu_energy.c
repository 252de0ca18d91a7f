/* backends/cpu_blas/cpu_energy.c — the RAPL energy window of the CPU backends. */
#include <stdlib.h>
#include <time.h>
#include "cpu_energy.h"
#include "rapl.h"

void rb_cpu_energy_window(const rb_backend *b, void *state, const rb_problem *p, const float *x, rb_metrics *m)
{
    char why[160];
    double e0, e1, range;
    float *y = malloc(rb_output_len(p) * sizeof(float));
    if (!y || rb_rapl_read(&e0, &range, why, sizeof why) != 0) {
        rb_metrics_extra(m, "energy_note", "%s", y ? why : "out of memory");
        free(y);
        return;
    }
    struct timespec a, t;
    clock_gettime(CLOCK_MONOTONIC, &a);
    double elapsed = 0;
    long n = 0;
    rb_status st = {{0}};
    while (elapsed < 1.0) {
        if (b->run(state, x, y, NULL, &st) != 0) {
            rb_metrics_extra(m, "energy_note", "run failed in the energy window: %s", st.msg);
            free(y);
            return;
        }
        n++;
        clock_gettime(CLOCK_MONOTONIC, &t);
        elapsed = (double)(t.tv_sec - a.tv_sec) + 1e-9 * (double)(t.tv_nsec - a.tv_nsec);
    }
    free(y);
    if (rb_rapl_read(&e1, &range, why, sizeof why) != 0) {
        rb_metrics_extra(m, "energy_note", "%s", why);
        return;
    }
    double de = e1 - e0;
    if (de < 0 && range > 0)
        de += range;
    m->energy_j = de / (double)n;
    m->energy_source = RB_SRC_MEASURED;
    m->power_w = de / elapsed;
    m->power_source = RB_SRC_MEASURED;
    rb_metrics_extra(m, "energy_window_s", "%.3f", elapsed);
    rb_metrics_extra(m, "energy_scope", "RAPL package domains (whole socket)");
}
