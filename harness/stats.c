/* harness/stats.c — owns the summary statistics of latency samples: order statistics (median, percentiles,
 * the distribution-free 95% CI of the median), mean and sample standard deviation. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    /* NaNs sort last so the comparison stays a total order */
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

double rb_quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0 || isnan(q))
        return NAN;
    if (q <= 0.0)
        return sorted[0];
    if (q >= 1.0)
        return sorted[n - 1];
    double h = (double)(n - 1) * q; /* 0-based fractional rank, "type 7" */
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    double frac = h - (double)lo;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/* 1-based order-statistic index clamped to [1, n]. */
static size_t clamp_rank(double rank, size_t n)
{
    if (rank < 1.0)
        return 1;
    if (rank > (double)n)
        return n;
    return (size_t)rank;
}

static void set_all_nan(rb_stats *out)
{
    out->median = out->min = out->max = out->mean = out->stddev = NAN;
    out->p5 = out->p95 = out->p99 = NAN;
    out->ci95_lo = out->ci95_hi = NAN;
}

void rb_stats_compute(const double *x, size_t n, rb_stats *out)
{
    out->n = n;
    set_all_nan(out);
    if (n == 0 || x == NULL)
        return;
    double *sorted = malloc(n * sizeof *sorted);
    if (sorted == NULL)
        return;
    memcpy(sorted, x, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_doubles);

    out->min = sorted[0];
    out->max = sorted[n - 1];
    out->median = rb_quantile_sorted(sorted, n, 0.5);
    out->p5 = rb_quantile_sorted(sorted, n, 0.05);
    out->p95 = rb_quantile_sorted(sorted, n, 0.95);
    out->p99 = rb_quantile_sorted(sorted, n, 0.99);

    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    out->mean = sum / (double)n;
    double ss = 0.0; /* second pass about the mean: numerically safer than sum of squares */
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - out->mean) * (x[i] - out->mean);
    out->stddev = n < 2 ? 0.0 : sqrt(ss / (double)(n - 1));

    /* The count of samples below the median is Binomial(n, 1/2); its normal approximation gives the
     * ranks j, k = n/2 -/+ 1.96 sqrt(n)/2 bracketing the median with ~95% coverage. */
    double half_width = 1.96 * sqrt((double)n) / 2.0;
    size_t j = clamp_rank(floor((double)n / 2.0 - half_width), n);
    size_t k = clamp_rank(ceil((double)n / 2.0 + half_width), n);
    out->ci95_lo = sorted[j - 1];
    out->ci95_hi = sorted[k - 1];
    free(sorted);
}

double rb_stats_ci_halfwidth_pct(const rb_stats *s)
{
    if (s->n == 0 || !(s->median > 0) || isnan(s->ci95_lo) || isnan(s->ci95_hi))
        return NAN;
    double below = s->median - s->ci95_lo, above = s->ci95_hi - s->median;
    return 100.0 * (below > above ? below : above) / s->median;
}
