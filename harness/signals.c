/* harness/signals.c — SIGINT/SIGTERM flag for the scheduler (see signals.h). */
#include <signal.h>
#include <string.h>
#include "signals.h"

static volatile sig_atomic_t caught;
static struct sigaction old_int, old_term, old_pipe;
static int installed;

static void on_signal(int sig)
{
    caught = sig;
}

void rb_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking poll()/read() returns EINTR so the loop notices at once */
    caught = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    /* a write to a dead executor's pipe must fail with EPIPE, not kill the rank */
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);
    installed = 1;
}

void rb_signals_restore(void)
{
    if (!installed)
        return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    installed = 0;
}

int rb_signals_caught(void)
{
    return (int)caught;
}
