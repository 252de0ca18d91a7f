/* tests/test_spatial_sim.c — the cycle-level simulator against the closed-form estimate (within 5% over many
 * shapes, factors, both input modes and all three architectures), plus properties the simulation must show:
 * the per-step chain is paid once per step (loop-carried dependence), steady state is reached and
 * extrapolated, and DRAM streaming throttles issue. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_main.h"
#include "spatial_dse.h"
#include "spatial_load_arch.h"
#include "spatial_sim.h"

static unsigned long long rng = 88172645463325252ULL;
static int rnd(int lo, int hi) /* inclusive */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return lo + (int)(rng % (unsigned long long)(hi - lo + 1));
}

START_TEST(sim_matches_closed_form)
{
    const char *archs[3] = { NULL, "baseline", "serving" };
    int compared = 0, streamed = 0;
    double worst = 0;
    for (int ai = 0; ai < 3; ai++) {
        sp_arch a;
        load_arch(archs[ai], &a);
        int maxH = ai == 0 ? 48 : 1200;
        for (int n = 0; n < 900; n++) {
            /* every third point on the tiny chip is a problem too large for it (weights streamed) */
            int big = ai == 0 && n % 3 == 0;
            rb_problem p = { (rb_cell)rnd(0, 2), big ? rnd(30, 64) : rnd(1, maxH), 0, rnd(1, 3), rnd(1, 40), "" };
            p.input = rnd(0, 1) ? p.hidden : rnd(1, maxH);
            sp_shape s;
            sp_shape_from_problem(&s, &p, big ? SP_INPUT_FULL : (sp_input_mode)rnd(0, 1));
            int vecmax = a.lanes * a.macs_per_lane;
            int hmax = ai == 0 ? 4 : 64, rmax = ai == 0 ? 3 : 12;
            sp_factors f = { rnd(1, s.H < hmax ? s.H : hmax), rnd(1, rmax), 1 << rnd(0, 6), rnd(1, s.G) };
            if (f.rv > vecmax)
                f.rv = vecmax;
            sp_mapping m;
            sp_map(&a, &s, f, &m);
            if (!m.legal)
                continue;
            sp_timing sim, cf;
            ck_assert_int_eq(sp_simulate(&a, &s, &m, &sim), 0);
            sp_model_closed_form(&a, &s, &m, &cf);
            double rel = fabs(sim.total_cycles - cf.total_cycles) / cf.total_cycles;
            if (rel > worst)
                worst = rel;
            ck_assert_msg(rel <= 0.05,
                          "arch %d cell %d H=%d I=%d B=%d T=%d mode %d f=(%d,%d,%d,%d) streamed %d: sim %.0f cf %.0f",
                          ai, (int)s.cell, s.H, s.I, s.B, s.T, (int)s.mode, f.hu, f.ru, f.rv, f.gp, m.dram_streamed,
                          sim.total_cycles, cf.total_cycles);
            ck_assert(sim.steps_simulated >= 1 && sim.steps_simulated <= SP_SIM_MAX_STEPS);
            ck_assert_int_le(sim.max_ew_lanes, a.lanes);
            compared++;
            streamed += m.dram_streamed;
        }
    }
    printf("sim vs closed form: %d mappings compared (%d DRAM-streamed), worst difference %.3f%%\n", compared,
           streamed, worst * 100);
    ck_assert_int_gt(compared, 300);
    ck_assert_int_gt(streamed, 20);
}
END_TEST

/* A compute-bound step = issue cycles + the loop-carried chain, and every step pays the chain. */
START_TEST(loop_carried_chain)
{
    sp_arch a;
    load_arch("serving", &a);
    rb_problem p = { RB_CELL_LSTM, 256, 256, 1, 10, "" };
    sp_shape s;
    sp_shape_from_problem(&s, &p, SP_INPUT_SKIP);
    sp_mapping m;
    sp_map(&a, &s, (sp_factors){ 8, 2, 64, 4 }, &m);
    ck_assert(m.legal);
    sp_timing t;
    ck_assert_int_eq(sp_simulate(&a, &s, &m, &t), 0);
    ck_assert(t.steady_reached);
    ck_assert_int_eq((long)t.steady_step, m.n_issue + m.pipeline_depth - 1);
    ck_assert_int_eq(t.vector_issues, m.n_issue * m.f.hu);
    /* T steps cost T chains: doubling T adds T * step cycles */
    p.timesteps = 20;
    sp_shape s2;
    sp_shape_from_problem(&s2, &p, SP_INPUT_SKIP);
    sp_timing t2;
    ck_assert_int_eq(sp_simulate(&a, &s2, &m, &t2), 0);
    ck_assert_double_eq_tol(t2.total_cycles - t.total_cycles, 10 * t.steady_step, 0.5);
    /* lanes merge: 8 copies in one element-wise group finish their units in the same cycle */
    ck_assert_int_eq(t.max_ew_lanes, 8);
    /* a longer reduction per step: the issue count grows, the chain does not */
    sp_mapping m2;
    sp_map(&a, &s, (sp_factors){ 8, 1, 64, 4 }, &m2);
    ck_assert(m2.legal);
    ck_assert_int_eq(m2.n_issue, 2 * m.n_issue);
    sp_timing t3;
    ck_assert_int_eq(sp_simulate(&a, &s, &m2, &t3), 0);
    ck_assert_int_eq((long)t3.steady_step, m2.n_issue + m2.pipeline_depth - 1);
}
END_TEST

START_TEST(dram_streaming_throttles)
{
    sp_arch a;
    load_arch("baseline", &a);
    rb_problem p = { RB_CELL_LSTM, 2048, 2048, 1, 4, "" };
    sp_shape s;
    sp_shape_from_problem(&s, &p, SP_INPUT_SKIP);
    sp_mapping m;
    sp_map(&a, &s, (sp_factors){ 4, 1, 64, 2 }, &m);
    ck_assert(m.legal);
    ck_assert(m.dram_streamed);
    sp_timing t;
    ck_assert_int_eq(sp_simulate(&a, &s, &m, &t), 0);
    double bpc = sp_arch_dram_bytes_per_cycle(&a);
    double floor_cycles = (m.streamed_bytes_per_step + m.in_bytes_per_step) / bpc;
    ck_assert(t.steady_step >= floor_cycles);
    ck_assert(t.steady_step > m.n_issue + m.pipeline_depth);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spatial_sim");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sim_matches_closed_form);
    tcase_add_test(tc, loop_carried_chain);
    tcase_add_test(tc, dram_streaming_throttles);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
