/* harness/timing.h — monotonic clock and the measurement loop policy. */
#ifndef RB_TIMING_H
#define RB_TIMING_H

#include <stddef.h>

/* Seconds from CLOCK_MONOTONIC. */
double rb_now(void);
/* Seconds since the Unix epoch (CLOCK_REALTIME), for provenance. */
double rb_wall_time(void);

typedef struct rb_timing_policy {
    int warmup;         /* untimed runs first (>= 0) */
    int min_reps;       /* at least this many timed runs (>= 1) */
    double min_time_s;  /* and at least this much timed time */
    int max_reps;       /* hard cap on samples kept (>= min_reps) */
    double max_time_s;  /* stop adding reps beyond min_reps after this much time (0 = no cap) */
    double target_ci_pct; /* past min_reps and min_time, keep repeating (within max_time/max_reps) until the 95% CI of
                             the median is within +-this % of the median (rb_stats_ci_halfwidth_pct); 0 = off */
} rb_timing_policy;

/* Default policy: warmup 1, reps 5, min-time 0.2 s, max_reps 100000, max_time 60 s, target CI 5 %. */
void rb_timing_policy_default(rb_timing_policy *p);

/* 1 if another repetition is needed given n samples taken in `elapsed` seconds, by count and time alone (the
 * minimum count, max_reps, max_time, min_time; not the CI target). */
int rb_timing_need_more(const rb_timing_policy *p, size_t n, double elapsed);

/* Fewest samples whose [min, max] covers the median with >= 95 %: 1 - 2 / 2^6 = 96.9 % (5 give only 93.8 %). A CI
 * target is not met with fewer. */
#define RB_CI_MIN_SAMPLES 6

/* The measurement loop's state for the CI target. */
typedef struct rb_timing_state {
    size_t next_check;    /* the CI is computed again once this many samples exist */
    double halfwidth_pct; /* at the last check (NaN before the first) */
    int met;              /* the last check met the target */
} rb_timing_state;

void rb_timing_state_init(rb_timing_state *s);

/* The stopping rule: 1 if another repetition is needed given the samples x[0..n) taken in `elapsed` seconds. The
 * minimum count always wins; then max_reps and max_time stop; then min_time continues; then, with a CI target, it
 * continues until there are RB_CI_MIN_SAMPLES samples and the CI half-width of x is within target_ci_pct (computed when n has grown by an eighth since the
 * last check, so the loop costs O(n log n) overall). Pure: no clock, testable with synthetic samples. */
int rb_timing_continue(const rb_timing_policy *p, rb_timing_state *s, const double *x, size_t n, double elapsed);

#endif
