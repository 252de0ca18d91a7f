/* harness/timing.c — owns the clocks (monotonic for measuring, realtime for provenance) and the policy that
 * decides how many timed repetitions a measured job gets. */
#include "timing.h"

#include <time.h>

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
