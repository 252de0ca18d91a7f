/* tests/test_brainwave_model.c — the Brainwave latency model: the published 35.9 TFLOPS anchor, the < 4 ms
 * DeepBench claim, tiling/padding edge cases, the per-request overhead, monotonicity in H and T, batch, FLOP
 * conventions. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "check_main.h"
#include "bw_arch.h"
#include "bw_model.h"

#define ARCH_PATH RB_SOURCE_DIR "/backends/brainwave/bw_s10.arch"

static bw_arch arch;

static void load(void)
{
    char err[256];
    ck_assert_msg(bw_arch_load(ARCH_PATH, &arch, err, sizeof err) == 0, "%s", err);
}

static rb_problem prob(rb_cell c, int h, int i, int b, int t)
{
    rb_problem p = {.cell = c, .hidden = h, .input = i, .batch = b, .timesteps = t};
    rb_problem_default_name(&p);
    return p;
}

static bw_estimate est(const bw_arch *a, rb_problem p)
{
    bw_estimate e;
    char err[256];
    ck_assert_msg(bw_model_estimate(a, &p, &e, err, sizeof err) == 0, "%s", err);
    return e;
}

/* The same architecture with the dependency floor and step overhead removed: latency is pure MVM/MFU work. */
static bw_arch no_floor(void)
{
    bw_arch a = arch;
    a.v[BW_P_PIPE_LATENCY] = 0;
    a.v[BW_P_MFU_OP_LATENCY] = 0;
    a.v[BW_P_STEP_SYNC] = 0;
    a.v[BW_P_REQUEST_OVERHEAD] = 0;
    a.v[BW_P_MFU_LANES] = 400; /* MFU streaming never binding */
    return a;
}

START_TEST(peak_matches_published_totals)
{
    ck_assert_double_eq_tol(bw_arch_macs(&arch), 96000.0, 0.5);
    ck_assert_double_eq_tol(bw_arch_peak_gflops(&arch), 48000.0, 0.5);
}
END_TEST

START_TEST(anchor_gru_2816_t750_near_35_9_tflops)
{
    bw_estimate e = est(&arch, prob(RB_CELL_GRU, 2816, 2816, 1, 750));
    ck_assert_msg(fabs(e.gflops_full / 35900.0 - 1.0) < 0.10, "modeled %.1f GFLOP/s vs 35900", e.gflops_full);
    ck_assert_str_eq(e.bound, "mvm");
    ck_assert_int_eq(e.mvm_cycles, 640); /* 384 tiles over 6 engines, 10 cycles each */
    ck_assert_int_eq(e.tiles_total, 384);
}
END_TEST

/* The anchors' bounds (the published figures themselves are checked in test_brainwave_published.c). */
START_TEST(anchor_bounds_and_chain_lengths)
{
    bw_estimate g = est(&arch, prob(RB_CELL_GRU, 1024, 1024, 1, 1500));
    bw_estimate l = est(&arch, prob(RB_CELL_LSTM, 256, 256, 1, 150));
    ck_assert_str_eq(g.bound, "floor");
    ck_assert_str_eq(l.bound, "floor");
    ck_assert_int_gt(l.floor_cycles, g.floor_cycles); /* longer LSTM element-wise chain */
}
END_TEST

/* One request = request_overhead + T steps; the overhead dominates a single step and vanishes over long T. */
START_TEST(request_overhead_once_per_request)
{
    bw_estimate one = est(&arch, prob(RB_CELL_GRU, 512, 512, 1, 1));
    ck_assert_int_eq(one.overhead_cycles, (long)arch.v[BW_P_REQUEST_OVERHEAD]);
    ck_assert_int_eq(one.request_cycles, one.overhead_cycles + one.step_cycles);
    ck_assert_int_gt(one.overhead_cycles, 3 * one.step_cycles);
    ck_assert_double_eq_tol(one.latency_ms, one.request_cycles / 250e3, 1e-12);
    bw_estimate many = est(&arch, prob(RB_CELL_GRU, 512, 512, 1, 1500));
    ck_assert_int_eq(many.request_cycles, many.overhead_cycles + 1500L * many.step_cycles);
    ck_assert(many.overhead_cycles < many.request_cycles / 300);
}
END_TEST

START_TEST(every_deepbench_inference_batch1_under_4ms)
{
    rb_problem *p;
    size_t n;
    ck_assert_int_eq(rb_suite_get("deepbench-inference", &p, &n), 0);
    int checked = 0, saw_big = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].batch != 1)
            continue;
        bw_estimate e = est(&arch, p[i]);
        ck_assert_msg(e.latency_ms < 4.0, "%s: %.4f ms", p[i].name, e.latency_ms);
        ck_assert_msg(e.latency_ms > 0.0, "%s", p[i].name);
        saw_big |= p[i].cell == RB_CELL_GRU && p[i].hidden == 2816 && p[i].timesteps == 1500;
        checked++;
    }
    free(p);
    ck_assert_int_ge(checked, 20);
    ck_assert_msg(saw_big, "suite lacks GRU 2816/T=1500, the tightest case");
}
END_TEST

