/* harness/run_published.c — the published rows a campaign brings along: `rnnbench run` imports the shipped
 * published files (results/published/default.txt) and any --published FILE, for the campaign's shapes only,
 * into the results file, idempotently (rows already there with the same figures are skipped). Loaded and checked
 * before the results file is opened; written in the campaign's own /runs entry. */
#include "run_published.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rb_run_published_prepare(const char *output, int force, int use_default, const char *const *extra,
                             size_t nextra, const rb_problem *probs, size_t np, rb_run_published *rp, char *err,
                             size_t errlen)
{
    memset(rp, 0, sizeof *rp);
    char **manifest = NULL;
    size_t nmanifest = 0;
    if (use_default && rb_pub_manifest(rb_pub_default_dir(), &manifest, &nmanifest, err, errlen) != 0) {
        /* a relocated binary without its source tree: run without the shipped rows, and say so */
        fprintf(stderr, "rnnbench run: note: published rows not imported (%s)\n", err);
        nmanifest = 0;
    }
    size_t n = nmanifest + nextra;
    if (n == 0) {
        free(manifest);
        return 0;
    }
    rp->paths = calloc(n, sizeof *rp->paths);
    if (!rp->paths) {
        free(manifest);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rp->manifest = manifest;
    for (size_t i = 0; i < nmanifest; i++) rp->paths[rp->npaths++] = manifest[i];
    for (size_t i = 0; i < nextra; i++) rp->paths[rp->npaths++] = extra[i];
    if (rb_pub_load(rp->paths, rp->npaths, &rp->set, err, errlen) != 0) {
        rb_run_published_free(rp);
        return -1;
    }
    rp->loaded = 1;
    rb_pub_keep_shapes(&rp->set, probs, np);
    rb_record *existing = NULL;
    size_t nexisting = 0;
    char ignored[512]; /* an unreadable file is reported by the store when the campaign opens it */
    if (!force && rb_pub_existing(output, &existing, &nexisting, ignored, sizeof ignored) != 0) nexisting = 0;
    rp->append = calloc(rp->set.n + 1, 1);
    if (!rp->append) {
        free(existing);
        rb_run_published_free(rp);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rp->nappend = rb_pub_plan(&rp->set, existing, nexisting, rp->append, &rp->updated);
    free(existing);
    return 0;
}

int rb_run_published_write(rb_store *st, rb_run_published *rp, const char *output, int quiet, char *err,
                           size_t errlen)
{
    if (!rp->loaded) return 0;
    if (rb_pub_write(st, &rp->set, rp->append, err, errlen) != 0) return -1;
    if (!quiet)
        printf("published rows: %zu of the campaign's shapes from %zu file(s); %zu written to %s, %zu already "
               "there (--no-published skips this)\n",
               rp->set.n, rp->npaths, rp->nappend, output, rp->set.n - rp->nappend);
    return 0;
}

void rb_run_published_free(rb_run_published *rp)
{
    rb_pub_free(&rp->set);
    free(rp->append);
    free(rp->paths);
    free(rp->manifest);
    memset(rp, 0, sizeof *rp);
}
