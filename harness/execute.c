/* harness/execute.c — runs one job in this process: probe (once), weights and fp32 reference (problem_data.h: kept
 * between consecutive jobs on the same problem, the reference also in the on-disk output cache), prepare, verify,
 * time (measured backends) or ask for the simulated/modeled figures, and fill the record. A simulated/modeled backend
 * that names its numerics (numerics_id) gets its output from the output cache when it is there: then it is prepared
 * without weights, run() is not called, and the cached output is checked against the reference exactly as a fresh
 * one (the row's extras start with output=cache). Verification: the output of the functional run (and, for measured
 * backends, of the last timed repetition; the worse counts) against the fp32 reference; over the backend's declared
 * error bound (rb_backend_error_bound, stored in the row) the row is `inaccurate`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "execute.h"
#include "output_cache.h"
#include "parallel.h"
#include "probe_cache.h"
#include "problem_data.h"
#include "registry.h"
#include "stats.h"

void rb_execute_clear_cache(void)
{
    rb_pdata_clear();
}

/* 1 when b's output for this job may come from (and go to) the output cache; the cache key is filled. */
static int output_cacheable(const rb_backend *b, const rb_job *job, rb_cache_key *key)
{
    char dir[4096], id[RB_CACHE_KEY_MAX / 2], numerics[RB_CACHE_KEY_MAX / 2 + 40];
    if (b->kind == RB_MEASURED || !b->numerics_id || !rb_cache_enabled(dir, sizeof dir) ||
        b->numerics_id(job->opts, id, sizeof id) != 0)
        return 0;
    snprintf(numerics, sizeof numerics, "%s:%s", b->name, id);
    rb_cache_key_make(key, &job->problem, job->seed, numerics);
    return 1;
}

