/* harness/progress.h — the one-line campaign progress display (stderr, redrawn with \r). */
#ifndef RB_PROGRESS_H
#define RB_PROGRESS_H

#include <stddef.h>

typedef struct rb_progress {
    int enabled;
    size_t total;     /* jobs to run (skipped ones excluded) */
    double start, last_draw;
    int drawn;
} rb_progress;

void rb_progress_start(rb_progress *p, int enabled, size_t total);
/* Redraws at most every 0.25 s unless force. */
void rb_progress_update(rb_progress *p, size_t done, size_t failed, size_t running, int force);
/* Final redraw and newline (when anything was drawn). */
void rb_progress_finish(rb_progress *p, size_t done, size_t failed);
/* "1h02m", "3m05s", "12s" */
void rb_format_duration(double s, char *out, size_t len);

#endif
