/* tests/test_cpu_fused.c — the cpu-fused backend against the fp32 reference within each precision's declared error
 * bound: fp32, bf16 and int8, on every kernel path this CPU runs (portable always; avx2, avx512, avx512-vnni,
 * avx512-bf16 where present — the test prints which ran), input fused and pre, all three cells, batch 1, 4 and 5
 * (5 > the vectors one kernel call takes: a second chunk), input size equal to and different from the hidden size
 * (H not a multiple of 16, I not a multiple of 4: padding), 1, 2 and 3 threads (more than this machine's CPUs where
 * it has 2). Plus the options' checks and the declared bounds, and the per-step conversions of every kernel set
 * (int8 dequantisation, h / x quantisation, bf16 rounding) against their scalar definitions in fused_pack.h. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "backend.h"
#include "cpu_isa.h"
#include "fused_kernels.h"
#include "fused_pack.h"

extern const rb_backend rb_backend_cpu_fused;

static void set_opt(rb_options *o, const char *k, const char *v)
{
    snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", k);
    snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%s", v);
    o->n++;
}

/* Runs p under opt twice; returns the max relative error (asserting it is within the declared bound). */
static double check_problem(const rb_problem *pin, const rb_options *opt)
{
    rb_problem p = *pin;
    rb_problem_default_name(&p);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 11), 0);
    float *x = rb_inputs_make(&p, 11);
    size_t len = rb_output_len(&p);
    float *ref = malloc(len * sizeof *ref), *y = malloc(len * sizeof *y);
    ck_assert(x && ref && y);
    ck_assert_int_eq(rb_reference_forward(&p, &w, x, ref), 0);
    const rb_backend *b = &rb_backend_cpu_fused;
    rb_status st = {{0}};
    ck_assert_msg(rb_options_check(b, opt, &st) == 0, "%s", st.msg);
    void *state = NULL;
    ck_assert_msg(b->prepare(&p, &w, opt, &state, &st) == 0, "%s", st.msg);
    double bound = rb_backend_error_bound(b, &p, opt), worst = 0;
    for (int rep = 0; rep < 2; rep++) {
        memset(y, 0xff, len * sizeof *y);
        double dev = -1, abs_err, rel_err;
        ck_assert_int_eq(b->run(state, x, y, &dev, &st), 0);
        ck_assert(dev < 0);
        rb_compare(y, ref, len, &abs_err, &rel_err);
        char what[256] = "";
        for (int i = 0; i < opt->n; i++)
            snprintf(what + strlen(what), sizeof what - strlen(what), " %s=%s", opt->key[i], opt->val[i]);
        ck_assert_msg(rel_err <= bound, "%s%s: rel err %g > bound %g", p.name, what, rel_err, bound);
        worst = rel_err > worst ? rel_err : worst;
    }
    b->release(state);
    free(x);
    free(ref);
    free(y);
    rb_weights_free(&w);
    return worst;
}

static const char *const precisions[] = {"fp32", "bf16", "int8"};

