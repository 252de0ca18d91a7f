/* harness/run_table.c — prints the rows of the campaign just run, read back from the results file so the table
 * shows exactly what was stored. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "run_table.h"
#include "store.h"
#include "str_index.h"

/* key -> index of its latest row (highest run_id; the later row among equals): one pass, O(1) look-ups. */
static int index_latest(const rb_record *rows, size_t n, rb_str_index *latest)
{
    for (size_t i = 0; i < n; i++) {
        size_t at = 0;
        int seen = rb_str_index_add(latest, rows[i].key, i, &at);
        if (seen < 0 || (seen > 0 && rows[i].run_id >= rows[at].run_id && rb_str_index_set(latest, rows[i].key, i) != 0))
            return -1;
    }
    return 0;
}

static void fmt_num(char *buf, size_t len, const char *fmt, double v)
{
    if (isfinite(v))
        snprintf(buf, len, fmt, v);
    else
        snprintf(buf, len, "-");
}

/* Has this backend's unavailable reason been printed already? (-1: out of memory) */
static int reason_seen(rb_str_index *seen, const rb_record *r)
{
    char both[sizeof r->backend + sizeof r->message + 2];
    snprintf(both, sizeof both, "%s\x1f%s", r->backend, r->message);
    return rb_str_index_add(seen, both, 0, NULL);
}

void rb_print_run_table(FILE *out, const char *path, const rb_job *jobs, size_t nj, const rb_campaign_result *res)
{
    rb_record *rows = NULL;
    size_t n = 0;
    char err[512];
    if (rb_store_read(path, &rows, &n, err, sizeof err) != 0) {
        fprintf(stderr, "rnnbench run: cannot read back %s: %s\n", path, err);
        return;
    }
    fprintf(out, "%-22s %-10s %-11s %11s %11s %10s %10s %-9s %10s  %s\n", "workload", "backend", "status",
            "median_ms", "p99_ms", "GFLOP/s", "GFLOP/s", "latency", "max_rel", "note");
    fprintf(out, "%-22s %-10s %-11s %11s %11s %10s %10s %-9s %10s\n", "", "", "", "", "", "(deepb.)", "(full)",
            "source", "error");
    const rb_record **latest = calloc(nj ? nj : 1, sizeof *latest);
    rb_str_index by_key, reasons;
    rb_str_index_init(&by_key);
    rb_str_index_init(&reasons);
    if (!latest || index_latest(rows, n, &by_key) != 0) {
        free(latest);
        free(rows);
        rb_str_index_free(&by_key);
        fprintf(stderr, "rnnbench run: out of memory printing the table\n");
        return;
    }
    size_t unavailable = 0;
    for (size_t i = 0; i < nj; i++) {
        size_t at = 0;
        const rb_record *r = latest[i] = rb_str_index_get(&by_key, jobs[i].key, &at) ? &rows[at] : NULL;
        if (!r)
            continue;
        char med[32], p99[32], gd[32], gf[32], rel[32];
        fmt_num(med, sizeof med, "%.4f", r->lat_median_ms);
        fmt_num(p99, sizeof p99, "%.4f", r->lat_p99_ms);
        fmt_num(gd, sizeof gd, "%.1f", r->gflops_deepbench);
        fmt_num(gf, sizeof gf, "%.1f", r->gflops_full);
        fmt_num(rel, sizeof rel, "%.2e", r->max_rel_err);
        int unav = strcmp(r->status, "unavailable") == 0;
        unavailable += unav;
        /* an unavailable backend's reason is the same on every row: it is printed once, below the table */
        fprintf(out, "%-22s %-10s %-11s %11s %11s %10s %10s %-9s %10s  %s\n", r->workload, r->backend, r->status,
                med, p99, gd, gf, r->latency_source, rel, unav ? "(reason below)" : r->message);
    }
    if (unavailable) {
        fprintf(out, "\nunavailable here:\n");
        for (size_t i = 0; i < nj; i++) {
            const rb_record *r = latest[i];
            if (r && strcmp(r->status, "unavailable") == 0 && reason_seen(&reasons, r) == 0)
                fprintf(out, "  %-10s %s\n", r->backend, r->message);
        }
    }
    fprintf(out, "\n%zu ok, %zu failed, %zu inaccurate, %zu unavailable, %zu timeout, %zu skipped (--resume); results in "
                 "%s\n", res->ok, res->failed, res->inaccurate, res->unavailable, res->timeout, res->skipped, path);
    free(latest);
    free(rows);
    rb_str_index_free(&by_key);
    rb_str_index_free(&reasons);
}
