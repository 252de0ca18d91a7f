/* tests/test_spatial_suite.c — the spatial backend end to end: the whole paper suite explored and simulated
 * (the time is printed, not asserted), every task on chip on the serving configuration, and the backend
 * interface (options, prepare/run/report/config, explore CSV). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "backend.h"
#include "spatial_dse.h"
#include "spatial_explore.h"
#include "spatial_opts.h"

extern const rb_backend rb_backend_spatial;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

START_TEST(paper_suite_explored)
{
    rb_problem *ps;
    size_t n;
    ck_assert_int_eq(rb_suite_get("paper", &ps, &n), 0);
    ck_assert_int_eq(n, 11);
    sp_arch a;
    sp_opts o;
    char err[256] = "";
    ck_assert_msg(sp_opts_load(NULL, &o, &a, err, sizeof err) == 0, "%s", err);
    double t0 = now_s();
    long examined = 0;
    for (size_t i = 0; i < n; i++) {
        sp_shape s;
        sp_shape_from_problem(&s, &ps[i], SP_INPUT_SKIP);
        sp_dse_result r;
        ck_assert_msg(sp_dse(&a, &s, 0, &r, err, sizeof err) == 0, "%s", err);
        examined += r.examined;
        ck_assert_int_eq(r.best.dram_streamed, 0);
        ck_assert(r.sim.latency_ms > 0);
        ck_assert(fabs(r.sim.total_cycles - r.model.total_cycles) <= 0.05 * r.model.total_cycles);
        ck_assert(r.cost.util_chip > 0 && r.cost.util_chip <= 1.0);
        ck_assert(r.cost.power_w > 0 && r.cost.power_w <= a.chip_power_w * 1.1);
        double tflops = rb_flops_deepbench(&ps[i]) / (r.sim.latency_ms * 1e-3) / 1e12;
        printf("%-16s hu=%3d ru=%2d rv=%2d gp=%d PCU %3d PMU %3d  %8.4f ms  %6.2f TFLOPS(DeepBench)  %6.1f W\n",
               ps[i].name, r.best.f.hu, r.best.f.ru, r.best.f.rv, r.best.f.gp, r.best.pcus, r.best.pmus,
               r.sim.latency_ms, tflops, r.cost.power_w);
        sp_dse_free(&r);
    }
    double dt = now_s() - t0;
    printf("paper suite: %zu tasks, %ld mapping points, explored and simulated in %.3f s\n", n, examined, dt);
    free(ps);
}
END_TEST

static void set_opt(rb_options *o, const char *k, const char *v)
{
    snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", k);
    snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%s", v);
    o->n++;
}

static const char *extra(const rb_metrics *m, const char *key)
{
    for (int i = 0; i < m->n_extras; i++)
        if (strcmp(m->extra_key[i], key) == 0)
            return m->extra_val[i];
    return NULL;
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

    rb_options opt = { 0 };
    set_opt(&opt, "arch", "baseline");
    set_opt(&opt, "input", "full");
    void *state = NULL;
    ck_assert_msg(b->prepare(&p, &w, &opt, &state, &st) == 0, "%s", st.msg);
    double dev = -1;
    ck_assert_msg(b->run(state, x, y, &dev, &st) == 0, "%s", st.msg);
    double ma, mr;
    rb_compare(y, ref, n, &ma, &mr);
    ck_assert(ma < 0.06);
    rb_metrics m;
    rb_metrics_init(&m);
    ck_assert_msg(b->report(state, x, &m, &st) == 0, "%s", st.msg);
    ck_assert_int_eq(m.latency_source, RB_SRC_SIMULATED);
    ck_assert_int_eq(m.energy_source, RB_SRC_SIMULATED);
    ck_assert_int_eq(m.power_source, RB_SRC_SIMULATED);
    ck_assert_int_eq(m.area_source, RB_SRC_SIMULATED);
    ck_assert(m.latency_ms > 0 && m.energy_j > 0 && m.power_w > 0);
    ck_assert_double_eq_tol(m.area_mm2, 113.0, 1e-9);
    ck_assert_double_eq_tol(m.energy_j, m.power_w * m.latency_ms * 1e-3, 1e-12);
    ck_assert_ptr_nonnull(strstr(m.device, "plasticine-baseline-16x8"));
    ck_assert_str_eq(extra(&m, "input"), "full");
    ck_assert_str_eq(extra(&m, "weights"), "on-chip");
    ck_assert_ptr_nonnull(extra(&m, "hu"));
    ck_assert_ptr_nonnull(extra(&m, "cyc_step"));
    ck_assert_ptr_nonnull(extra(&m, "depth"));
    size_t total = 0;
    for (int i = 0; i < m.n_extras; i++)
        total += strlen(m.extra_key[i]) + strlen(m.extra_val[i]) + 2;
    ck_assert_int_lt(total, 512); /* fits the results table's extras column */
    b->release(state);

    /* bad options */
    rb_options bad = { 0 };
    set_opt(&bad, "input", "sometimes");
    ck_assert_int_eq(b->prepare(&p, &w, &bad, &state, &st), -1);
    ck_assert_ptr_nonnull(strstr(st.msg, "spatial.input"));
    rb_options bad2 = { 0 };
    set_opt(&bad2, "lanes", "8");
    ck_assert_int_eq(b->prepare(&p, &w, &bad2, &state, &st), -1);
    ck_assert_ptr_nonnull(strstr(st.msg, "unknown option"));
    rb_options bad3 = { 0 };
    set_opt(&bad3, "arch", RB_TEST_TMPDIR "/missing.arch");
    ck_assert_int_eq(b->prepare(&p, &w, &bad3, &state, &st), -1);
    ck_assert_ptr_nonnull(strstr(st.msg, "missing.arch"));

    /* config exports the architecture */
    char key[32][RB_OPT_KEY_MAX], val[32][RB_OPT_VAL_MAX];
    int nk = b->config(NULL, key, val, 32);
    ck_assert_int_ge(nk, 10);
    ck_assert_str_eq(key[0], "input_mode");
    ck_assert_str_eq(val[0], "skip");
    ck_assert_str_eq(val[1], "plasticine-serving-24x24");

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
    ck_assert_ptr_nonnull(strstr(line, "hu,ru,rv,gp,pcus,pmus"));
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
    tcase_add_test(tc, paper_suite_explored);
    tcase_add_test(tc, backend_interface);
    tcase_add_test(tc, explore_csv);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
