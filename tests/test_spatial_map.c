/* tests/test_spatial_map.c — the spatial mapping and design-space search: resource accounting of legal
 * mappings, rejection of illegal ones, DSE optimum vs brute force (simulating every legal point) on small
 * problems, and DRAM-streamed marking of a problem too large for the chip. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "spatial_dse.h"
#include "spatial_load_arch.h"
#include "spatial_sim.h"

static sp_shape shape(rb_cell cell, int H, int I, int B, int T, sp_input_mode mode)
{
    rb_problem p = { cell, H, I, B, T, "" };
    sp_shape s;
    sp_shape_from_problem(&s, &p, mode);
    return s;
}

/* Independent check of a legal mapping's bookkeeping against the architecture and the problem. */
static void check_legal(const sp_arch *a, const sp_shape *s, const sp_mapping *m)
{
    const sp_factors f = m->f;
    ck_assert_int_le(m->pcus, a->pcus);
    ck_assert_int_le(m->pmus, a->pmus);
    ck_assert_int_le(f.rv, a->lanes * a->macs_per_lane);
    /* one PMU vector read per cycle feeds one MVM PCU: rv weights of mul_bits must fit the vector port */
    ck_assert_int_le(f.rv * a->mul_bits, a->lanes * a->word_bits);
    ck_assert_int_eq(m->pcu_mvm, f.hu * f.gp * f.ru);
    ck_assert_int_eq(m->pcus, m->pcu_mvm + m->pcu_combine + m->pcu_ew);
    ck_assert_int_eq(m->pmus, m->pmu_weight + m->pmu_slice + m->pmu_lut + m->pmu_state + m->pmu_stream);
    ck_assert_int_ge(m->pmu_weight, m->pcu_mvm); /* every MVM PCU has its own weight PMU */
    /* the tiling covers every weight: hu*n_i >= H, gp*n_g >= G, ru*rv*n_k >= reduction length */
    ck_assert_int_ge((long)f.hu * m->n_i, s->H);
    ck_assert_int_lt((long)f.hu * (m->n_i - 1), s->H);
    ck_assert_int_ge(f.gp * m->n_g, s->G);
    long K = s->mode == SP_INPUT_FULL ? (long)s->I + s->H : s->H;
    ck_assert_int_ge((long)f.ru * f.rv * m->n_k, K);
    double need = (double)s->G * s->H * K * a->mul_bits / 8.0;
    ck_assert(m->weight_bytes >= need);
    if (!m->dram_streamed) {
        /* everything resident: the weight PMUs hold the padded weights */
        ck_assert(m->weight_bytes <= (double)m->pmu_weight * a->pmu_bytes);
        ck_assert(m->streamed_bytes_per_step == 0);
    } else {
        ck_assert(m->resident_bytes + m->streamed_bytes_per_step >= m->weight_bytes - 1e-6);
        ck_assert(m->resident_bytes <= (double)(m->pmu_weight - m->pcu_mvm) * a->pmu_bytes);
        ck_assert(m->streamed_bytes_per_step > 0);
    }
    ck_assert_int_eq(m->pipeline_depth,
                     m->lat_read + m->lat_pcu + m->lat_combine + m->lat_to_ew + m->lat_ew + m->lat_wb + m->lat_sync);
    ck_assert_int_ge(m->lat_pcu, a->stages);
}

START_TEST(legality_over_factor_space)
{
    sp_arch tiny, serving;
    load_arch(NULL, &tiny);
    load_arch("serving", &serving);
    const sp_arch *archs[2] = { &tiny, &serving };
    sp_shape shapes[4] = { shape(RB_CELL_LSTM, 24, 24, 1, 3, SP_INPUT_SKIP),
                           shape(RB_CELL_GRU, 40, 17, 2, 2, SP_INPUT_FULL),
                           shape(RB_CELL_VANILLA, 33, 33, 1, 4, SP_INPUT_SKIP),
                           shape(RB_CELL_LSTM, 512, 512, 1, 2, SP_INPUT_FULL) };
    long legal = 0, illegal = 0;
    for (int ai = 0; ai < 2; ai++)
        for (int si = 0; si < 4; si++) {
            const sp_shape *s = &shapes[si];
            for (int hu = 1; hu <= 40; hu += 3)
                for (int ru = 1; ru <= 12; ru++)
                    for (int rv = 1; rv <= 64; rv++)
                        for (int gp = 1; gp <= s->G; gp++) {
                            sp_mapping m;
                            sp_factors f = { hu, ru, rv, gp };
                            sp_map(archs[ai], s, f, &m);
                            if (m.legal) {
                                legal++;
                                check_legal(archs[ai], s, &m);
                            } else {
                                illegal++;
                                ck_assert(strlen(m.why) > 0);
                            }
                        }
        }
    ck_assert_int_gt(legal, 1000);
    ck_assert_int_gt(illegal, 1000);
}
END_TEST