/* Puts "output=cache" first in the extras (what follows may be cut at the column's width, as always). */
static void mark_served(rb_record *r)
{
    static const char mark[] = "output=cache";
    char tmp[sizeof r->extras];
    size_t n = strlen(mark), m = strnlen(r->extras, sizeof r->extras - 1);
    memcpy(tmp, mark, n);
    if (m) {
        tmp[n++] = ';';
        if (m > sizeof tmp - 1 - n)
            m = sizeof tmp - 1 - n;
        memcpy(tmp + n, r->extras, m);
        n += m;
    }
    tmp[n] = '\0';
    memcpy(r->extras, tmp, n + 1);
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

/* How tight the measured median is: ci_halfwidth_pct (always, "nan" when no CI could be formed) and, with a CI
 * target, ci_target_met=1|0 (results/SCHEMA.md). */
static void add_ci_extras(rb_metrics *m, double halfwidth_pct, size_t n, double target_pct)
{
    rb_metrics_extra(m, "ci_halfwidth_pct", "%.3g", halfwidth_pct);
    if (target_pct > 0)
        rb_metrics_extra(m, "ci_target_met", "%d", n >= RB_CI_MIN_SAMPLES && halfwidth_pct <= target_pct ? 1 : 0);
}

/* Timed repetitions of a measured backend, until the policy's counts, times and CI target say stop
 * (rb_timing_continue). Returns 0, 1 on soft timeout, -1 on a failed run. */
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
    rb_timing_state ts;
    rb_timing_state_init(&ts);
    while (rb_timing_continue(&cfg->timing, &ts, s, n, rb_now() - start)) {
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

/* Compares y with the reference; the worse of this and what the record already holds is kept. 0, or -1 when y
 * has NaN or Inf. */
static int check_output(const float *y, const float *ref, size_t len, rb_record *rec, double *rel)
{
    double abs_err = 0, rel_err = 0;
    rb_compare(y, ref, len, &abs_err, &rel_err);
    *rel = rel_err;
    if (!(rec->max_abs_err >= abs_err)) /* (NaN in the record: the first comparison) */
        rec->max_abs_err = abs_err;
    if (!(rec->max_rel_err >= rel_err))
        rec->max_rel_err = rel_err;
    return isfinite(abs_err) ? 0 : -1;
}

/* An ok row whose output is off by more than the backend's declared bound is `inaccurate` (a failure). */
static void enforce_bound(const rb_backend *b, rb_record *rec, double first_rel, double last_rel, int timed)
{
    if (strcmp(rec->status, "ok") != 0 || !(rec->max_rel_err > rec->error_bound))
        return;
    char msg[sizeof rec->message];
    if (timed)
        snprintf(msg, sizeof msg,
                 "max_rel_err %.3g is over the error bound %.3g that %s declares for these numerics (first run "
                 "%.3g, last timed repetition %.3g): the output is wrong",
                 rec->max_rel_err, rec->error_bound, b->name, first_rel, last_rel);
    else
        snprintf(msg, sizeof msg,
                 "max_rel_err %.3g is over the error bound %.3g that %s declares for these numerics: the output is "
                 "wrong", rec->max_rel_err, rec->error_bound, b->name);
    set_status(rec, "inaccurate", msg);
}

/* The identifying fields of a job's record, before anything runs. */
static void start_record(const rb_backend *b, const rb_job *job, const rb_exec_config *cfg, rb_record *rec)
{
    rb_record_init(rec);
    rb_record_from_job(rec, job);
    snprintf(rec->backend, sizeof rec->backend, "%s", b->name);
    snprintf(rec->host, sizeof rec->host, "%s", cfg->host ? cfg->host : "");
    rec->rank = cfg->rank;
    rec->error_bound = rb_backend_error_bound(b, &job->problem, job->opts);
}

int rb_execute_job(const rb_job *job, const rb_exec_config *cfg, rb_record *rec, double **samples,
                   size_t *nsamples)
{
    const rb_backend *b = rb_backend_at((size_t)job->backend_index);
    rb_status st = {{0}};
    if (rb_probe_once((size_t)job->backend_index, &st) != 0) {
        *samples = NULL;
        *nsamples = 0;
        start_record(b, job, cfg, rec);
        set_status(rec, "unavailable", st.msg);
        rec->timestamp = rb_wall_time();
        return 0;
    }
    return rb_execute_with(b, job, cfg, rec, samples, nsamples);
}

int rb_execute_with(const rb_backend *b, const rb_job *job, const rb_exec_config *cfg, rb_record *rec,
                    double **samples, size_t *nsamples)
{
    *samples = NULL;
    *nsamples = 0;
    start_record(b, job, cfg, rec);
    if (cfg->threads > 0)
        rb_par_set_threads(cfg->threads);
    const rb_problem *p = &job->problem;
    rb_status st = {{0}};
    size_t len = rb_output_len(p);
    float *y = len && len <= SIZE_MAX / sizeof(float) ? calloc(len, sizeof(float)) : NULL;
    if (!y) {
        set_status(rec, "failed", "harness: out of memory for the output");
        rec->timestamp = rb_wall_time();
        return -1;
    }
    rb_cache_key ykey;
    int cacheable = output_cacheable(b, job, &ykey);
    const float *ref = NULL, *x = NULL;
    const rb_weights *w = NULL;
    /* served: this numerics' output comes from the cache, and with it the reference (computed if it is not there:
     * the only case that needs the weights); the backend is then prepared without weights and not run */
    int served = cacheable && rb_cache_get(&ykey, y, len) == 0 && rb_pdata_reference(p, job->seed, 1, &ref) == 0;
    if (!served && (rb_pdata_inputs(p, job->seed, &w, &x) != 0 || rb_pdata_reference(p, job->seed, 1, &ref) != 0)) {
        set_status(rec, "failed", "harness: out of memory for weights, inputs or reference output");
        free(y);
        rec->timestamp = rb_wall_time();
        return -1;
    }
    void *state = NULL;
    if (b->prepare(p, w, job->opts, &state, &st) != 0) {
        set_status(rec, "failed", st.msg[0] ? st.msg : "prepare failed");
        goto done;
    }
    double dev = -1;
    if (!served && b->run(state, x, y, &dev, &st) != 0) { /* functional run, checked against the reference */
        set_status(rec, "failed", st.msg[0] ? st.msg : "run failed");
        goto done;
    }
    if (!served && cacheable)
        rb_cache_trace("compute", &ykey);
    double first_rel = NAN, last_rel = NAN;
    if (check_output(y, ref, len, rec, &first_rel) != 0) {
        set_status(rec, "failed", "output contains NaN or Inf");
        goto done;
    }
    if (!served && cacheable)
        rb_cache_put(&ykey, y, len);
    set_status(rec, "ok", "");
    double ci_halfwidth_pct = NAN; /* measured: the achieved 95% CI half-width of the median, in % */
    if (b->kind == RB_MEASURED) {
        int rc = time_runs(b, state, cfg, x, y, samples, nsamples, &st);
        if (rc < 0) {
            set_status(rec, "failed", st.msg[0] ? st.msg : "run failed");
            goto done;
        }
        /* y now holds the last timed repetition's output: a backend that goes wrong after its first run (a race,
         * stale buffers, a cached plan) is caught here */
        if (check_output(y, ref, len, rec, &last_rel) != 0) {
            set_status(rec, "failed", "the output of the last timed repetition contains NaN or Inf");
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
        ci_halfwidth_pct = rb_stats_ci_halfwidth_pct(&s);
        rec->reps = (int32_t)*nsamples;
        snprintf(rec->latency_source, sizeof rec->latency_source, "measured");
    }
    rb_metrics m;
    rb_metrics_init(&m);
    if (b->kind == RB_MEASURED) /* the harness's extras first: they always fit the row's extras column */
        add_ci_extras(&m, ci_halfwidth_pct, *nsamples, cfg->timing.target_ci_pct);
    if (b->report(state, served ? NULL : x, &m, &st) != 0) {
        set_status(rec, "failed", st.msg[0] ? st.msg : "report failed");
        goto done;
    }
    fill_from_metrics(rec, &m);
    if (served)
        mark_served(rec);
    if (b->kind != RB_MEASURED) {
        rb_stats s;
        rb_stats_compute(&m.latency_ms, 1, &s);
        fill_latency(rec, &s);
        copy_source(rec->latency_source, sizeof rec->latency_source, m.latency_source);
        if (!(m.latency_ms > 0))
            set_status(rec, "failed", "backend reported no latency");
    }
    fill_throughput(rec, m.recurrent_only);
    enforce_bound(b, rec, first_rel, last_rel, b->kind == RB_MEASURED);
done:
    if (state)
        b->release(state);
    free(y);
    rec->timestamp = rb_wall_time();
    return 0;
}
