/* harness/progress.c — the progress line: done/total, failed, running, elapsed and ETA (see progress.h). */
#include <math.h>
#include <stdio.h>
#include "progress.h"
#include "timing.h"

void rb_format_duration(double s, char *out, size_t len)
{
    if (!(s >= 0) || isinf(s)) {
        snprintf(out, len, "?");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, len, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else if (t >= 60)
        snprintf(out, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, len, "%lds", t);
}

void rb_progress_start(rb_progress *p, int enabled, size_t total)
{
    p->enabled = enabled;
    p->total = total;
    p->start = rb_now();
    p->last_draw = -1.0;
    p->drawn = 0;
}

void rb_progress_update(rb_progress *p, size_t done, size_t failed, size_t running, int force)
{
    if (!p->enabled)
        return;
    double now = rb_now();
    if (!force && p->last_draw >= 0 && now - p->last_draw < 0.25)
        return;
    p->last_draw = now;
    double el = now - p->start;
    char eta[32] = "?", ela[32];
    if (done > 0 && p->total >= done)
        rb_format_duration(el / (double)done * (double)(p->total - done), eta, sizeof eta);
    rb_format_duration(el, ela, sizeof ela);
    fprintf(stderr, "\r[rnnbench] %zu/%zu done, %zu failed, %zu in flight, elapsed %s, ETA %s   ", done, p->total,
            failed, running, ela, eta);
    fflush(stderr);
    p->drawn = 1;
}

void rb_progress_finish(rb_progress *p, size_t done, size_t failed)
{
    if (!p->enabled)
        return;
    rb_progress_update(p, done, failed, 0, 1);
    fputc('\n', stderr);
    fflush(stderr);
}