START_TEST(illegal_reasons)
{
    sp_arch a;
    load_arch(NULL, &a);
    sp_shape s = shape(RB_CELL_LSTM, 24, 24, 1, 3, SP_INPUT_SKIP);
    sp_mapping m;
    sp_map(&a, &s, (sp_factors){ 1, 1, 3, 1 }, &m); /* rv not a power of two */
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "rv=3"));
    sp_map(&a, &s, (sp_factors){ 1, 1, 16, 1 }, &m); /* rv above lanes*macs = 8 */
    ck_assert(!m.legal);
    sp_map(&a, &s, (sp_factors){ 1, 4, 8, 1 }, &m); /* 4 slices of 8 over K = 24: the last one is empty */
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "empty"));
    sp_map(&a, &s, (sp_factors){ 2, 1, 8, 4 }, &m); /* 8 MVM PCUs + combine + 2 tail PCUs > 10 */
    ck_assert(!m.legal);
    ck_assert_ptr_nonnull(strstr(m.why, "PCUs"));
    sp_map(&a, &s, (sp_factors){ 1, 1, 8, 1 }, &m);
    ck_assert(m.legal);
    /* hand count: n_i = 24, n_g = 4, n_k = 3; one MVM PCU, no combine, LSTM tail 3 PCUs (4, 3, 2 ops over
     * 4 stages), 5 LUT PMUs + 1 c PMU + 1 h slice + 1 stream PMU; weights 24*4*3*8 = 2304 B -> 2 PMUs of 2 KB */
    ck_assert_int_eq(m.n_i, 24);
    ck_assert_int_eq(m.n_g, 4);
    ck_assert_int_eq(m.n_k, 3);
    ck_assert_int_eq(m.n_issue, 24 * 4 * 3);
    ck_assert_int_eq(m.pcus, 1 + 0 + 3);
    ck_assert_int_eq(m.pmu_weight, 2);
    ck_assert_int_eq(m.pmus, 2 + 1 + 5 + 1 + 1);
    ck_assert(!m.dram_streamed);
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
            for (int rv = 1; rv <= a->lanes * a->macs_per_lane; rv++)
                for (int gp = 1; gp <= s.G; gp++) {
                    sp_mapping m;
                    sp_map(a, &s, (sp_factors){ hu, ru, rv, gp }, &m);
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
    brute_force_case(&a, shape(RB_CELL_VANILLA, 20, 20, 1, 3, SP_INPUT_SKIP));
    brute_force_case(&a, shape(RB_CELL_LSTM, 12, 12, 1, 2, SP_INPUT_SKIP));
    brute_force_case(&a, shape(RB_CELL_GRU, 16, 9, 2, 2, SP_INPUT_FULL));
    brute_force_case(&a, shape(RB_CELL_LSTM, 30, 30, 1, 2, SP_INPUT_FULL)); /* does not fit: streamed points */
    brute_force_case(&a, shape(RB_CELL_GRU, 7, 7, 3, 5, SP_INPUT_SKIP));
}
END_TEST

START_TEST(dram_streamed_when_too_large)
{
    sp_arch base, serving;
    load_arch("baseline", &base);
    load_arch("serving", &serving);
    /* GRU 2816: U alone is 23.8 MB at 8 bits; the baseline chip has 16 MB, the serving chip 72 MB */
    sp_shape s = shape(RB_CELL_GRU, 2816, 2816, 1, 750, SP_INPUT_SKIP);
    sp_dse_result r;
    char err[256] = "";
    ck_assert_msg(sp_dse(&base, &s, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.best.dram_streamed, 1);
    ck_assert(r.best.streamed_bytes_per_step > 0);
    /* DRAM-bound: at least the streamed bytes per step at the channel's bandwidth */
    ck_assert(r.sim.steady_step >= r.best.streamed_bytes_per_step / sp_arch_dram_bytes_per_cycle(&base));
    double slow = r.sim.latency_ms;
    sp_dse_free(&r);
    ck_assert_msg(sp_dse(&serving, &s, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.best.dram_streamed, 0);
    ck_assert(r.sim.latency_ms * 10 < slow);
    sp_dse_free(&r);
    /* full mode doubles the weights: 47.6 MB still fits the serving chip */
    s.mode = SP_INPUT_FULL;
    ck_assert_msg(sp_dse(&serving, &s, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.best.dram_streamed, 0);
    sp_dse_free(&r);
}
END_TEST

START_TEST(dse_keeps_candidates)
{
    sp_arch a;
    load_arch(NULL, &a);
    sp_shape s = shape(RB_CELL_LSTM, 16, 16, 1, 4, SP_INPUT_SKIP);
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

int main(void)
{
    Suite *s = suite_create("spatial_map");
    TCase *tc = tcase_create("map");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, legality_over_factor_space);
    tcase_add_test(tc, illegal_reasons);
    tcase_add_test(tc, dse_matches_brute_force);
    tcase_add_test(tc, dram_streamed_when_too_large);
    tcase_add_test(tc, dse_keeps_candidates);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
