/* tests/test_error_bound.c — the harness holds every output to the error bound its backend declares
 * (backends/backend.h `error_bound`, rb_backend_error_bound). A fake backend built here (not registered) returns the
 * exact reference output, or it with every sign flipped, or all zeros, or a copy that goes wrong only after the
 * first run; its bound is each registered backend's declared bound, under every value of that backend's enum
 * options. Wrong outputs must be `inaccurate` with the figure and the bound in the message, the row must carry the
 * bound, and the measured path must check the last timed repetition too (storing the worse error). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "execute.h"
#include "job.h"
#include "problem_make.h"
#include "registry.h"

enum fake_mode { EXACT, SIGN_FLIPPED, ALL_ZERO, WRONG_AFTER_FIRST_RUN };

static enum fake_mode mode;
static const rb_backend *bound_of; /* the registered backend whose declared bound the fake uses */
static int runs;

typedef struct fake_state {
    const rb_problem *p;
    const rb_weights *w;
} fake_state;

static int fake_probe(rb_status *why)
{
    (void)why;
    return 0;
}

static int fake_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state, rb_status *st)
{
    (void)opt;
    fake_state *f = malloc(sizeof *f);
    if (!f)
        return rb_fail(st, "out of memory");
    f->p = p;
    f->w = w;
    *state = f;
    runs = 0;
    return 0;
}

static int fake_run(void *state, const float *x, float *y, double *device_ms, rb_status *st)
{
    const fake_state *f = state;
    (void)device_ms;
    if (rb_reference_forward(f->p, f->w, x, y) != 0)
        return rb_fail(st, "out of memory");
    size_t n = rb_output_len(f->p);
    int wrong = mode == SIGN_FLIPPED || mode == ALL_ZERO || (mode == WRONG_AFTER_FIRST_RUN && runs > 0);
    for (size_t i = 0; wrong && i < n; i++)
        y[i] = mode == ALL_ZERO ? 0.0f : -y[i];
    runs++;
    return 0;
}

static int fake_report(void *state, const float *x, rb_metrics *m, rb_status *st)
{
    (void)state, (void)x, (void)st;
    m->latency_ms = 1.0;
    m->latency_source = RB_SRC_MODELED;
    return 0;
}

static void fake_release(void *state)
{
    free(state);
}

static double fake_bound(const rb_problem *p, const rb_options *opt)
{
    return rb_backend_error_bound(bound_of, p, opt); /* the real backend's declaration, or the fp32 default */
}

static rb_backend fake = {
    .name = "fake",
    .summary = "test backend",
    .probe = fake_probe,
    .prepare = fake_prepare,
    .run = fake_run,
    .report = fake_report,
    .release = fake_release,
    .error_bound = fake_bound,
};

static rb_problem job_problem(void)
{
    rb_problem p = make_problem(RB_CELL_LSTM, 12, 8, 2, 5);
    snprintf(p.name, sizeof p.name, "fake-lstm");
    return p;
}

/* Runs one job of the fake backend (kind given) under opt; the record and its samples count come back. */
static void run_fake(rb_kind kind, const rb_options *opt, rb_record *rec, size_t *ns)
{
    rb_job job;
    memset(&job, 0, sizeof job);
    job.problem = job_problem();
    job.backend_index = 0;
    job.opts = opt;
    job.seed = 7;
    snprintf(job.key, sizeof job.key, "00000000000000aa");
    rb_exec_config cfg;
    memset(&cfg, 0, sizeof cfg);
    rb_timing_policy_default(&cfg.timing);
    cfg.timing.warmup = 1;
    cfg.timing.min_reps = 3;
    cfg.timing.min_time_s = 0;
    cfg.host = "test";
    fake.kind = kind;
    double *samples = NULL;
    ck_assert_int_eq(rb_execute_with(&fake, &job, &cfg, rec, &samples, ns), 0);
    free(samples);
}

/* Every (backend, options) pair to check: no options, and each value of each enum option alone. */
typedef struct case_opts {
    const rb_backend *b;
    rb_options opt;
} case_opts;

static size_t collect_cases(case_opts *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < rb_backend_count() && n < cap; i++) {
        const rb_backend *b = rb_backend_at(i);
        memset(&out[n], 0, sizeof out[n]);
        out[n++].b = b;
        for (const rb_option_spec *s = b->options; s && s->key && n < cap; s++) {
            if (s->type != RB_OPT_ENUM || !s->allowed)
                continue;
            for (const char *w = s->allowed; *w && n < cap;) {
                size_t len = strcspn(w, "|");
                memset(&out[n], 0, sizeof out[n]);
                out[n].b = b;
                out[n].opt.n = 1;
                snprintf(out[n].opt.key[0], RB_OPT_KEY_MAX, "%s", s->key);
                snprintf(out[n].opt.val[0], RB_OPT_VAL_MAX, "%.*s", (int)len, w);
                n++;
                w += len + (w[len] == '|');
            }
        }
    }
    return n;
}

