/* tests/test_spatial_suite.c — the spatial backend end to end on the paper's chip: the paper suite explored and
 * simulated (the search time is printed, not asserted), the three Plasticine rows the paper publishes (latency
 * within 5 %, power within 15 %), the geomean speedups over the paper's V100 and Brainwave columns (within 10 %
 * of its 29.8x and 1.97x), mapping=paper and capacity=stream on the paper's tasks, and the backend interface
 * (options, prepare/run/report/config, extras, numerics id, report without run, explore CSV).
 *
 * Figures from "Serving Recurrent Neural Networks Efficiently with a Spatial Accelerator" (Zhao, Zhang,
 * Olukotun, SysML 2019), Table 6 (batch 1): the V100 and Brainwave latency columns for its 11 tasks, and the
 * Plasticine latency and power of the three tasks it gives (the other eight are held back as an independent
 * check of the model). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "backend.h"
#include "spatial_explore.h"
#include "spatial_opts.h"

extern const rb_backend rb_backend_spatial;

/* Table 6, in the order of the paper suite (rb_suite_get("paper")) */
static const struct {
    const char *task;
    double v100_ms, bw_ms, plasticine_ms, plasticine_w; /* 0: not published */
} TABLE6[11] = {
    { "LSTM 256/150", 1.69, 0.425, 0.0419, 28.5 },  { "LSTM 512/25", 0.60, 0.077, 0, 0 },
    { "LSTM 1024/25", 0.71, 0.074, 0.0292, 97.2 },  { "LSTM 1536/50", 4.38, 0.145, 0, 0 },
    { "LSTM 2048/25", 1.55, 0.074, 0, 0 },          { "GRU 512/1", 0.39, 0.013, 0, 0 },
    { "GRU 1024/1500", 33.77, 3.792, 1.4430, 109.1 }, { "GRU 1536/375", 13.12, 0.951, 0, 0 },
    { "GRU 2048/375", 17.70, 0.954, 0, 0 },         { "GRU 2560/375", 23.57, 0.993, 0, 0 },
    { "GRU 2816/750", 55.48, 1.987, 0, 0 },
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void set_opt(rb_options *o, const char *k, const char *v)
{
    snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", k);
    snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%s", v);
    o->n++;
}

/* Plans every paper task with the options; fills latency (ms) and power (W). */
static void plan_suite(const rb_options *opt, double *ms, double *w, sp_dse_result *keep, int print)
{
    rb_problem *ps;
    size_t n;
    ck_assert_int_eq(rb_suite_get("paper", &ps, &n), 0);
    ck_assert_int_eq(n, 11);
    sp_arch a;
    sp_opts o;
    char err[256] = "";
    ck_assert_msg(sp_opts_load(opt, &o, &a, err, sizeof err) == 0, "%s", err);
    for (size_t i = 0; i < n; i++) {
        sp_dse_result r;
        int suspect;
        ck_assert_msg(sp_plan(&o, &a, &ps[i], &r, 0, &suspect, err, sizeof err) == 0, "%s", err);
        ck_assert(fabs(r.sim.total_cycles - r.model.total_cycles) <= 0.002 * r.model.total_cycles);
        ck_assert(r.cost.util_chip > 0 && r.cost.util_chip <= 1.0);
        ck_assert(r.cost.power_w > 0 && r.cost.power_w <= a.chip_power_w);
        ms[i] = r.sim.latency_ms;
        w[i] = r.cost.power_w;
        if (print)
            printf("%-15s hu=%2d ru=%2d rv=%2d PCU %3d PMU %3d  %5.0f cyc/step (%s)  %8.4f ms  %6.1f W%s\n",
                   TABLE6[i].task, r.best.f.hu, r.best.f.ru, r.best.f.rv, r.best.pcus, r.best.pmus,
                   r.sim.steady_step, r.sim.write_bound ? "write-back" : "issue", ms[i], w[i],
                   r.best.weights_fit ? "" : "  weights do not fit");
        if (keep)
            keep[i] = r;
        else
            sp_dse_free(&r);
    }
    free(ps);
}

START_TEST(paper_suite_and_calibration_rows)
{
    double ms[11], w[11];
    double t0 = now_s();
    plan_suite(NULL, ms, w, NULL, 1);
    double dt = now_s() - t0;
    double lv = 0, lb = 0;
    for (int i = 0; i < 11; i++) {
        lv += log(TABLE6[i].v100_ms / ms[i]);
        lb += log(TABLE6[i].bw_ms / ms[i]);
        if (TABLE6[i].plasticine_ms > 0) {
            double el = ms[i] / TABLE6[i].plasticine_ms - 1, ep = w[i] / TABLE6[i].plasticine_w - 1;
            printf("  %-15s latency %+.1f %%, power %+.1f %% against the paper's Table 6\n", TABLE6[i].task,
                   100 * el, 100 * ep);
            ck_assert_msg(fabs(el) <= 0.05, "%s: latency %.5f ms, the paper's %.4f ms", TABLE6[i].task, ms[i],
                          TABLE6[i].plasticine_ms);
            ck_assert_msg(fabs(ep) <= 0.15, "%s: power %.1f W, the paper's %.1f W", TABLE6[i].task, w[i],
                          TABLE6[i].plasticine_w);
        }
    }
    double gv = exp(lv / 11), gb = exp(lb / 11);
    printf("geomean speedup over the paper's V100 column %.2fx (paper 29.8x), over its Brainwave column %.3fx "
           "(paper 1.97x); paper suite searched and simulated in %.3f s\n", gv, gb, dt);
    ck_assert_msg(fabs(gv / 29.8 - 1) <= 0.10, "V100 geomean %.2f", gv);
    ck_assert_msg(fabs(gb / 1.97 - 1) <= 0.10, "Brainwave geomean %.3f", gb);
    /* the paper's text: both serve every task within 5 ms */
    for (int i = 0; i < 11; i++)
        ck_assert_msg(ms[i] < 5.0, "%s: %.3f ms", TABLE6[i].task, ms[i]);
}
END_TEST

START_TEST(paper_points_and_streaming)
{
    rb_options opt = { 0 };
    set_opt(&opt, "mapping", "paper");
    double ms[11], w[11], base[11], bw[11];
    plan_suite(NULL, base, bw, NULL, 0);
    plan_suite(&opt, ms, w, NULL, 0);
    /* the paper's LSTM points reproduce its LSTM rows as well as the search does */
    ck_assert(fabs(ms[0] / TABLE6[0].plasticine_ms - 1) <= 0.05);
    ck_assert(fabs(ms[2] / TABLE6[2].plasticine_ms - 1) <= 0.05);
    for (int i = 0; i < 11; i++)
        ck_assert(ms[i] >= base[i] * (1 - 1e-9)); /* the search never loses to a pinned point */
    /* the printed GRU point issues twice the vectors the paper's own GRU 1024 latency allows */
    ck_assert(ms[6] > 1.5 * TABLE6[6].plasticine_ms);

    rb_options st = { 0 };
    set_opt(&st, "capacity", "stream");
    sp_dse_result r[11];
    plan_suite(&st, ms, w, r, 0);
    int unfit = 0;
    for (int i = 0; i < 11; i++) {
        /* streaming never helps; where no mapping holds the weights the excess costs DRAM time every step */
        ck_assert(ms[i] >= base[i] * (1 - 1e-9));
        if (!r[i].best.weights_fit) {
            unfit++;
            ck_assert(ms[i] > base[i]);
        }
        sp_dse_free(&r[i]);
    }
    /* at least LSTM 2048, GRU 2560 and GRU 2816, whose W+U exceed 31.5 MiB at 8 bits */
    ck_assert_int_ge(unfit, 3);
}
END_TEST

static const char *extra(const rb_metrics *m, const char *key)
{
    for (int i = 0; i < m->n_extras; i++)
        if (strcmp(m->extra_key[i], key) == 0)
            return m->extra_val[i];
    return NULL;
}

static void check_extras_fit(const rb_metrics *m)
{
    size_t total = 0;
    for (int i = 0; i < m->n_extras; i++)
        total += strlen(m->extra_key[i]) + strlen(m->extra_val[i]) + 2;
    ck_assert_msg(total < 512, "extras take %zu characters", total); /* the results table's extras column */
}

START_TEST(backend_interface)
{
    const rb_backend *b = &rb_backend_spatial;
    ck_assert_str_eq(b->name, "spatial");
    ck_assert_int_eq(b->kind, RB_SIMULATED);
    rb_status st = { "" };
    ck_assert_int_eq(b->probe(&st), 0);

    rb_problem p = { RB_CELL_GRU, 64, 64, 1, 6, "" };
    rb_problem_default_name(&p);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 7), 0);
    float *x = rb_inputs_make(&p, 8);
    size_t n = rb_output_len(&p);
    float *y = calloc(n, sizeof *y), *ref = calloc(n, sizeof *ref);
    ck_assert_int_eq(rb_reference_forward(&p, &w, x, ref), 0);

    /* defaults: the paper's chip, full input, search, on chip, fp8 e4m3 */
    void *state = NULL;
    ck_assert_msg(b->prepare(&p, &w, NULL, &state, &st) == 0, "%s", st.msg);
    rb_metrics m;
    rb_metrics_init(&m);
    ck_assert_msg(b->report(state, x, &m, &st) == 0, "%s", st.msg); /* before run: the output may be cached */
    ck_assert_int_eq(m.latency_source, RB_SRC_SIMULATED);
    ck_assert_int_eq(m.power_source, RB_SRC_SIMULATED);
    ck_assert(m.latency_ms > 0 && m.energy_j > 0 && m.power_w > 0);
    ck_assert_double_eq_tol(m.area_mm2, 494.37, 1e-9);
    ck_assert_double_eq_tol(m.energy_j, m.power_w * m.latency_ms * 1e-3, 1e-12);
    ck_assert_ptr_nonnull(strstr(m.device, "plasticine-sysml19"));
    ck_assert_str_eq(extra(&m, "input"), "full");
    ck_assert_str_eq(extra(&m, "mapping"), "search");
    ck_assert_str_eq(extra(&m, "capacity"), "onchip");
    ck_assert_str_eq(extra(&m, "weights"), "on chip");
    ck_assert_str_eq(extra(&m, "numerics"), "fp8-e4m3");
    ck_assert_ptr_nonnull(extra(&m, "hu_ru_rv"));
    ck_assert_ptr_nonnull(strstr(extra(&m, "pcu"), "mvm"));
    ck_assert_ptr_nonnull(strstr(extra(&m, "pmu"), "lut"));
    ck_assert_ptr_nonnull(extra(&m, "cyc_step"));
    ck_assert_int_eq(m.recurrent_only, 0);
    check_extras_fit(&m);
    double dev = -1;
    ck_assert_msg(b->run(state, x, y, &dev, &st) == 0, "%s", st.msg);
    double ma, mr;
    rb_compare(y, ref, n, &ma, &mr);
    ck_assert(mr < b->error_bound(&p, NULL));
    b->release(state);

    /* the numerics identifier names what the output depends on, and nothing else */
    char id1[128], id2[128];
    ck_assert_int_eq(b->numerics_id(NULL, id1, sizeof id1), 0);
    ck_assert_str_eq(id1, "spatial/fp8-e4m3/full/lut1024[-8,8)");
    rb_options pin = { 0 };
    set_opt(&pin, "mapping", "2,2,16");
    ck_assert_int_eq(b->numerics_id(&pin, id2, sizeof id2), 0);
    ck_assert_str_eq(id1, id2); /* the mapping does not change the output */
    rb_options i8 = { 0 };
    set_opt(&i8, "numerics", "int8");
    set_opt(&i8, "input", "skip");
    ck_assert_int_eq(b->numerics_id(&i8, id2, sizeof id2), 0);
    ck_assert_str_eq(id2, "spatial/int8/skip/lut1024[-8,8)");
    ck_assert(b->error_bound(&p, &i8) < b->error_bound(&p, NULL));

    /* a pinned point on a what-if chip, int8, skip */
    rb_options opt = { 0 };
    set_opt(&opt, "arch", "isca17");
    set_opt(&opt, "input", "skip");
    set_opt(&opt, "numerics", "int8");
    set_opt(&opt, "mapping", "2,2,16");
    ck_assert_msg(b->prepare(&p, &w, &opt, &state, &st) == 0, "%s", st.msg);
    ck_assert_msg(b->run(state, x, y, &dev, &st) == 0, "%s", st.msg);
    rb_compare(y, ref, n, &ma, &mr);
    ck_assert(mr < b->error_bound(&p, &opt));
    rb_metrics_init(&m);
    ck_assert_msg(b->report(state, x, &m, &st) == 0, "%s", st.msg);
    ck_assert_double_eq_tol(m.area_mm2, 113.0, 1e-9);
    ck_assert_str_eq(extra(&m, "hu_ru_rv"), "2,2,16");
    ck_assert_str_eq(extra(&m, "mapping"), "pinned");
    ck_assert_str_eq(extra(&m, "numerics"), "int8");
    ck_assert_int_eq(m.recurrent_only, 1);
    b->release(state);

    /* mapping=paper on a paper task: the GRU point as printed, flagged */
    rb_problem g = { RB_CELL_GRU, 512, 512, 1, 1, "" };
    rb_problem_default_name(&g);
    rb_options pp = { 0 };
    set_opt(&pp, "mapping", "paper");
    ck_assert_msg(b->prepare(&g, NULL, &pp, &state, &st) == 0, "%s", st.msg);
    rb_metrics_init(&m);
    ck_assert_msg(b->report(state, x, &m, &st) == 0, "%s", st.msg);
    ck_assert_str_eq(extra(&m, "hu_ru_rv"), "2,8,64");
    ck_assert_ptr_nonnull(extra(&m, "paper_point"));
    check_extras_fit(&m);
    b->release(state);
    ck_assert_int_eq(b->prepare(&p, NULL, &pp, &state, &st), -1); /* Table 7 has no GRU 64 */
    ck_assert_ptr_nonnull(strstr(st.msg, "Table 7"));

    /* weights that do not fit: LSTM 2048 on chip says so */
    rb_problem big = { RB_CELL_LSTM, 2048, 2048, 1, 2, "" };
    rb_problem_default_name(&big);
    ck_assert_msg(b->prepare(&big, NULL, NULL, &state, &st) == 0, "%s", st.msg);
    rb_metrics_init(&m);
    ck_assert_msg(b->report(state, x, &m, &st) == 0, "%s", st.msg);
    ck_assert_ptr_nonnull(strstr(extra(&m, "weights"), "do not fit on chip"));
    check_extras_fit(&m);
    b->release(state);

    /* bad options: through the declared table and check_options, and in prepare */
    const char *bad[][2] = { { "input", "sometimes" }, { "lanes", "8" },          { "mapping", "4,x" },
                             { "mapping", "0,8" },     { "mapping", "4,8,48" },    { "capacity", "dram" },
                             { "numerics", "fp16" },   { "arch", RB_TEST_TMPDIR "/missing.arch" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rb_options o = { 0 };
        set_opt(&o, bad[i][0], bad[i][1]);
        ck_assert_msg(rb_options_check(b, &o, &st) == -1, "%s=%s accepted", bad[i][0], bad[i][1]);
        ck_assert_int_eq(b->prepare(&p, &w, &o, &state, &st), -1);
    }
    rb_options f8i = { 0 };
    set_opt(&f8i, "numerics", "int8");
    set_opt(&f8i, "fp8", "e5m2");
    ck_assert_int_eq(rb_options_check(b, &f8i, &st), -1);
    ck_assert_ptr_nonnull(strstr(st.msg, "numerics=fp8"));

    /* config exports the architecture */
    char key[32][RB_OPT_KEY_MAX], val[32][RB_OPT_VAL_MAX];
    int nk = b->config(NULL, key, val, 32);
    ck_assert_int_ge(nk, 10);
    ck_assert_str_eq(key[0], "input_mode");
    ck_assert_str_eq(val[0], "full");
    ck_assert_str_eq(val[1], "fp8-e4m3/full/lut1024[-8,8)");

    rb_weights_free(&w);
    free(x);
    free(y);
    free(ref);
}
END_TEST

