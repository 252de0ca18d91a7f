/* tests/test_spatial_map.c — the spatial mapping and design-space search: resource accounting of legal mappings,
 * rejection of illegal ones, the resources that bind on the paper's chip, the DSE optimum vs brute force
 * (simulating every legal point) on small problems, weight capacity (assumed on chip, or streamed), and the
 * paper's Table 7 points. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "spatial_dse.h"
#include "spatial_load_arch.h"
#include "spatial_sim.h"

static sp_shape shape(rb_cell cell, int H, int I, int B, int T, sp_input_mode mode, sp_capacity cap)
{
    rb_problem p = { cell, H, I, B, T, "" };
    sp_shape s;
    sp_shape_from_problem(&s, &p, mode, cap);
    return s;
}

/* Independent check of a legal mapping's bookkeeping against the architecture and the problem. */
static void check_legal(const sp_arch *a, const sp_shape *s, const sp_mapping *m)
{
    const sp_factors f = m->f;
    ck_assert_int_le(m->pcus, a->pcus);
    ck_assert_int_le(m->pmus, a->pmus);
    ck_assert_int_le(f.rv, a->lanes * a->macs_per_lane);
    /* one PMU vector read per cycle feeds one MVM PCU: rv weights of mul_bits fit the vector port */
    ck_assert_int_le(f.rv * a->mul_bits, a->lanes * a->word_bits);
    ck_assert_int_eq(m->pcu_mvm, s->G * f.hu * f.ru);
    ck_assert_int_eq(m->pcus, m->pcu_mvm + m->pcu_combine + m->pcu_ew);
    ck_assert_int_eq(m->pmus, m->pmu_weight + m->pmu_xh + m->pmu_lut + m->pmu_state + m->pmu_bias);
    ck_assert_int_ge(m->pmu_weight, m->pcu_mvm); /* every MVM PCU reads its own weight PMU */
    ck_assert_int_eq(m->pmu_xh, a->xh_private ? m->pcu_mvm : f.ru);
    /* a combine tree of fan-in k reduces ru partial sums with ceil((ru-1)/(k-1)) PCUs */
    int k = sp_arch_combine_fanin(a);
    ck_assert_int_eq(m->pcu_combine, s->G * f.hu * (f.ru > 1 ? (f.ru - 2) / (k - 1) + 1 : 0));
    /* the tiling covers every weight */
    ck_assert_int_ge((long)f.hu * (m->n_units / s->B), s->H);
    ck_assert_int_lt((long)f.hu * (m->n_units / s->B - 1), s->H);
    long slice = (long)f.ru * f.rv;
    if (s->mode == SP_INPUT_FULL && s->cell == RB_CELL_GRU)
        ck_assert_int_eq(m->n_k, (s->I + slice - 1) / slice + (s->H + slice - 1) / slice);
    ck_assert_int_ge(slice * m->n_k, sp_reduction_len(s));
    double need = (double)s->G * s->H * sp_reduction_len(s) * a->mul_bits / 8.0;
    ck_assert(m->weight_bytes >= need);
    if (m->weights_fit) {
        ck_assert(m->weight_bytes <= (double)m->pmu_weight * a->pmu_bytes);
        ck_assert(m->streamed_bytes_per_step == 0);
    } else if (s->cap == SP_CAP_STREAM) {
        ck_assert(m->resident_bytes + m->streamed_bytes_per_step >= m->weight_bytes - 1e-6);
        ck_assert(m->resident_bytes <= (double)(m->pmu_weight - m->pcu_mvm) * a->pmu_bytes);
        ck_assert(m->streamed_bytes_per_step > 0);
    } else {
        ck_assert(m->streamed_bytes_per_step == 0);
        ck_assert(m->weight_pmus_needed > m->pmu_weight);
    }
    ck_assert_int_eq(m->lat_to_write, m->lat_mvm + m->lat_combine + m->lat_tail + m->lat_wb);
    ck_assert_int_eq(m->lat_mvm, sp_arch_mvm_latency(a));
}

