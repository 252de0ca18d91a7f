/* harness/progress.h — the campaign's progress on rank 0's stderr: on a terminal one live line redrawn with \r; when
 * stderr is not a terminal (a log file, or always under mpirun/srun, which forward it through a pipe) a full line at
 * most every few seconds. */
#ifndef RB_PROGRESS_H
#define RB_PROGRESS_H

#include <stddef.h>

#define RB_PROGRESS_LIVE_S 0.25  /* live line: redrawn at most this often */
#define RB_PROGRESS_LOG_S 5.0    /* log lines: at most this often... */
#define RB_PROGRESS_LOG_MAX_S 30.0 /* ...stretching with the run (a tenth of the elapsed time) up to this */
#define RB_PROGRESS_RANKS_LISTED 16 /* in-flight jobs listed per rank up to this many ranks, summarised beyond */

typedef struct rb_progress {
    int enabled;
    int live;          /* 1: live line (\r); 0: log lines (\n) */
    double interval_s; /* log lines: the shortest interval */
    size_t total;      /* jobs to run (skipped ones excluded) */
    double start, last_draw;
    int drawn;
    size_t lines; /* log lines written */
} rb_progress;

typedef struct rb_progress_counts {
    size_t done, ok, failed, unavailable; /* failed includes timed-out and inaccurate jobs */
    const int *in_flight;                 /* jobs handed out and not answered, per rank (NULL: unknown) */
    int nranks;
} rb_progress_counts;

/* live: draw a live line (stderr is a terminal) or log lines; interval_s: the shortest interval between log lines
 * (<= 0: RB_PROGRESS_LOG_S). */
void rb_progress_start(rb_progress *p, int enabled, int live, double interval_s, size_t total);
/* Draws when due (or now with force). */
void rb_progress_update(rb_progress *p, const rb_progress_counts *c, int force);
/* The last line: the live line is redrawn and ended; log mode writes a closing line. */
void rb_progress_finish(rb_progress *p, const rb_progress_counts *c);
/* The text of one progress line (no \r, no \n) after `elapsed` seconds: done/total, ok/failed/unavailable, elapsed,
 * ETA, rate, and the jobs in flight (with per_rank: on each rank). The most useful come first: a live line is cut to
 * the terminal's width. */
void rb_progress_format(const rb_progress_counts *c, size_t total, double elapsed, int per_rank, char *out,
                        size_t len);
/* Seconds until the next log line is due after `elapsed` seconds: max(interval, elapsed/10), at most
 * RB_PROGRESS_LOG_MAX_S (never below interval). */
double rb_progress_log_interval(double interval_s, double elapsed);
/* "1h02m", "3m05s", "12s" */
void rb_format_duration(double s, char *out, size_t len);

#endif
