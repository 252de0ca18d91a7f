/* harness/scheduler.h — runs a campaign of jobs over the MPI ranks (or in this process alone) and streams the
 * records to the store on rank 0. */
#ifndef RB_SCHEDULER_H
#define RB_SCHEDULER_H

#include <stddef.h>
#include "execute.h"
#include "job.h"
#include "store.h"

typedef struct rb_campaign {
    const rb_job *jobs;  /* the full job list, identical on every rank (built from the same command line) */
    size_t n;
    const unsigned char *skip; /* rank 0: skip[i] = 1 when --resume found job i's key already stored; may be NULL */
    rb_exec_config exec;
    rb_store *store;     /* rank 0 only; NULL on other ranks */
    int progress;        /* rank 0: show progress on stderr (a live line on a terminal, else a line every few s) */
    int batch_rows;      /* rows per append+flush (>= 1) */
    double rank_timeout_s; /* rank 0: a worker silent this long is frozen (its jobs: timeout; no more work); 0 off */
} rb_campaign;

typedef struct rb_campaign_result {
    size_t ok, failed, inaccurate, unavailable, timeout, skipped;
    size_t stored;       /* rows written to the store by this run */
    int interrupted;     /* SIGINT/SIGTERM seen on rank 0: flushed, closed, exit non-zero */
    int store_error;     /* a write to the store failed */
    int ranks_frozen;    /* rank 0: workers that stopped answering (during the campaign or at its end): MPI_Finalize
                          * would wait for them forever, so the caller ends with MPI_Abort once the file is closed */
} rb_campaign_result;

/* Collective over MPI_COMM_WORLD. Returns 0, or -1 when the store failed (rank 0). */
int rb_campaign_run(const rb_campaign *c, rb_campaign_result *res);

#endif
