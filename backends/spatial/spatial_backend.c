/* backends/spatial/spatial_backend.c — the "spatial" backend: glue between the harness interface (backend.h)
 * and the accelerator model: options and architecture file, mapping (search, the paper's point or a pinned one)
 * with the cycle-level simulator (prepare), functional execution in fp8 or int8 numerics (run), simulated
 * metrics and extras (report), the architecture export (config) and the design-space dump (explore). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "spatial_explore.h"
#include "spatial_int8.h"
#include "spatial_opts.h"

typedef struct sp_state {
    rb_problem p;
    sp_opts opts;
    sp_arch arch;
    sp_dse_result dse;
    int paper_suspect;
    int quantised;
    sp_qmodel q;       /* numerics=int8 */
    sp_fp8_model f8;   /* numerics=fp8 */
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
    if (s->quantised) {
        if (s->opts.num == SP_NUM_INT8)
            sp_qmodel_free(&s->q);
        else
            sp_fp8_free(&s->f8);
    }
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
    if (sp_opts_load(opt, &s->opts, &s->arch, err, sizeof err) != 0 ||
        sp_plan(&s->opts, &s->arch, p, &s->dse, 0, &s->paper_suspect, err, sizeof err) != 0) {
        sp_release(s);
        return rb_fail(st, "spatial: %s", err);
    }
    if (w) {
        int rc = s->opts.num == SP_NUM_INT8 ? sp_qmodel_init(&s->q, p, w, &s->arch, s->opts.mode)
                                            : sp_fp8_init(&s->f8, p, w, &s->arch, s->opts.mode, s->opts.fp8);
        if (rc != 0) {
            sp_release(s);
            return rb_fail(st, "spatial: out of memory quantising weights");
        }
        s->quantised = 1;
    }
    *state = s;
    return 0;
}

static int sp_run(void *state, const float *x, float *y, double *device_ms, rb_status *st)
{
    sp_state *s = state;
    (void)device_ms; /* simulated: the latency comes from report() */
    if (!s->quantised)
        return rb_fail(st, "spatial: prepared without weights");
    int rc = s->opts.num == SP_NUM_INT8 ? sp_qmodel_run(&s->q, &s->p, x, y) : sp_fp8_run(&s->f8, &s->p, x, y);
    if (rc != 0)
        return rb_fail(st, "spatial: out of memory in functional execution");
    return 0;
}

/* The largest max_rel_err (max |y - ref| / max |ref|) each numerics guarantees: the worst measured over the paper
 * suite and the test shapes (README, "Numerics"), with headroom, and well below the 1.0 of an all-zero output. */
static double bound_for(const sp_opts *o)
{
    if (o->num == SP_NUM_INT8)
        return 0.08;
    return o->fp8 == &SP_FP8_E5M2 ? 0.55 : 0.30;
}

