/* backends/spatial/spatial_backend.c — the "spatial" backend: glue between the harness interface
 * (backend.h) and the accelerator model: options and architecture file, design-space search with the
 * cycle-level simulator (prepare), int8 functional execution (run), simulated metrics and extras (report),
 * and the architecture export (config). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "spatial_dse.h"
#include "spatial_explore.h"
#include "spatial_int8.h"
#include "spatial_opts.h"

typedef struct sp_state {
    rb_problem p;
    sp_opts opts;
    sp_arch arch;
    sp_shape shape;
    sp_dse_result dse;
    sp_qmodel q;
} sp_state;

static int sp_probe(rb_status *why)
{
    (void)why;
    return 0; /* a pure software model: runs anywhere */
}

static void sp_release(void *state)
{
    sp_state *s = state;
    if (!s)
        return;
    sp_dse_free(&s->dse);
    sp_qmodel_free(&s->q);
    free(s);
}

static int sp_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state,
                      rb_status *st)
{
    char err[RB_MSG_MAX];
    sp_state *s = calloc(1, sizeof *s);
    if (!s)
        return rb_fail(st, "spatial: out of memory");
    s->p = *p;
    if (sp_opts_load(opt, &s->opts, &s->arch, err, sizeof err) != 0) {
        free(s);
        return rb_fail(st, "spatial: %s", err);
    }
    sp_shape_from_problem(&s->shape, p, s->opts.mode);
    if (sp_dse(&s->arch, &s->shape, 0, &s->dse, err, sizeof err) != 0) {
        free(s);
        return rb_fail(st, "spatial: %s", err);
    }
    if (w && sp_qmodel_init(&s->q, p, w, &s->arch, s->opts.mode) != 0) {
        sp_release(s);
        return rb_fail(st, "spatial: out of memory quantising weights");
    }
    *state = s;
    return 0;
}

static int sp_run(void *state, const float *x, float *y, double *device_ms, rb_status *st)
{
    sp_state *s = state;
    (void)device_ms; /* simulated: the latency comes from report() */
    if (!s->q.Wq)
        return rb_fail(st, "spatial: prepared without weights");
    if (sp_qmodel_run(&s->q, &s->p, x, y) != 0)
        return rb_fail(st, "spatial: out of memory in functional execution");
    return 0;
}

static int sp_report(void *state, const float *x, rb_metrics *m, rb_status *st)
{
    sp_state *s = state;
    (void)x;
    (void)st;
    const sp_arch *a = &s->arch;
    const sp_dse_result *d = &s->dse;
    const sp_mapping *mp = &d->best;
    m->latency_ms = d->sim.latency_ms;
    m->latency_source = RB_SRC_SIMULATED;
    m->energy_j = d->cost.energy_j;
    m->energy_source = RB_SRC_SIMULATED;
    m->power_w = d->cost.power_w;
    m->power_source = RB_SRC_SIMULATED;
    m->area_mm2 = d->cost.area_chip_mm2;
    m->area_source = RB_SRC_SIMULATED;
    m->peak_gflops = sp_arch_peak_gops(a);
    m->peak_source = RB_SRC_MODELED;
    m->recurrent_only = s->opts.mode == SP_INPUT_SKIP;
    snprintf(m->device, sizeof m->device, "Plasticine-like %s (%d PCU + %d PMU, %g MHz, int%d/acc%d)", a->name,
             a->pcus, a->pmus, a->clock_mhz, a->mul_bits, a->acc_bits);
    /* compact values: the results table keeps all extras of a row in 512 characters */
    rb_metrics_extra(m, "arch", "%s", a->name);
    rb_metrics_extra(m, "tdp_w", "%g", a->chip_power_w); /* the chip's power budget: `report --paper` TDP ratios */
    rb_metrics_extra(m, "input", "%s", sp_input_mode_name(s->opts.mode));
    rb_metrics_extra(m, "hu", "%d", mp->f.hu);
    rb_metrics_extra(m, "ru", "%d", mp->f.ru);
    rb_metrics_extra(m, "rv", "%d", mp->f.rv);
    rb_metrics_extra(m, "gp", "%d", mp->f.gp);
    rb_metrics_extra(m, "pcus", "%d/%d", mp->pcus, a->pcus);
    rb_metrics_extra(m, "pmus", "%d/%d", mp->pmus, a->pmus);
    rb_metrics_extra(m, "util", "%.3f", d->cost.util_chip);
    rb_metrics_extra(m, "util_alloc", "%.3f", d->cost.util_alloc);
    rb_metrics_extra(m, "cands", "%ld/%ld/%d", d->examined, d->legal, d->simulated);
    rb_metrics_extra(m, "weights", "%s", mp->dram_streamed ? "dram-streamed" : "on-chip");
    rb_metrics_extra(m, "cyc_step", "%.0f", d->sim.steady_step);
    rb_metrics_extra(m, "depth", "%d", mp->pipeline_depth);
    rb_metrics_extra(m, "sim_steps", "%d", d->sim.steps_simulated);
    rb_metrics_extra(m, "cf_ms", "%.5g", d->model.latency_ms);
    rb_metrics_extra(m, "area_alloc", "%.1f", d->cost.area_alloc_mm2);
    return 0;
}