START_TEST(paper_suite_under_4ms_and_fits_on_chip)
{
    rb_problem *p;
    size_t n;
    ck_assert_int_eq(rb_suite_get("paper", &p, &n), 0);
    ck_assert_int_eq(n, 11);
    for (size_t i = 0; i < n; i++) {
        bw_estimate e = est(&arch, p[i]);
        ck_assert_msg(e.latency_ms < 4.0, "%s", p[i].name);
        ck_assert_msg(e.fits_mrf && e.fits_vrf, "%s: %.1f Mbit", p[i].name, e.weight_mbit);
        ck_assert(e.util_full <= 1.0 && e.util_full > 0.0);
    }
    free(p);
}
END_TEST

START_TEST(padding_h400_vs_h401)
{
    bw_arch a = no_floor();
    bw_estimate e400 = est(&a, prob(RB_CELL_GRU, 400, 400, 1, 10));
    bw_estimate e401 = est(&a, prob(RB_CELL_GRU, 401, 401, 1, 10));
    ck_assert_int_eq(e400.padded_h, 400);
    ck_assert_int_eq(e401.padded_h, 800);
    ck_assert_int_eq(e400.tiles_total, 6);  /* 3 gates x 1 x (1 + 1) */
    ck_assert_int_eq(e401.tiles_total, 24); /* 3 gates x 2 x (2 + 2) */
    ck_assert_int_eq(e400.mvm_cycles, 10);
    ck_assert_int_eq(e401.mvm_cycles, 40);
    ck_assert_double_eq_tol(e401.latency_ms / e400.latency_ms, 4.0, 1e-12);
    ck_assert_double_eq_tol(e400.mvu_util, 1.0, 1e-12);
    ck_assert(e401.mvu_util < 0.26);
    /* with the real floor both are latency-bound and equal */
    bw_estimate r400 = est(&arch, prob(RB_CELL_GRU, 400, 400, 1, 10));
    bw_estimate r401 = est(&arch, prob(RB_CELL_GRU, 401, 401, 1, 10));
    ck_assert_double_eq(r400.latency_ms, r401.latency_ms);
}
END_TEST

START_TEST(h1_pads_to_one_native_tile)
{
    bw_estimate v = est(&arch, prob(RB_CELL_VANILLA, 1, 1, 1, 1));
    ck_assert_int_eq(v.padded_h, 400);
    ck_assert_int_eq(v.tiles_total, 2);
    ck_assert_int_eq(v.tiles_used, 2);
    ck_assert_int_eq(v.mvm_cycles, 10);
    bw_estimate l = est(&arch, prob(RB_CELL_LSTM, 1, 1, 1, 1));
    ck_assert_int_eq(l.tiles_total, 8);
    ck_assert_int_eq(l.tiles_used, 6);
    ck_assert_int_eq(l.mvm_cycles, 20); /* 8 tiles need two rounds of the 6 engines */
    ck_assert_int_eq(l.step_cycles, l.floor_cycles + (long)arch.v[BW_P_STEP_SYNC]);
}
END_TEST

START_TEST(tiles_spread_over_engines_with_ceiling)
{
    bw_arch a = no_floor();
    bw_estimate six = est(&a, prob(RB_CELL_VANILLA, 400, 2000, 1, 1));   /* 1 x (5 + 1) = 6 tiles */
    bw_estimate seven = est(&a, prob(RB_CELL_VANILLA, 400, 2001, 1, 1)); /* 1 x (6 + 1) = 7 tiles */
    ck_assert_int_eq(six.tiles_total, 6);
    ck_assert_int_eq(seven.tiles_total, 7);
    ck_assert_int_eq(six.mvm_cycles, 10);
    ck_assert_int_eq(seven.mvm_cycles, 20);
    ck_assert_int_eq(seven.padded_i, 2400);
}
END_TEST

START_TEST(monotone_in_hidden)
{
    bw_arch nf = no_floor();
    const bw_arch *archs[2] = {&arch, &nf};
    for (int k = 0; k < 2; k++)
        for (int c = RB_CELL_LSTM; c <= RB_CELL_VANILLA; c++) {
            double prev = 0.0;
            for (int h = 1; h <= 4000; h += (h < 420 ? 1 : 13)) {
                bw_estimate e = est(archs[k], prob((rb_cell)c, h, h, 1, 25));
                ck_assert_msg(e.latency_ms >= prev, "cell %d H %d: %.6f < %.6f", c, h, e.latency_ms, prev);
                prev = e.latency_ms;
            }
        }
    /* strictly larger across a native-dimension boundary once MVM-bound */
    ck_assert(est(&arch, prob(RB_CELL_GRU, 2801, 2801, 1, 25)).latency_ms >
              est(&arch, prob(RB_CELL_GRU, 2800, 2800, 1, 25)).latency_ms);
}
END_TEST

