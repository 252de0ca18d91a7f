/* harness/progress.c — the progress display: the live line on a terminal, log lines elsewhere (see progress.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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

double rb_progress_log_interval(double interval_s, double elapsed)
{
    double base = interval_s > 0 ? interval_s : RB_PROGRESS_LOG_S;
    double stretched = elapsed / 10.0;
    if (stretched > RB_PROGRESS_LOG_MAX_S)
        stretched = RB_PROGRESS_LOG_MAX_S;
    return stretched > base ? stretched : base;
}

/* Appends printf output at *used, never past len. */
#define APPEND(out, len, used, ...)                                                                                \
    do {                                                                                                           \
        if (*(used) < (len)) {                                                                                     \
            int w_ = snprintf((out) + *(used), (len) - *(used), __VA_ARGS__);                                      \
            *(used) += w_ > 0 ? (size_t)w_ : 0;                                                                    \
        }                                                                                                          \
    } while (0)

static void format_in_flight(const rb_progress_counts *c, int per_rank, char *out, size_t len, size_t *used)
{
    size_t flying = 0;
    int busy = 0, most = 0;
    for (int r = 0; c->in_flight && r < c->nranks; r++) {
        flying += (size_t)c->in_flight[r];
        busy += c->in_flight[r] > 0;
        most = c->in_flight[r] > most ? c->in_flight[r] : most;
    }
    APPEND(out, len, used, ", %zu in flight", flying);
    if (!per_rank || !c->in_flight || c->nranks < 2)
        return;
    if (c->nranks <= RB_PROGRESS_RANKS_LISTED) {
        APPEND(out, len, used, " (per rank:");
        for (int r = 0; r < c->nranks; r++)
            APPEND(out, len, used, " %d", c->in_flight[r]);
        APPEND(out, len, used, ")");
    } else {
        APPEND(out, len, used, " (on %d of %d ranks, at most %d on one)", busy, c->nranks, most);
    }
}

void rb_progress_format(const rb_progress_counts *c, size_t total, double elapsed, int per_rank, char *out,
                        size_t len)
{
    size_t used = 0;
    char ela[32], eta[32] = "?";
    rb_format_duration(elapsed, ela, sizeof ela);
    double rate = elapsed > 0 ? (double)c->done / elapsed : 0.0;
    if (c->done >= total)
        snprintf(eta, sizeof eta, "0s");
    else if (rate > 0)
        rb_format_duration((double)(total - c->done) / rate, eta, sizeof eta);
    out[0] = 0;
    APPEND(out, len, &used, "[rnnbench] %zu/%zu done (%zu ok, %zu failed, %zu unavailable), ", c->done, total, c->ok,
           c->failed, c->unavailable);
    APPEND(out, len, &used, "elapsed %s, ETA %s, ", ela, eta);
    if (rate >= 1.0 || rate == 0.0)
        APPEND(out, len, &used, "%.3g jobs/s", rate);
    else
        APPEND(out, len, &used, "%.3g jobs/min", rate * 60.0);
    format_in_flight(c, per_rank, out, len, &used);
}

void rb_progress_start(rb_progress *p, int enabled, int live, double interval_s, size_t total)
{
    p->enabled = enabled;
    p->live = live;
    p->interval_s = interval_s > 0 ? interval_s : RB_PROGRESS_LOG_S;
    p->total = total;
    p->start = rb_now();
    p->last_draw = p->start; /* log mode: the first line after one interval */
    p->drawn = 0;
    p->lines = 0;
}

void rb_progress_update(rb_progress *p, const rb_progress_counts *c, int force)
{
    if (!p->enabled)
        return;
    double now = rb_now(), el = now - p->start;
    double gap = p->live ? RB_PROGRESS_LIVE_S : rb_progress_log_interval(p->interval_s, el);
    if (!force && now - p->last_draw < gap && (!p->live || p->drawn))
        return;
    p->last_draw = now;
    char line[512];
    rb_progress_format(c, p->total, el, !p->live, line, sizeof line);
    if (p->live) {
        /* cut to the terminal's width (a wrapped line cannot be redrawn with \r) and blank the rest */
        struct winsize ws;
        size_t width = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? (size_t)ws.ws_col - 1 : 0;
        size_t n = strlen(line);
        if (width && n > width)
            line[n = width] = 0;
        fprintf(stderr, "\r%s%*s", line, width > n ? (int)(width - n) : 3, "");
    } else {
        fprintf(stderr, "%s\n", line);
        p->lines++;
    }
    fflush(stderr);
    p->drawn = 1;
}

void rb_progress_finish(rb_progress *p, const rb_progress_counts *c)
{
    if (!p->enabled)
        return;
    rb_progress_update(p, c, 1);
    if (p->live) {
        fputc('\n', stderr);
        fflush(stderr);
    }
}
