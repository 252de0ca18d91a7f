/* harness/signals.h — SIGINT/SIGTERM as a flag the scheduler loops check (no work is done in the handler). */
#ifndef RB_SIGNALS_H
#define RB_SIGNALS_H

/* Installs handlers for SIGINT and SIGTERM (sigaction) that record the signal; the previous handlers are kept and
 * put back by rb_signals_restore. Clears the flag. SIGPIPE is ignored meanwhile (pipes to executor processes). */
void rb_signals_install(void);
void rb_signals_restore(void);
/* The last signal caught since install (SIGINT or SIGTERM), or 0. */
int rb_signals_caught(void);

#endif