static int sp_config(const rb_options *opt, char (*key)[RB_OPT_KEY_MAX], char (*val)[RB_OPT_VAL_MAX], int max)
{
    sp_opts o;
    sp_arch a;
    char err[RB_MSG_MAX];
    int n = 0;
    if (sp_opts_load(opt, &o, &a, err, sizeof err) != 0) {
        if (max > 0) {
            snprintf(key[0], RB_OPT_KEY_MAX, "error");
            snprintf(val[0], RB_OPT_VAL_MAX, "%.200s", err);
            return 1;
        }
        return 0;
    }
    if (n < max) {
        snprintf(key[n], RB_OPT_KEY_MAX, "input_mode");
        snprintf(val[n], RB_OPT_VAL_MAX, "%s", sp_input_mode_name(o.mode));
        n++;
    }
    return n + sp_arch_export(&a, key + n, val + n, max - n);
}

/* `rnnbench explore --backend spatial`: the design space as CSV. */
static int sp_explore(const rb_problem *p, const rb_options *opt, FILE *out, rb_status *st)
{
    char err[RB_MSG_MAX];
    if (rb_spatial_explore_csv(p, opt, out, err, sizeof err) != 0)
        return rb_fail(st, "%s", err);
    return 0;
}

static const rb_option_spec sp_options[] = {
    {"arch", RB_OPT_TEXT, "serving|baseline|serving-1mac|FILE", "serving", "architecture description"},
    {"input", RB_OPT_ENUM, "skip|full", "skip", "skip: W x precomputed (DeepBench); full: W x and U h on chip"},
    {NULL, 0, NULL, NULL, NULL},
};

/* Parses the options and loads the architecture file, so a bad one is rejected before any work. */
static int sp_check_options(const rb_options *opt, rb_status *why)
{
    sp_opts o;
    sp_arch a;
    char err[RB_MSG_MAX];
    if (sp_opts_load(opt, &o, &a, err, sizeof err) != 0)
        return rb_fail(why, "%s", err);
    return 0;
}

/* int8 weights and activations, 32-bit accumulation, 1024-entry LUT activations: measured max_rel_err 2-4 % on the
 * paper suite (tests bound the absolute error by 0.06). */
static double sp_error_bound(const rb_problem *p, const rb_options *opt)
{
    (void)p, (void)opt;
    return 0.08;
}

const rb_backend rb_backend_spatial = {
    .name = "spatial",
    .summary = "simulated Plasticine-like spatial accelerator, loop-based RNN mapping + DSE (int8)",
    .kind = RB_SIMULATED,
    .probe = sp_probe,
    .prepare = sp_prepare,
    .run = sp_run,
    .report = sp_report,
    .release = sp_release,
    .config = sp_config,
    .explore = sp_explore,
    .options = sp_options,
    .check_options = sp_check_options,
    .error_bound = sp_error_bound,
};