/* The metrics need only the plan made in prepare(); run() may not have been called (cached outputs). */
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
    m->area_source = RB_SRC_MODELED;
    m->peak_gflops = sp_arch_peak_gops(a);
    m->peak_source = RB_SRC_MODELED;
    m->recurrent_only = s->opts.mode == SP_INPUT_SKIP;
    char num[64];
    sp_numerics_name(&s->opts, a, num, sizeof num);
    *strchr(num, '/') = '\0';
    snprintf(m->device, sizeof m->device, "Plasticine %.48s (%d PCU + %d PMU, %g MHz, %.12s)", a->name, a->pcus,
             a->pmus, a->clock_mhz, num);
    /* compact values: the results table keeps all extras of a row in 512 characters */
    static const char *const map_name[3] = { "search", "paper", "pinned" };
    rb_metrics_extra(m, "arch", "%s", a->name);
    rb_metrics_extra(m, "tdp_w", "%g", a->chip_power_w); /* the chip's power budget: `report --paper` TDP ratios */
    rb_metrics_extra(m, "input", "%s", sp_input_mode_name(s->opts.mode));
    rb_metrics_extra(m, "mapping", "%s", map_name[s->opts.map]);
    rb_metrics_extra(m, "hu_ru_rv", "%d,%d,%d", mp->f.hu, mp->f.ru, mp->f.rv);
    if (s->paper_suspect)
        rb_metrics_extra(m, "paper_point", "GRU entry as printed, suspect");
    rb_metrics_extra(m, "pcu", "%d mvm+%d cmb+%d ew/%d", mp->pcu_mvm, mp->pcu_combine, mp->pcu_ew, a->pcus);
    rb_metrics_extra(m, "pmu", "%d w+%d xh+%d lut+%d st+%d b/%d", mp->pmu_weight, mp->pmu_xh, mp->pmu_lut,
                     mp->pmu_state, mp->pmu_bias, a->pmus);
    rb_metrics_extra(m, "capacity", "%s", sp_capacity_name(s->opts.cap));
    if (mp->weights_fit)
        rb_metrics_extra(m, "weights", "on chip");
    else
        rb_metrics_extra(m, "weights", "do not fit on chip (need %.0f PMUs, %d free), %s", mp->weight_pmus_needed,
                         mp->pmu_weight, mp->streamed_bytes_per_step > 0 ? "excess streamed" : "assumed resident");
    rb_metrics_extra(m, "numerics", "%s", num);
    rb_metrics_extra(m, "err_bound", "%g", bound_for(&s->opts));
    rb_metrics_extra(m, "cyc_step", "%.0f", d->sim.steady_step);
    rb_metrics_extra(m, "bound", "%s", d->sim.write_bound ? "write-back" : "issue");
    rb_metrics_extra(m, "util", "%.3f", d->cost.util_chip);
    rb_metrics_extra(m, "cf_ms", "%.5g", d->model.latency_ms);
    rb_metrics_extra(m, "cands", "%ld/%ld/%d", d->examined, d->legal, d->simulated);
    rb_metrics_extra(m, "area_alloc", "%.0f", d->cost.area_alloc_mm2);
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
    char num[64];
    sp_numerics_name(&o, &a, num, sizeof num);
    if (n < max) {
        snprintf(key[n], RB_OPT_KEY_MAX, "input_mode");
        snprintf(val[n], RB_OPT_VAL_MAX, "%s", sp_input_mode_name(o.mode));
        n++;
    }
    if (n < max) {
        snprintf(key[n], RB_OPT_KEY_MAX, "numerics");
        snprintf(val[n], RB_OPT_VAL_MAX, "%s", num);
        n++;
    }
    if (n < max) {
        snprintf(key[n], RB_OPT_KEY_MAX, "capacity");
        snprintf(val[n], RB_OPT_VAL_MAX, "%s", sp_capacity_name(o.cap));
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
    {"arch", RB_OPT_TEXT, "sysml19|sysml19-1mac|isca17|FILE", "sysml19",
     "architecture file: the paper's serving chip, or a what-if variant"},
    {"input", RB_OPT_ENUM, "full|skip", "full", "full: W x and U h on chip (the paper); skip: W x precomputed"},
    {"mapping", RB_OPT_TEXT, "search|paper|HU,RU[,RV]", "search",
     "design-space search, the paper's Table 7 point, or a pinned point"},
    {"capacity", RB_OPT_ENUM, "onchip|stream", "onchip",
     "weights that do not fit: assumed resident (the paper) or streamed from DRAM every step"},
    {"numerics", RB_OPT_ENUM, "fp8|int8", "fp8", "functional numerics: the paper's mixed fp8/16/32, or int8/int32"},
    {"fp8", RB_OPT_ENUM, "e4m3|e5m2", "e4m3", "8-bit float format (numerics=fp8)"},
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

static double sp_error_bound(const rb_problem *p, const rb_options *opt)
{
    (void)p;
    sp_opts o;
    char err[RB_MSG_MAX];
    if (sp_opts_parse(opt, &o, err, sizeof err) != 0)
        return 0.08;
    return bound_for(&o);
}

/* The output depends on the shape, the seed, the numerics, the input mode (skip quantises the projections) and
 * the activation tables of the architecture file; nothing else (not the mapping). */
static int sp_numerics_id(const rb_options *opt, char *out, size_t len)
{
    sp_opts o;
    sp_arch a;
    char err[RB_MSG_MAX];
    if (sp_opts_load(opt, &o, &a, err, sizeof err) != 0)
        return -1;
    char num[96];
    sp_numerics_name(&o, &a, num, sizeof num);
    snprintf(out, len, "spatial/%s", num);
    return 0;
}

const rb_backend rb_backend_spatial = {
    .name = "spatial",
    .summary = "simulated Plasticine (the SysML'19 serving chip), loop-based RNN mapping + DSE, fp8/int8",
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
    .numerics_id = sp_numerics_id,
};
