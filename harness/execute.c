/* harness/execute.c — runs one job in this process: probe (once), weights and fp32 reference (cached between
 * consecutive jobs on the same problem), prepare, verify, time (measured backends) or ask for the simulated/modeled
 * figures, and fill the record. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "execute.h"
#include "probe_cache.h"
#include "registry.h"
#include "stats.h"

/* ---- problem data cache: weights, inputs and reference output of the last problem ---- */
static struct {
    int valid, have_ref;
    rb_problem p;
    uint64_t seed;
    rb_weights w;
    float *x, *ref;
} cache;

void rb_execute_clear_cache(void)
{
    if (cache.valid)
        rb_weights_free(&cache.w);
    free(cache.x);
    free(cache.ref);
    memset(&cache, 0, sizeof cache);
}

static int same_shape(const rb_problem *a, const rb_problem *b)
{
    return a->cell == b->cell && a->hidden == b->hidden && a->input == b->input && a->batch == b->batch &&
           a->timesteps == b->timesteps;
}

static int load_problem(const rb_problem *p, uint64_t seed, int need_ref)
{
    if (!cache.valid || !same_shape(&cache.p, p) || cache.seed != seed) {
        rb_execute_clear_cache();
        /* valid only once weights and inputs both exist: a failed allocation leaves an empty cache */
        if (rb_weights_init(&cache.w, p, seed) != 0)
            return -1;
        cache.x = rb_inputs_make(p, seed);
        if (!cache.x) {
            rb_weights_free(&cache.w);
            return -1;
        }
        cache.valid = 1;
        cache.p = *p;
        cache.seed = seed;
    }
    if (need_ref && !cache.have_ref) {
        cache.ref = malloc(rb_output_len(p) * sizeof(float));
        if (!cache.ref || rb_reference_forward(p, &cache.w, cache.x, cache.ref) != 0) {
            free(cache.ref);
            cache.ref = NULL;
            return -1;
        }
        cache.have_ref = 1;
    }
    return 0;
}

static void set_status(rb_record *r, const char *status, const char *msg)
{
    snprintf(r->status, sizeof r->status, "%s", status);
    snprintf(r->message, sizeof r->message, "%s", msg ? msg : "");
}

static void copy_source(char *dst, size_t n, rb_source s) { snprintf(dst, n, "%s", rb_source_name(s)); }

