/* harness/record.c — owns rb_record_init: the canonical "nothing known yet" state of a results row. */
#include "record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void set_source(char *dst, size_t len)
{
    /* "unavailable" is 11 characters: it fits the 12-byte *_source fields exactly. */
    snprintf(dst, len, "%s", "unavailable");
}

void rb_record_init(rb_record *r)
{
    memset(r, 0, sizeof *r); /* strings empty and NUL-padded, integers 0 */
    r->run_id = -1;          /* no run yet; rb_store_append sets it */
    r->timestamp = NAN;
    r->lat_median_ms = r->lat_min_ms = r->lat_mean_ms = r->lat_stddev_ms = NAN;
    r->lat_p5_ms = r->lat_p95_ms = r->lat_p99_ms = NAN;
    r->lat_ci95_lo_ms = r->lat_ci95_hi_ms = NAN;
    r->flops_deepbench = r->flops_full = NAN;
    r->gflops_deepbench = r->gflops_full = NAN;
    r->peak_gflops = NAN;
    r->utilisation = NAN;
    r->energy_j = NAN;
    r->power_w = NAN;
    r->area_mm2 = NAN;
    r->max_abs_err = r->max_rel_err = NAN;
    r->error_bound = NAN;
    set_source(r->latency_source, sizeof r->latency_source);
    set_source(r->peak_source, sizeof r->peak_source);
    set_source(r->energy_source, sizeof r->energy_source);
    set_source(r->power_source, sizeof r->power_source);
    set_source(r->area_source, sizeof r->area_source);
}