START_TEST(affine_and_monotone_in_timesteps)
{
    double prev = 0.0;
    bw_estimate one = est(&arch, prob(RB_CELL_LSTM, 1536, 1536, 1, 1));
    double step_ms = one.step_cycles / 250e3;
    for (int t = 1; t <= 2000; t += 37) {
        bw_estimate e = est(&arch, prob(RB_CELL_LSTM, 1536, 1536, 1, t));
        ck_assert(e.latency_ms > prev);
        ck_assert_double_eq_tol(e.latency_ms, one.latency_ms + (t - 1) * step_ms, 1e-9 * t);
        prev = e.latency_ms;
    }
}
END_TEST

START_TEST(batch_is_served_serially)
{
    bw_estimate b1 = est(&arch, prob(RB_CELL_GRU, 1536, 1536, 1, 375));
    bw_estimate b4 = est(&arch, prob(RB_CELL_GRU, 1536, 1536, 4, 375));
    ck_assert_double_eq_tol(b4.latency_ms, 4.0 * b1.latency_ms, 1e-9);
    ck_assert_double_eq_tol(b4.gflops_full, b1.gflops_full, 1e-6);
}
END_TEST

START_TEST(flop_conventions_power_energy)
{
    bw_estimate e = est(&arch, prob(RB_CELL_LSTM, 1024, 1024, 1, 25));
    ck_assert_double_eq_tol(e.flops_full, 2.0 * 4 * 1024 * 2048.0 * 25, 1.0);
    ck_assert_double_eq_tol(e.flops_deepbench, 2.0 * 4 * 1024 * 1024.0 * 25, 1.0);
    ck_assert_double_eq_tol(e.gflops_full, 2.0 * e.gflops_deepbench, 1e-6);
    ck_assert_double_eq_tol(e.util_full, e.gflops_full / 48000.0, 1e-12);
    ck_assert_double_eq_tol(e.energy_j, 125.0 * e.latency_ms * 1e-3, 1e-12);
    ck_assert_double_eq_tol(e.step_us, e.step_cycles / 250.0, 1e-9);
}
END_TEST

START_TEST(mfu_streaming_can_bind)
{
    bw_arch a = arch;
    a.v[BW_P_MFU_LANES] = 1; /* a very narrow MFU: element-wise work dominates */
    bw_estimate e = est(&a, prob(RB_CELL_LSTM, 2048, 2048, 1, 1));
    ck_assert_str_eq(e.bound, "mfu");
    ck_assert_int_eq(e.mfu_cycles, 17L * 6 * 400 / 2);
}
END_TEST

START_TEST(on_chip_weight_capacity)
{
    /* 384 padded tiles x 160,000 elements x 3 bits + one 5-bit exponent per 400-element row block */
    bw_estimate e = est(&arch, prob(RB_CELL_GRU, 2816, 2816, 1, 750));
    ck_assert_double_eq_tol(e.weight_mbit, 384 * (160000.0 * 3 + 400 * 5) * 1e-6, 1e-9);
    ck_assert(e.fits_mrf);
    bw_arch fp9 = arch;
    fp9.v[BW_P_BFP_MANTISSA_BITS] = 3; /* 4 bits per element: 246 Mbit > 229 */
    ck_assert(!est(&fp9, prob(RB_CELL_GRU, 2816, 2816, 1, 750)).fits_mrf);
    ck_assert(est(&fp9, prob(RB_CELL_GRU, 2560, 2560, 1, 375)).fits_mrf);
}
END_TEST

START_TEST(invalid_problem_rejected)
{
    rb_problem p = prob(RB_CELL_GRU, 0, 10, 1, 1);
    bw_estimate e;
    char err[256] = "";
    ck_assert_int_eq(bw_model_estimate(&arch, &p, &e, err, sizeof err), -1);
    ck_assert(err[0] != '\0');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("brainwave_model");
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, load, NULL);
    tcase_add_test(tc, peak_matches_published_totals);
    tcase_add_test(tc, anchor_gru_2816_t750_near_35_9_tflops);
    tcase_add_test(tc, anchor_bounds_and_chain_lengths);
    tcase_add_test(tc, request_overhead_once_per_request);
    tcase_add_test(tc, every_deepbench_inference_batch1_under_4ms);
    tcase_add_test(tc, paper_suite_under_4ms_and_fits_on_chip);
    tcase_add_test(tc, padding_h400_vs_h401);
    tcase_add_test(tc, h1_pads_to_one_native_tile);
    tcase_add_test(tc, tiles_spread_over_engines_with_ceiling);
    tcase_add_test(tc, monotone_in_hidden);
    tcase_add_test(tc, affine_and_monotone_in_timesteps);
    tcase_add_test(tc, batch_is_served_serially);
    tcase_add_test(tc, flop_conventions_power_energy);
    tcase_add_test(tc, mfu_streaming_can_bind);
    tcase_add_test(tc, on_chip_weight_capacity);
    tcase_add_test(tc, invalid_problem_rejected);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
