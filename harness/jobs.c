/* harness/jobs.c — builds the campaign's job list and the stable job keys. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "job.h"
#include "registry.h"
#include "str_index.h"

static int cmp_opt_index(const rb_options *o, int a, int b) { return strcmp(o->key[a], o->key[b]); }

void rb_options_canonical(const rb_options *o, char *out, size_t outlen)
{
    int idx[RB_OPT_MAX];
    int n = o ? o->n : 0;
    for (int i = 0; i < n; i++)
        idx[i] = i;
    for (int i = 1; i < n; i++) /* insertion sort by key: at most RB_OPT_MAX entries */
        for (int j = i; j > 0 && cmp_opt_index(o, idx[j - 1], idx[j]) > 0; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < n && used < outlen; i++) {
        int w = snprintf(out + used, outlen - used, "%s%s=%s", i ? "," : "", o->key[idx[i]], o->val[idx[i]]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void rb_job_key(const rb_job *j, const char *backend_name, char out[RB_KEY_LEN])
{
    char buf[512];
    const rb_problem *p = &j->problem;
    snprintf(buf, sizeof buf, "%s|%d|%d|%d|%d|%s|%s|%" PRIu64, rb_cell_name(p->cell), p->hidden, p->input,
             p->batch, p->timesteps, backend_name, j->options, j->seed);
    snprintf(out, RB_KEY_LEN, "%016" PRIx64, fnv1a(buf));
}

int rb_jobs_build(const rb_problem *probs, size_t np, const int *backend_idx, const rb_options *opts, size_t nb,
                  uint64_t seed, rb_job **out, size_t *n, size_t *dups)
{
    rb_job *jobs = calloc(np * nb + 1, sizeof *jobs);
    if (!jobs)
        return -1;
    rb_str_index keys; /* the keys so far: duplicates are found in O(1) (campaigns reach 10^5 jobs) */
    rb_str_index_init(&keys);
    size_t count = 0;
    *dups = 0;
    for (size_t i = 0; i < np; i++) {
        for (size_t b = 0; b < nb; b++) {
            rb_job *j = &jobs[count];
            j->problem = probs[i];
            j->backend_index = backend_idx[b];
            j->opts = &opts[b];
            rb_options_canonical(&opts[b], j->options, sizeof j->options);
            j->seed = seed;
            rb_job_key(j, rb_backend_at((size_t)backend_idx[b])->name, j->key);
            int seen = rb_str_index_add(&keys, j->key, count, NULL);
            if (seen < 0) {
                rb_str_index_free(&keys);
                free(jobs);
                return -1;
            }
            if (seen) {
                (*dups)++;
                continue;
            }
            j->index = (int)count;
            count++;
        }
    }
    rb_str_index_free(&keys);
    *out = jobs;
    *n = count;
    return 0;
}

void rb_record_from_job(rb_record *r, const rb_job *j)
{
    const rb_problem *p = &j->problem;
    snprintf(r->key, sizeof r->key, "%s", j->key);
    snprintf(r->workload, sizeof r->workload, "%s", p->name);
    snprintf(r->cell, sizeof r->cell, "%s", rb_cell_name(p->cell));
    r->hidden = p->hidden;
    r->input = p->input;
    r->batch = p->batch;
    r->timesteps = p->timesteps;
    snprintf(r->backend, sizeof r->backend, "%s", rb_backend_at((size_t)j->backend_index)->name);
    snprintf(r->options, sizeof r->options, "%s", j->options);
    r->seed = j->seed;
    r->flops_deepbench = rb_flops_deepbench(p);
    r->flops_full = rb_flops_full(p);
}