START_TEST(explore_csv)
{
    rb_problem p = { RB_CELL_LSTM, 128, 128, 1, 10, "" };
    rb_problem_default_name(&p);
    char path[] = RB_TEST_TMPDIR "/spatial_explore.csv";
    FILE *f = fopen(path, "w+");
    ck_assert_ptr_nonnull(f);
    char err[256] = "";
    ck_assert_msg(rb_spatial_explore_csv(&p, NULL, f, err, sizeof err) == 0, "%s", err);
    rewind(f);
    char line[512];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_ptr_nonnull(strstr(line, "hu,ru,rv,pcus,pmus,weights"));
    int rows = 0, chosen = 0, with_sim = 0;
    while (fgets(line, sizeof line, f)) {
        rows++;
        size_t len = strlen(line);
        if (len >= 3 && strcmp(line + len - 3, ",1\n") == 0)
            chosen++;
        if (!strstr(line, ",,"))
            with_sim++;
    }
    fclose(f);
    ck_assert_int_gt(rows, 100);
    ck_assert_int_eq(chosen, 1);
    ck_assert_int_eq(with_sim, SP_DSE_SIMULATE);
    rb_options bad = { 0 };
    set_opt(&bad, "arch", "/nonexistent/x.arch");
    ck_assert_int_eq(rb_spatial_explore_csv(&p, &bad, stdout, err, sizeof err), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spatial_suite");
    TCase *tc = tcase_create("suite");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, paper_suite_and_calibration_rows);
    tcase_add_test(tc, paper_points_and_streaming);
    tcase_add_test(tc, backend_interface);
    tcase_add_test(tc, explore_csv);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
