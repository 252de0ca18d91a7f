/* tests/test_spatial_sim.c — the cycle-level simulator against the closed-form estimate (over many random
 * shapes, factors, input modes, capacity modes and all shipped architectures), plus properties the simulation
 * must show: the map-reduce's 2 + log2(lanes) + 1 latency and II = 1, the per-step chain paid once per step
 * (loop-carried dependence), the shared write-back bounding small steps, steady state reached and extrapolated,
 * and DRAM streaming throttling issue. */
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
    const char *archs[4] = { NULL, "isca17", "sysml19", "sysml19-1mac" };
    int compared = 0, streamed = 0, write_bound = 0;
    double worst = 0;
    for (int ai = 0; ai < 4; ai++) {
        sp_arch a;
        load_arch(archs[ai], &a);
        int maxH = ai == 0 ? 48 : 1200;
        for (int n = 0; n < 900; n++) {
            /* every third point on the tiny chip is a problem too large for it, with weights streamed */
            int big = ai == 0 && n % 3 == 0;
            rb_problem p = { (rb_cell)rnd(0, 2), big ? rnd(30, 64) : rnd(1, maxH), 0, rnd(1, 3), rnd(1, 40), "" };
            p.input = rnd(0, 1) ? p.hidden : rnd(1, maxH);
            sp_shape s;
            sp_shape_from_problem(&s, &p, big ? SP_INPUT_FULL : (sp_input_mode)rnd(0, 1),
                                  big ? SP_CAP_STREAM : (sp_capacity)rnd(0, 1));
            int vecmax = a.lanes * a.macs_per_lane;
            int hmax = ai == 0 ? 4 : 64, rmax = ai == 0 ? 3 : 12;
            sp_factors f = { rnd(1, s.H < hmax ? s.H : hmax), rnd(1, rmax), 1 << rnd(0, 6) };
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
            ck_assert_msg(rel <= 0.05, "arch %d cell %d H=%d I=%d B=%d T=%d mode %d f=(%d,%d,%d) streamed %g: sim %.0f cf %.0f",
                          ai, (int)s.cell, s.H, s.I, s.B, s.T, (int)s.mode, f.hu, f.ru, f.rv,
                          m.streamed_bytes_per_step, sim.total_cycles, cf.total_cycles);
            ck_assert(sim.steps_simulated >= 1 && sim.steps_simulated <= SP_SIM_MAX_STEPS);
            compared++;
            streamed += m.streamed_bytes_per_step > 0;
            write_bound += sim.write_bound;
        }
    }
    printf("sim vs closed form: %d mappings compared (%d DRAM-streamed, %d write-back bound), worst difference "
           "%.3f%%\n", compared, streamed, write_bound, worst * 100);
    ck_assert_int_gt(compared, 400);
    ck_assert_int_gt(streamed, 10);
    ck_assert_int_gt(write_bound, 20);
    ck_assert_msg(worst <= 0.002, "worst difference %.3f%% above 0.2%%", worst * 100);
}
END_TEST

