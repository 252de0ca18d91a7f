/* harness/run_published.h — the published rows `rnnbench run` imports into its results file (run_published.c). */
#ifndef RB_RUN_PUBLISHED_H
#define RB_RUN_PUBLISHED_H

#include <stddef.h>

#include "published.h"

typedef struct rb_run_published {
    int loaded;             /* 1 when there are files to import */
    rb_pub_set set;         /* rows of the campaign's shapes */
    unsigned char *append;  /* [set.n]: 1 = not in the file yet */
    size_t nappend, updated;
    const char **paths;     /* the files read */
    size_t npaths;
    char **manifest;        /* the shipped files' paths (one block) */
} rb_run_published;

/* Reads the shipped files (use_default) and extra[] (--published), keeps the rows of the problems' shapes and
 * plans them against the rows already in output (none when force). A missing list of shipped files is a note on
 * stderr, not an error. 0, or -1 with "FILE:LINE: field: why" in err. */
int rb_run_published_prepare(const char *output, int force, int use_default, const char *const *extra,
                             size_t nextra, const rb_problem *probs, size_t np, rb_run_published *rp, char *err,
                             size_t errlen);
/* Appends the planned rows in the store's current run and prints one line (unless quiet). 0 or -1 with err. */
int rb_run_published_write(rb_store *st, rb_run_published *rp, const char *output, int quiet, char *err,
                           size_t errlen);
void rb_run_published_free(rb_run_published *rp);

#endif
