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
} rb_timing_policy;

/* Default policy: warmup 1, reps 5, min-time 0.2 s, max_reps 100000, max_time 60 s. */
void rb_timing_policy_default(rb_timing_policy *p);

/* 1 if another repetition is needed given n samples taken in `elapsed` seconds. */
int rb_timing_need_more(const rb_timing_policy *p, size_t n, double elapsed);

#endif