START_TEST(test_every_path_precision_and_shape)
{
    const int prec = _i; /* one loop iteration per precision */
    double worst = 0;
    for (int isa = 0; isa < RB_ISA_COUNT; isa++) {
        if (!rb_isa_supported((rb_isa)isa)) {
            printf("cpu-fused %s: isa %s not on this CPU, skipped\n", precisions[prec], rb_isa_name((rb_isa)isa));
            continue;
        }
        for (int cell = RB_CELL_LSTM; cell <= RB_CELL_VANILLA; cell++)
            for (int input = 0; input < 2; input++) {
                const rb_problem shapes[] = {
                    {.cell = (rb_cell)cell, .hidden = 32, .input = 32, .batch = 1, .timesteps = 6},
                    {.cell = (rb_cell)cell, .hidden = 40, .input = 23, .batch = 4, .timesteps = 5},
                    {.cell = (rb_cell)cell, .hidden = 21, .input = 50, .batch = 5, .timesteps = 3},
                    {.cell = (rb_cell)cell, .hidden = 48, .input = 48, .batch = 1, .timesteps = 1},
                };
                for (size_t sh = 0; sh < sizeof shapes / sizeof *shapes; sh++) {
                    char t[8];
                    snprintf(t, sizeof t, "%d", 1 + (int)sh % 3);
                    rb_options o = {0};
                    set_opt(&o, "precision", precisions[prec]);
                    set_opt(&o, "isa", rb_isa_name((rb_isa)isa));
                    set_opt(&o, "input", input ? "pre" : "fused");
                    set_opt(&o, "threads", t);
                    double e = check_problem(&shapes[sh], &o);
                    worst = e > worst ? e : worst;
                }
            }
        printf("cpu-fused %s: isa %s ran (all cells, input fused/pre, B 1/4/5, 1-3 threads)\n", precisions[prec],
               rb_isa_name((rb_isa)isa));
    }
    printf("cpu-fused %s: worst max_rel_err %.3g\n", precisions[prec], worst);
}
END_TEST

/* Paper-like sizes: the bounds must hold where the dot products are long (K = 2 * 512) and over many steps. */
START_TEST(test_bounds_on_larger_problems)
{
    const rb_problem probs[] = {{.cell = RB_CELL_LSTM, .hidden = 512, .input = 512, .batch = 1, .timesteps = 25},
                                {.cell = RB_CELL_GRU, .hidden = 512, .input = 512, .batch = 4, .timesteps = 12},
                                {.cell = RB_CELL_VANILLA, .hidden = 256, .input = 256, .batch = 1, .timesteps = 40}};
    for (size_t i = 0; i < sizeof probs / sizeof *probs; i++)
        for (int prec = 0; prec < 3; prec++) {
            rb_options o = {0};
            set_opt(&o, "precision", precisions[prec]);
            set_opt(&o, "threads", "2");
            double e = check_problem(&probs[i], &o);
            printf("cpu-fused %s %s h%d b%d t%d: max_rel_err %.3g\n", precisions[prec],
                   rb_cell_name(probs[i].cell), probs[i].hidden, probs[i].batch, probs[i].timesteps, e);
        }
}
END_TEST