START_TEST(legality_over_factor_space)
{
    sp_arch tiny, paper;
    load_arch(NULL, &tiny);
    load_arch("sysml19", &paper);
    const sp_arch *archs[2] = { &tiny, &paper };
    sp_shape shapes[5] = { shape(RB_CELL_LSTM, 24, 24, 1, 3, SP_INPUT_FULL, SP_CAP_ONCHIP),
                           shape(RB_CELL_GRU, 40, 17, 2, 2, SP_INPUT_FULL, SP_CAP_STREAM),
                           shape(RB_CELL_VANILLA, 33, 33, 1, 4, SP_INPUT_SKIP, SP_CAP_ONCHIP),
                           shape(RB_CELL_LSTM, 512, 512, 1, 2, SP_INPUT_FULL, SP_CAP_ONCHIP),
                           shape(RB_CELL_GRU, 2048, 2048, 1, 2, SP_INPUT_FULL, SP_CAP_STREAM) };
    long legal = 0, illegal = 0, unfit = 0;
    for (int ai = 0; ai < 2; ai++)
        for (int si = 0; si < 5; si++) {
            const sp_shape *s = &shapes[si];
            for (int hu = 1; hu <= 40; hu += 3)
                for (int ru = 1; ru <= 12; ru++)
                    for (int rv = 1; rv <= 64; rv++) {
                        sp_mapping m;
                        sp_map(archs[ai], s, (sp_factors){ hu, ru, rv }, &m);
                        if (m.legal) {
                            legal++;
                            unfit += !m.weights_fit;
                            check_legal(archs[ai], s, &m);
                        } else {
                            illegal++;
                            ck_assert(strlen(m.why) > 0);
                        }
                    }
        }
    ck_assert_int_gt(legal, 1000);
    ck_assert_int_gt(illegal, 1000);
    ck_assert_int_gt(unfit, 20);
}
END_TEST

START_TEST(illegal_reasons)
{
    sp_arch a;
    load_arch(NULL, &a);
    sp_shape s = shape(RB_CELL_LSTM, 24, 24, 1, 3, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_mapping m;
    sp_map(&a, &s, (sp_factors){ 1, 1, 3 }, &m); /* rv not a power of two */
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "rv=3"));
    sp_map(&a, &s, (sp_factors){ 1, 1, 16 }, &m); /* rv above lanes*macs = 8 */
    ck_assert(!m.legal);
    sp_map(&a, &s, (sp_factors){ 1, 7, 8 }, &m); /* 7 slices of 8 over K = 48: the last one is empty */
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "empty"));
    sp_map(&a, &s, (sp_factors){ 2, 2, 8 }, &m); /* 16 MVM PCUs > 12 */
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "PCUs"));
    sp_map(&a, &s, (sp_factors){ 2, 1, 8 }, &m); /* 8 MVM + 4 tail PCUs = 12 fit; 8 + 8 x/h + 14 tail PMUs do not */
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "PMUs"));
    sp_map(&a, &s, (sp_factors){ 1, 1, 8 }, &m);
    ck_assert(m.legal);
    /* hand count: 24 units, K = 48 in 6 vectors of 8; 4 MVM PCUs, no combine tree, 2 tail PCUs; PMUs: 4 x/h,
     * 5 LUT, 1 state (c), 1 bias; weights 4 x 24 x 48 = 4608 B -> 5 PMUs of 1 KiB */
    ck_assert_int_eq(m.n_units, 24);
    ck_assert_int_eq(m.n_k, 6);
    ck_assert_int_eq(m.n_issue, 24 * 6);
    ck_assert_int_eq(m.pcus, 4 + 0 + 2);
    ck_assert_int_eq(m.pmu_weight, 5);
    ck_assert_int_eq(m.pmus, 5 + 4 + 5 + 1 + 1);
    ck_assert(m.weights_fit);
    /* the chain: read 2 + 1 hop, map-reduce 2 + log2(4) + 1 = 5, one hop to the tail (no tree), the LSTM tail
     * (LUT 4+2+1, PCU 4+1, LUT, PCU = 24), h across the region (side ceil(sqrt(22)) = 5 hops) */
    ck_assert_int_eq(m.lat_read, 3);
    ck_assert_int_eq(m.lat_mvm, 5);
    ck_assert_int_eq(m.lat_combine, 1);
    ck_assert_int_eq(m.lat_tail, 24);
    ck_assert_int_eq(m.lat_wb, 5);
}
END_TEST

/* The paper's Table 7 points are legal on the paper's chip, and the resources bind where the paper's own
 * latencies say they must: LSTM 1024 cannot use 5 copies of 8 slices, GRU 1024 can, but not 6. */