static void fill_from_metrics(rb_record *r, const rb_metrics *m)
{
    if (m->device[0])
        snprintf(r->device, sizeof r->device, "%s", m->device);
    r->energy_j = m->energy_j;
    copy_source(r->energy_source, sizeof r->energy_source, m->energy_source);
    r->power_w = m->power_w;
    copy_source(r->power_source, sizeof r->power_source, m->power_source);
    r->area_mm2 = m->area_mm2;
    copy_source(r->area_source, sizeof r->area_source, m->area_source);
    r->peak_gflops = m->peak_gflops;
    copy_source(r->peak_source, sizeof r->peak_source, m->peak_source);
    size_t used = 0;
    r->extras[0] = 0;
    for (int i = 0; i < m->n_extras && used < sizeof r->extras; i++) {
        int w = snprintf(r->extras + used, sizeof r->extras - used, "%s%s=%s", i ? ";" : "", m->extra_key[i],
                         m->extra_val[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static void fill_latency(rb_record *r, const rb_stats *s)
{
    r->lat_median_ms = s->median;
    r->lat_min_ms = s->min;
    r->lat_mean_ms = s->mean;
    r->lat_stddev_ms = s->stddev;
    r->lat_p5_ms = s->p5;
    r->lat_p95_ms = s->p95;
    r->lat_p99_ms = s->p99;
    r->lat_ci95_lo_ms = s->ci95_lo;
    r->lat_ci95_hi_ms = s->ci95_hi;
}

/* Effective throughput under both conventions; utilisation counts the work the timed region really did. */
static void fill_throughput(rb_record *r, int recurrent_only)
{
    if (!(r->lat_median_ms > 0))
        return;
    r->gflops_deepbench = r->flops_deepbench / (r->lat_median_ms * 1e6);
    r->gflops_full = r->flops_full / (r->lat_median_ms * 1e6);
    if (r->peak_gflops > 0)
        r->utilisation = (recurrent_only ? r->gflops_deepbench : r->gflops_full) / r->peak_gflops;
}

/* Timed repetitions of a measured backend. Returns 0, 1 on soft timeout, -1 on a failed run. */
static int time_runs(const rb_backend *b, void *state, const rb_exec_config *cfg, const float *x, float *y,
                     double **samples, size_t *nsamples, rb_status *st)
{
    for (int i = 0; i < cfg->timing.warmup; i++) {
        double dev = -1;
        if (b->run(state, x, y, &dev, st) != 0)
            return -1;
    }
    size_t cap = 64, n = 0;
    double *s = malloc(cap * sizeof *s);
    if (!s)
        return rb_fail(st, "out of memory for samples");
    double start = rb_now();
    int rc = 0;
    while (rb_timing_need_more(&cfg->timing, n, rb_now() - start)) {
        if (cfg->job_timeout_s > 0 && rb_now() - start > cfg->job_timeout_s) {
            rc = 1;
            break;
        }
        double dev = -1, t0 = rb_now();
        if (b->run(state, x, y, &dev, st) != 0) {
            rc = -1;
            break;
        }
        double wall_ms = (rb_now() - t0) * 1e3;
        if (n == cap) {
            double *bigger = realloc(s, 2 * cap * sizeof *s);
            if (!bigger) {
                rc = rb_fail(st, "out of memory for samples");
                break;
            }
            s = bigger;
            cap *= 2;
        }
        s[n++] = dev >= 0 ? dev : wall_ms;
    }
    *samples = s;
    *nsamples = n;
    return rc;
}

int rb_execute_job(const rb_job *job, const rb_exec_config *cfg, rb_record *rec, double **samples,
                   size_t *nsamples)
{
    *samples = NULL;
    *nsamples = 0;
    rb_record_init(rec);
    rb_record_from_job(rec, job);
    snprintf(rec->host, sizeof rec->host, "%s", cfg->host ? cfg->host : "");
    rec->rank = cfg->rank;

    const rb_backend *b = rb_backend_at((size_t)job->backend_index);
    rb_status st = {{0}};
    if (rb_probe_once((size_t)job->backend_index, &st) != 0) {
        set_status(rec, "unavailable", st.msg);
        rec->timestamp = rb_wall_time();
        return 0;
    }
    if (load_problem(&job->problem, job->seed, 1) != 0) {
        set_status(rec, "failed", "harness: out of memory for weights, inputs or reference output");
        rec->timestamp = rb_wall_time();
        return -1;
    }
    float *y = calloc(rb_output_len(&job->problem), sizeof(float));
    if (!y) {
        set_status(rec, "failed", "harness: out of memory for the output");
        return -1;
    }
    void *state = NULL;
    if (b->prepare(&job->problem, &cache.w, &job->opts, &state, &st) != 0) {
        set_status(rec, "failed", st.msg[0] ? st.msg : "prepare failed");
        goto done;
    }
    double dev = -1;
    if (b->run(state, cache.x, y, &dev, &st) != 0) { /* functional run, checked against the reference */
        set_status(rec, "failed", st.msg[0] ? st.msg : "run failed");
        goto done;
    }
    rb_compare(y, cache.ref, rb_output_len(&job->problem), &rec->max_abs_err, &rec->max_rel_err);
    if (!isfinite(rec->max_abs_err)) {
        set_status(rec, "failed", "output contains NaN or Inf");
        goto done;
    }
    set_status(rec, "ok", "");
    if (b->kind == RB_MEASURED) {
        int rc = time_runs(b, state, cfg, cache.x, y, samples, nsamples, &st);
        if (rc < 0) {
            set_status(rec, "failed", st.msg[0] ? st.msg : "run failed");
            goto done;
        }
        if (rc == 1) {
            char msg[160];
            snprintf(msg, sizeof msg, "job timeout of %.3g s reached after %zu timed repetitions",
                     cfg->job_timeout_s, *nsamples);
            set_status(rec, "timeout", msg);
        }
        rb_stats s;
        rb_stats_compute(*samples, *nsamples, &s);
        fill_latency(rec, &s);
        rec->reps = (int32_t)*nsamples;
        snprintf(rec->latency_source, sizeof rec->latency_source, "measured");
    }
    rb_metrics m;
    rb_metrics_init(&m);
    if (b->report(state, cache.x, &m, &st) != 0) {
        set_status(rec, "failed", st.msg[0] ? st.msg : "report failed");
        goto done;
    }
    fill_from_metrics(rec, &m);
    if (b->kind != RB_MEASURED) {
        rb_stats s;
        rb_stats_compute(&m.latency_ms, 1, &s);
        fill_latency(rec, &s);
        copy_source(rec->latency_source, sizeof rec->latency_source, m.latency_source);
        if (!(m.latency_ms > 0))
            set_status(rec, "failed", "backend reported no latency");
    }
    fill_throughput(rec, m.recurrent_only);
done:
    if (state)
        b->release(state);
    free(y);
    rec->timestamp = rb_wall_time();
    return 0;
}