static void describe(const case_opts *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s%s%s", c->b->name, c->opt.n ? " " : "", c->opt.n ? c->opt.key[0] : "",
             c->opt.n ? "=" : "", c->opt.n ? c->opt.val[0] : "");
}

START_TEST(wrong_outputs_caught_under_every_declared_bound)
{
    case_opts cases[128];
    size_t n = collect_cases(cases, 128);
    ck_assert_uint_ge(n, rb_backend_count());
    for (size_t c = 0; c < n; c++) {
        char what[160];
        describe(&cases[c], what, sizeof what);
        bound_of = cases[c].b;
        rb_problem p = job_problem();
        double bound = rb_backend_error_bound(cases[c].b, &p, &cases[c].opt);
        /* an all-zero output has max_rel_err exactly 1: a bound of 1 or more would let it pass */
        ck_assert_msg(bound > 0 && bound < 1, "%s declares the bound %g: wrong outputs would pass", what, bound);
        for (int kind = RB_MEASURED; kind <= RB_MODELED; kind += RB_MODELED - RB_MEASURED) {
            rb_record rec;
            size_t ns = 0;
            mode = EXACT;
            run_fake((rb_kind)kind, &cases[c].opt, &rec, &ns);
            ck_assert_msg(strcmp(rec.status, "ok") == 0, "%s exact: %s %s", what, rec.status, rec.message);
            ck_assert_double_eq(rec.error_bound, bound);
            ck_assert_str_eq(rec.backend, "fake");
            mode = SIGN_FLIPPED;
            run_fake((rb_kind)kind, &cases[c].opt, &rec, &ns);
            ck_assert_msg(strcmp(rec.status, "inaccurate") == 0, "%s sign-flipped: %s", what, rec.status);
            ck_assert_double_eq_tol(rec.max_rel_err, 2.0, 1e-6);
            ck_assert_msg(strstr(rec.message, "max_rel_err 2 ") && strstr(rec.message, "error bound"), "%s",
                          rec.message);
            mode = ALL_ZERO;
            run_fake((rb_kind)kind, &cases[c].opt, &rec, &ns);
            ck_assert_msg(strcmp(rec.status, "inaccurate") == 0, "%s all zero: %s", what, rec.status);
            ck_assert_double_eq_tol(rec.max_rel_err, 1.0, 1e-6);
            char bound_text[32];
            snprintf(bound_text, sizeof bound_text, "bound %.3g", bound);
            ck_assert_msg(strstr(rec.message, bound_text), "%s: '%s' lacks '%s'", what, rec.message, bound_text);
        }
    }
}
END_TEST

/* A measured backend whose first run is right but whose timed repetitions are wrong: caught, worse error kept. */
START_TEST(last_timed_repetition_checked)
{
    rb_options none;
    memset(&none, 0, sizeof none);
    bound_of = &fake; /* (no declaration of its own: fp32) */
    fake.error_bound = NULL;
    rb_record rec;
    size_t ns = 0;
    mode = WRONG_AFTER_FIRST_RUN;
    run_fake(RB_MEASURED, &none, &rec, &ns);
    ck_assert_uint_ge(ns, 3);
    ck_assert_str_eq(rec.status, "inaccurate");
    ck_assert_double_eq_tol(rec.max_rel_err, 2.0, 1e-6); /* the worse of 0 (first run) and 2 (last repetition) */
    ck_assert_double_eq(rec.error_bound, RB_FP32_REL_ERR_BOUND);
    ck_assert_msg(strstr(rec.message, "last timed repetition 2"), "%s", rec.message);
    ck_assert(isfinite(rec.lat_median_ms)); /* still timed: the figure is there, marked wrong */
    /* a modeled backend is run once: the same fake is then fine */
    run_fake(RB_MODELED, &none, &rec, &ns);
    ck_assert_str_eq(rec.status, "ok");
    fake.error_bound = fake_bound;
}
END_TEST

int main(void)
{
    Suite *s = suite_create("error_bound");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, wrong_outputs_caught_under_every_declared_bound);
    tcase_add_test(tc, last_timed_repetition_checked);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