START_TEST(paper_chip_binds)
{
    sp_arch a;
    load_arch("sysml19", &a);
    sp_mapping m;
    sp_shape l256 = shape(RB_CELL_LSTM, 256, 256, 1, 150, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_shape l1024 = shape(RB_CELL_LSTM, 1024, 1024, 1, 25, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_shape g1024 = shape(RB_CELL_GRU, 1024, 1024, 1, 1500, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_map(&a, &l256, (sp_factors){ 6, 4, 64 }, &m);
    ck_assert_msg(m.legal, "%s", m.why);
    sp_map(&a, &l1024, (sp_factors){ 4, 8, 64 }, &m);
    ck_assert_msg(m.legal, "%s", m.why);
    ck_assert_int_eq(m.n_k, 4);
    ck_assert_int_eq(m.n_issue, 1024);
    sp_map(&a, &l1024, (sp_factors){ 5, 8, 64 }, &m);
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "PCUs"));
    sp_map(&a, &g1024, (sp_factors){ 5, 8, 64 }, &m);
    ck_assert_msg(m.legal, "%s", m.why);
    ck_assert_int_eq(m.n_k, 2 + 2); /* x and h chunked apart for the n gate */
    sp_map(&a, &g1024, (sp_factors){ 6, 8, 64 }, &m);
    ck_assert(!m.legal);
    /* the printed GRU point is legal but issues twice the vectors the paper's GRU 1024 latency allows */
    sp_map(&a, &g1024, (sp_factors){ 2, 8, 64 }, &m);
    ck_assert(m.legal);
    ck_assert_int_eq(m.n_issue, 512 * 4);
}
END_TEST

/* Brute force: simulate every legal point of the whole factor space; the DSE must find the minimum. */
static void brute_force_case(const sp_arch *a, sp_shape s)
{
    double best = INFINITY;
    long legal = 0;
    int K = sp_reduction_len(&s);
    for (int hu = 1; hu <= s.H; hu++)
        for (int ru = 1; ru <= K; ru++)
            for (int rv = 1; rv <= a->lanes * a->macs_per_lane; rv++) {
                sp_mapping m;
                sp_map(a, &s, (sp_factors){ hu, ru, rv }, &m);
                if (!m.legal)
                    continue;
                legal++;
                sp_timing t;
                ck_assert_int_eq(sp_simulate(a, &s, &m, &t), 0);
                if (t.total_cycles < best)
                    best = t.total_cycles;
            }
    sp_dse_result r;
    char err[256] = "";
    ck_assert_msg(sp_dse(a, &s, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(r.sim.total_cycles == best, "cell %d H=%d: DSE %.0f cycles, brute force %.0f", (int)s.cell,
                  s.H, r.sim.total_cycles, best);
    ck_assert_int_eq(r.legal, legal);
    check_legal(a, &s, &r.best);
    sp_dse_free(&r);
}

START_TEST(dse_matches_brute_force)
{
    sp_arch a;
    load_arch(NULL, &a);
    brute_force_case(&a, shape(RB_CELL_VANILLA, 20, 20, 1, 3, SP_INPUT_SKIP, SP_CAP_ONCHIP));
    brute_force_case(&a, shape(RB_CELL_LSTM, 12, 12, 1, 2, SP_INPUT_FULL, SP_CAP_ONCHIP));
    brute_force_case(&a, shape(RB_CELL_GRU, 16, 9, 2, 2, SP_INPUT_FULL, SP_CAP_ONCHIP));
    brute_force_case(&a, shape(RB_CELL_LSTM, 30, 30, 1, 2, SP_INPUT_FULL, SP_CAP_STREAM)); /* streamed points */
    brute_force_case(&a, shape(RB_CELL_GRU, 7, 7, 3, 5, SP_INPUT_SKIP, SP_CAP_ONCHIP));
    brute_force_case(&a, shape(RB_CELL_VANILLA, 40, 8, 1, 4, SP_INPUT_FULL, SP_CAP_ONCHIP)); /* write-back bound */
}
END_TEST

START_TEST(capacity_onchip_or_stream)
{
    sp_arch a;
    load_arch("sysml19", &a);
    /* LSTM 2048: W+U at 8 bits is 32 MiB, more than the chip's 31.5 MiB: no mapping holds it */
    sp_shape on = shape(RB_CELL_LSTM, 2048, 2048, 1, 25, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_shape st = shape(RB_CELL_LSTM, 2048, 2048, 1, 25, SP_INPUT_FULL, SP_CAP_STREAM);
    ck_assert((double)on.G * on.H * (on.I + on.H) > (double)a.pmus * a.pmu_bytes);
    sp_dse_result r;
    char err[256] = "";
    ck_assert_msg(sp_dse(&a, &on, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.best.weights_fit, 0);
    ck_assert(r.best.streamed_bytes_per_step == 0);
    double onchip_ms = r.sim.latency_ms;
    sp_dse_free(&r);
    ck_assert_msg(sp_dse(&a, &st, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.best.weights_fit, 0);
    ck_assert(r.best.streamed_bytes_per_step > 0);
    /* the streamed excess bounds every step at the DRAM bandwidth */
    ck_assert(r.sim.steady_step >= r.best.streamed_bytes_per_step / sp_arch_dram_bytes_per_cycle(&a));
    ck_assert(r.sim.latency_ms > 2 * onchip_ms);
    sp_dse_free(&r);
    /* GRU 1024 (6.3 MB) fits: both modes agree */
    sp_shape g = shape(RB_CELL_GRU, 1024, 1024, 1, 10, SP_INPUT_FULL, SP_CAP_STREAM);
    ck_assert_msg(sp_dse(&a, &g, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.best.weights_fit, 1);
    double stream_ms = r.sim.latency_ms;
    sp_dse_free(&r);
    g.cap = SP_CAP_ONCHIP;
    ck_assert_msg(sp_dse(&a, &g, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_double_eq_tol(r.sim.latency_ms, stream_ms, 1e-12);
    sp_dse_free(&r);
}
END_TEST

START_TEST(dse_keeps_candidates)
{
    sp_arch a;
    load_arch(NULL, &a);
    sp_shape s = shape(RB_CELL_LSTM, 16, 16, 1, 4, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_dse_result r;
    char err[256] = "";
    ck_assert_msg(sp_dse(&a, &s, 1, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq((long)r.n_cands, r.legal);
    ck_assert_int_ge(r.examined, r.legal);
    int chosen = 0, simulated = 0;
    for (size_t i = 0; i < r.n_cands; i++) {
        if (memcmp(&r.cands[i].f, &r.best.f, sizeof r.best.f) == 0)
            chosen++;
        if (r.cands[i].sim_cycles >= 0)
            simulated++;
        ck_assert(r.cands[i].model_cycles >= r.model.total_cycles * 0.95);
    }
    ck_assert_int_eq(chosen, 1);
    ck_assert_int_eq(simulated, r.simulated);
    sp_dse_free(&r);
}
END_TEST

START_TEST(paper_points)
{
    sp_factors f;
    int suspect;
    ck_assert_int_eq(sp_paper_point(RB_CELL_LSTM, 256, &f, &suspect), 0);
    ck_assert(f.hu == 6 && f.ru == 4 && f.rv == 64 && !suspect);
    ck_assert_int_eq(sp_paper_point(RB_CELL_LSTM, 1536, &f, &suspect), 0);
    ck_assert(f.hu == 4 && f.ru == 8 && f.rv == 64 && !suspect);
    ck_assert_int_eq(sp_paper_point(RB_CELL_GRU, 2816, &f, &suspect), 0);
    ck_assert(f.hu == 2 && f.ru == 8 && f.rv == 64 && suspect);
    ck_assert_int_eq(sp_paper_point(RB_CELL_LSTM, 300, &f, &suspect), -1);
    ck_assert_int_eq(sp_paper_point(RB_CELL_VANILLA, 512, &f, &suspect), -1);
    /* a pinned point that does not fit is an error with the reason */
    sp_arch a;
    load_arch("sysml19", &a);
    sp_shape s = shape(RB_CELL_LSTM, 1024, 1024, 1, 2, SP_INPUT_FULL, SP_CAP_ONCHIP);
    sp_dse_result r;
    char err[256] = "";
    ck_assert_int_eq(sp_dse_fixed(&a, &s, (sp_factors){ 5, 8, 64 }, &r, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "hu=5,ru=8,rv=64"));
    ck_assert_ptr_nonnull(strstr(err, "PCUs"));
    ck_assert_int_eq(sp_dse_fixed(&a, &s, (sp_factors){ 4, 8, 64 }, &r, err, sizeof err), 0);
    ck_assert_int_eq(r.simulated, 1);
    sp_dse_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spatial_map");
    TCase *tc = tcase_create("map");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, legality_over_factor_space);
    tcase_add_test(tc, illegal_reasons);
    tcase_add_test(tc, paper_chip_binds);
    tcase_add_test(tc, dse_matches_brute_force);
    tcase_add_test(tc, capacity_onchip_or_stream);
    tcase_add_test(tc, dse_keeps_candidates);
    tcase_add_test(tc, paper_points);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
