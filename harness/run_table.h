/* harness/run_table.h — the table `rnnbench run` prints at the end: one line per job of the campaign. */
#ifndef RB_RUN_TABLE_H
#define RB_RUN_TABLE_H

#include <stdio.h>
#include "job.h"
#include "scheduler.h"

/* Reads the campaign's rows back from the results file and prints them (latest row per key). */
void rb_print_run_table(FILE *out, const char *path, const rb_job *jobs, size_t nj, const rb_campaign_result *res);

#endif