START_TEST(test_options_and_bounds)
{
    const rb_backend *b = &rb_backend_cpu_fused;
    rb_problem p = {.cell = RB_CELL_LSTM, .hidden = 16, .input = 16, .batch = 1, .timesteps = 2};
    const char *bad[][3] = {{"precision", "fp16", "precision=fp16"}, {"threads", "0", "threads=0"},
                            {"input", "skip", "input=skip"},         {"isa", "neon", "isa=neon"},
                            {"kernels", "tuned", "unknown option"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rb_options o = {0};
        set_opt(&o, bad[i][0], bad[i][1]);
        rb_status st = {{0}};
        ck_assert_int_eq(rb_options_check(b, &o, &st), -1);
        ck_assert_msg(strstr(st.msg, bad[i][2]) != NULL, "'%s' lacks '%s'", st.msg, bad[i][2]);
    }
    double bounds[3];
    for (int prec = 0; prec < 3; prec++) {
        rb_options o = {0};
        set_opt(&o, "precision", precisions[prec]);
        bounds[prec] = rb_backend_error_bound(b, &p, &o);
    }
    rb_options none = {0};
    ck_assert(rb_backend_error_bound(b, &p, &none) == RB_FP32_REL_ERR_BOUND);
    ck_assert(bounds[0] == RB_FP32_REL_ERR_BOUND);
    ck_assert(bounds[1] > bounds[0] && bounds[2] > bounds[1] && bounds[2] < 0.1);
}
END_TEST

/* The vectorised conversions of every kernel set equal their scalar definitions (rb_q8, rb_bf16_round, the
 * dequantisation formula), including halfway points, clamping, padding and a tail shorter than a vector. */
START_TEST(test_conversions_every_path)
{
    enum { N = 64, NX = 53, NXP = 56, BLK = 64, NB = 3 };
    float h[N], x[NX];
    for (int u = 0; u < N; u++) /* halfway points k + 0.5 of the 1/127 grid, +-1, beyond the clamp, 0, -0 */
        h[u] = u < 20 ? (float)((u - 10) + 0.5) / 127.0f : u < 24 ? (u & 1 ? 1.0f : -1.0f) * (u < 22 ? 1 : 1.5f)
               : u == 24 ? 0.0f : u == 25 ? -0.0f : sinf(0.37f * (float)u) * 0.999f;
    for (int k = 0; k < NX; k++)
        x[k] = cosf(1.3f * (float)k) * (k == 17 ? 9.0f : 2.0f);
    int32_t iacc[NB * BLK], rowsum[BLK];
    float scale[BLK], ascale[2 * NB];
    for (int r = 0; r < BLK; r++) {
        rowsum[r] = (r * 37) % 255 - 127;
        scale[r] = 0.001f * (float)(r + 1);
    }
    for (int i = 0; i < NB * BLK; i++)
        iacc[i] = (i * 7919) % 40001 - 20000;
    for (int b = 0; b < 2 * NB; b++)
        ascale[b] = 0.01f * (float)(b + 1);
    int ran = 0;
    for (int isa = 0; isa < RB_ISA_COUNT; isa++) {
        const rb_fused_kernels *k = rb_fused_kernels_for((rb_isa)isa);
        if (!k)
            continue;
        ran++;
        uint8_t q[N], xq[NXP];
        uint16_t bq[N];
        k->quant_h(h, q, N);
        k->round_bf16(h, bq, N);
        for (int u = 0; u < N; u++) {
            ck_assert_msg(q[u] == rb_q8(h[u], 127.0f), "%s quant_h[%d] %d != %d", rb_isa_name(k->isa), u, q[u],
                          rb_q8(h[u], 127.0f));
            ck_assert_msg(bq[u] == rb_bf16_round(h[u]), "%s round_bf16[%d]", rb_isa_name(k->isa), u);
        }
        float sc = k->quant_x(x, NX, NXP, xq);
        ck_assert_msg(sc == fabsf(9.0f * cosf(1.3f * 17.0f)) / 127.0f,
                      "%s quant_x scale %g", rb_isa_name(k->isa), sc);
        for (int i = 0; i < NXP; i++)
            ck_assert_msg(xq[i] == (i < NX ? rb_q8(x[i], 1.0f / sc) : 128), "%s quant_x[%d]", rb_isa_name(k->isa), i);
        for (int off = 0; off < 2; off++) {
            float out[NB * BLK];
            for (int i = 0; i < NB * BLK; i++)
                out[i] = 0.5f * (float)i;
            k->dequant_add(out, iacc, scale, rowsum, off, ascale, 2, NB, BLK);
            for (int b = 0; b < NB; b++)
                for (int r = 0; r < BLK; r++) {
                    int i = b * BLK + r;
                    double want = 0.5 * i + (double)(iacc[i] - off * 128 * rowsum[r]) * scale[r] * ascale[2 * b];
                    ck_assert_msg(fabs(out[i] - want) <= 1e-6 * (1 + fabs(want)), "%s dequant off %d [%d][%d]: %g vs %g",
                                  rb_isa_name(k->isa), off, b, r, out[i], want);
                }
        }
    }
    ck_assert_int_ge(ran, 1);
    printf("cpu-fused conversions: %d kernel sets checked\n", ran);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_fused");
    TCase *tc = tcase_create("vs_reference");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_every_path_precision_and_shape, 0, 3);
    tcase_add_test(tc, test_bounds_on_larger_problems);
    tcase_add_test(tc, test_options_and_bounds);
    tcase_add_test(tc, test_conversions_every_path);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