/* An issue-bound step = issue cycles + the loop-carried chain, and every step pays the chain. */
START_TEST(loop_carried_chain)
{
    sp_arch a;
    load_arch("sysml19", &a);
    rb_problem p = { RB_CELL_LSTM, 1024, 1024, 1, 10, "" };
    sp_shape s;
    sp_shape_from_problem(&s, &p, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_mapping m;
    sp_map(&a, &s, (sp_factors){ 4, 8, 64 }, &m);
    ck_assert(m.legal);
    sp_timing t;
    ck_assert_int_eq(sp_simulate(&a, &s, &m, &t), 0);
    ck_assert(t.steady_reached);
    ck_assert(!t.write_bound);
    /* 256 units x 4 vectors back to back; the last unit's h reaches the write-back lat_to_write later and takes
     * 4 / w cycles to write; then the completion token and the control overhead */
    ck_assert_int_eq((long)t.issue_cycles, m.n_issue);
    double last = m.lat_read + m.n_issue - 1 + m.lat_to_write + 4.0 / a.h_writeback_per_cycle;
    ck_assert_int_eq((long)t.steady_step, (long)ceil(last) + m.lat_sync + m.lat_ctrl);
    ck_assert_int_eq(t.vector_issues, m.n_issue * m.f.hu);
    /* §4.1's PCU: a map-reduce of 2 + log2(16) + 1 = 7 cycles, pipelined at one vector per cycle */
    ck_assert_int_eq(m.lat_mvm, 7);
    /* T steps cost T chains: doubling T adds T * step cycles */
    p.timesteps = 20;
    sp_shape s2;
    sp_shape_from_problem(&s2, &p, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_timing t2;
    ck_assert_int_eq(sp_simulate(&a, &s2, &m, &t2), 0);
    ck_assert_double_eq_tol(t2.total_cycles - t.total_cycles, 10 * t.steady_step, 0.5);
    /* a longer reduction per step: the issue count grows, the chain does not */
    sp_mapping m2;
    sp_map(&a, &s, (sp_factors){ 4, 4, 64 }, &m2);
    ck_assert(m2.legal);
    ck_assert_int_eq(m2.n_issue, 2 * m.n_issue);
    sp_timing t3;
    ck_assert_int_eq(sp_simulate(&a, &s, &m2, &t3), 0);
    ck_assert_double_eq_tol(t3.steady_step - t.steady_step, (double)(m2.n_issue - m.n_issue) +
                                                              (m2.lat_to_write + m2.lat_sync) -
                                                              (m.lat_to_write + m.lat_sync), 1.0);
}
END_TEST

/* When the copies finish units faster than the write-back absorbs them, the step lasts H / w cycles after the
 * first unit arrives, however many copies work on it. */
START_TEST(write_back_bounds_small_steps)
{
    sp_arch a;
    load_arch("sysml19", &a);
    rb_problem p = { RB_CELL_LSTM, 256, 256, 1, 6, "" };
    sp_shape s;
    sp_shape_from_problem(&s, &p, SP_INPUT_FULL, SP_CAP_ONCHIP);
    double steps[2];
    int hus[2] = { 6, 8 };
    for (int i = 0; i < 2; i++) {
        sp_mapping m;
        sp_map(&a, &s, (sp_factors){ hus[i], 4, 64 }, &m);
        ck_assert_msg(m.legal, "%s", m.why);
        sp_timing t, cf;
        ck_assert_int_eq(sp_simulate(&a, &s, &m, &t), 0);
        sp_model_closed_form(&a, &s, &m, &cf);
        ck_assert(t.write_bound);
        ck_assert(cf.write_bound);
        double first = m.lat_read + m.n_k - 1 + m.lat_to_write;
        ck_assert_double_eq_tol(t.write_cycles, first + 256 / a.h_writeback_per_cycle, 1e-6);
        steps[i] = t.steady_step;
    }
    ck_assert(steps[1] >= steps[0] - 1); /* more copies do not help */
}
END_TEST

START_TEST(dram_streaming_throttles)
{
    sp_arch a;
    load_arch("isca17", &a);
    rb_problem p = { RB_CELL_LSTM, 2048, 2048, 1, 4, "" };
    sp_shape s;
    sp_shape_from_problem(&s, &p, SP_INPUT_SKIP, SP_CAP_STREAM);
    sp_mapping m;
    sp_map(&a, &s, (sp_factors){ 4, 2, 16 }, &m);
    ck_assert_msg(m.legal, "%s", m.why);
    ck_assert(m.streamed_bytes_per_step > 0);
    sp_timing t;
    ck_assert_int_eq(sp_simulate(&a, &s, &m, &t), 0);
    double bpc = sp_arch_dram_bytes_per_cycle(&a);
    ck_assert(t.steady_step >= (m.streamed_bytes_per_step + m.in_bytes_per_step) / bpc);
    ck_assert(t.steady_step > m.n_issue + m.lat_to_write);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spatial_sim");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sim_matches_closed_form);
    tcase_add_test(tc, loop_carried_chain);
    tcase_add_test(tc, write_back_bounds_small_steps);
    tcase_add_test(tc, dram_streaming_throttles);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
