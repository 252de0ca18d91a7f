/* harness/stats.h — summary statistics of latency samples. */
#ifndef RB_STATS_H
#define RB_STATS_H

#include <stddef.h>

typedef struct rb_stats {
    size_t n;
    double median, min, max, mean, stddev; /* stddev: sample (n-1) standard deviation, 0 for n < 2 */
    double p5, p95, p99;                   /* linear interpolation between order statistics */
    double ci95_lo, ci95_hi;               /* distribution-free 95% CI of the median (order statistics,
                                              normal approximation of the binomial); = min/max for tiny n */
} rb_stats;

/* Computes statistics of x[0..n-1] (x is not modified). n = 0 gives all-NaN with n = 0. */
void rb_stats_compute(const double *x, size_t n, rb_stats *out);

/* Half-width of the 95% CI of the median relative to the median, in percent:
 * 100 * max(median - ci95_lo, ci95_hi - median) / median. NaN when there are no samples or the median is not
 * positive. */
double rb_stats_ci_halfwidth_pct(const rb_stats *s);

/* Quantile q in [0,1] of sorted data (linear interpolation, the "type 7" definition). */
double rb_quantile_sorted(const double *sorted, size_t n, double q);

#endif
