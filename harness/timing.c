/* harness/timing.c — owns the clocks (monotonic for measuring, realtime for provenance) and the policy that
 * decides how many timed repetitions a measured job gets (counts, times and the CI target). */
#include "timing.h"

#include <math.h>
#include <time.h>
#include "stats.h"

static double read_clock(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double rb_now(void)
{
    return read_clock(CLOCK_MONOTONIC);
}

double rb_wall_time(void)
{
    return read_clock(CLOCK_REALTIME);
}

void rb_timing_policy_default(rb_timing_policy *p)
{
    p->warmup = 1;
    p->min_reps = 5;
    p->min_time_s = 0.2;
    p->max_reps = 100000;
    p->max_time_s = 60.0;
    p->target_ci_pct = 5.0;
}

int rb_timing_need_more(const rb_timing_policy *p, size_t n, double elapsed)
{
    size_t min_reps = p->min_reps < 1 ? 1 : (size_t)p->min_reps;
    if (n < min_reps)
        return 1; /* the minimum count always wins */
    if (p->max_reps > 0 && n >= (size_t)p->max_reps)
        return 0;
    if (p->max_time_s > 0.0 && elapsed >= p->max_time_s)
        return 0;
    return elapsed < p->min_time_s;
}

void rb_timing_state_init(rb_timing_state *s)
{
    s->next_check = 0;
    s->halfwidth_pct = NAN;
    s->met = 0;
}

int rb_timing_continue(const rb_timing_policy *p, rb_timing_state *s, const double *x, size_t n, double elapsed)
{
    size_t min_reps = p->min_reps < 1 ? 1 : (size_t)p->min_reps;
    if (n < min_reps)
        return 1; /* the minimum count always wins */
    if (p->max_reps > 0 && n >= (size_t)p->max_reps)
        return 0;
    if (p->max_time_s > 0.0 && elapsed >= p->max_time_s)
        return 0;
    if (elapsed < p->min_time_s)
        return 1;
    if (!(p->target_ci_pct > 0.0))
        return 0;
    if (n < RB_CI_MIN_SAMPLES)
        return 1;
    if (n >= s->next_check) {
        rb_stats st;
        rb_stats_compute(x, n, &st);
        s->halfwidth_pct = rb_stats_ci_halfwidth_pct(&st);
        /* a CI that cannot be formed (median <= 0) is not worth waiting for */
        s->met = isnan(s->halfwidth_pct) || s->halfwidth_pct <= p->target_ci_pct;
        s->next_check = n + (n / 8 > 1 ? n / 8 : 1);
    }
    return !s->met;
}
