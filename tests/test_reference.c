/* tests/test_reference.c — the fp32 reference cells against hand-computed values (H=1), against a plain
 * independent loop implementation written here (H=2 and odd sizes, batches, chunk boundaries), and the
 * determinism of weights and inputs. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "parallel.h"
#include "problem.h"
#include "problem_make.h"
#include "ref_dot.h"

/* tests/reference_v1.c: the single-threaded reference before the threaded, multi-ISA one. */
int rb_reference_forward_v1(const rb_problem *p, const rb_weights *w, const float *x, float *y);

static double sig(double v)
{
    return 1.0 / (1.0 + exp(-v));
}

/* H=1, I=1 weights set by hand: one value per gate. */
static rb_weights scalar_weights(int gates, float *W, float *U, float *bw, float *bu)
{
    rb_weights w = {gates, 1, 1, W, U, bw, bu};
    return w;
}

static const float xs[3] = {1.0f, -0.5f, 0.25f};

START_TEST(vanilla_h1)
{
    float W[1] = {0.5f}, U[1] = {-0.75f}, bw[1] = {0.125f}, bu[1] = {-0.25f};
    rb_weights w = scalar_weights(1, W, U, bw, bu);
    rb_problem p = make_problem(RB_CELL_VANILLA, 1, 1, 1, 3);
    float y[3];
    ck_assert_int_eq(rb_reference_forward(&p, &w, xs, y), 0);
    double h1 = tanh(0.5 * 1.0 + 0.125 - 0.25);
    double h2 = tanh(0.5 * -0.5 + 0.125 - 0.75 * h1 - 0.25);
    double h3 = tanh(0.5 * 0.25 + 0.125 - 0.75 * h2 - 0.25);
    ck_assert_double_eq_tol(y[0], h1, 1e-6);
    ck_assert_double_eq_tol(y[1], h2, 1e-6);
    ck_assert_double_eq_tol(y[2], h3, 1e-6);
    /* The same values computed independently (Python, math module). */
    ck_assert_double_eq_tol(y[0], 0.358357398, 1e-6);
    ck_assert_double_eq_tol(y[1], -0.567459712, 1e-6);
    ck_assert_double_eq_tol(y[2], 0.401633244, 1e-6);
}
END_TEST

START_TEST(lstm_h1)
{
    /* Gate order i, f, g, o. */
    float W[4] = {0.5f, -0.25f, 0.75f, 1.0f}, U[4] = {0.25f, 0.5f, -0.5f, 0.125f};
    float bw[4] = {0.0f, 0.5f, -0.125f, 0.25f}, bu[4] = {0.125f, 0.25f, 0.0f, -0.5f};
    rb_weights w = scalar_weights(4, W, U, bw, bu);
    rb_problem p = make_problem(RB_CELL_LSTM, 1, 1, 1, 3);
    float y[3];
    ck_assert_int_eq(rb_reference_forward(&p, &w, xs, y), 0);
    double h = 0, c = 0;
    for (int t = 0; t < 3; t++) {
        double x = xs[t];
        double i = sig(0.5 * x + 0.0 + 0.25 * h + 0.125);
        double f = sig(-0.25 * x + 0.5 + 0.5 * h + 0.25);
        double g = tanh(0.75 * x - 0.125 - 0.5 * h + 0.0);
        double o = sig(1.0 * x + 0.25 + 0.125 * h - 0.5);
        c = f * c + i * g;
        h = o * tanh(c);
        ck_assert_double_eq_tol(y[t], h, 1e-6);
    }
    ck_assert_double_eq_tol(y[0], 0.235204251, 1e-6);
    ck_assert_double_eq_tol(y[1], -0.000679371, 1e-6);
    ck_assert_double_eq_tol(y[2], 0.016941169, 1e-6);
}
END_TEST

START_TEST(gru_h1)
{
    /* Gate order r, z, n; n = tanh(Wn x + bwn + r * (Un h + bun)) ("linear before reset"). */
    float W[3] = {0.5f, -0.25f, 0.75f}, U[3] = {0.25f, 0.5f, -1.5f};
    float bw[3] = {0.0f, 0.5f, -0.125f}, bu[3] = {0.125f, 0.25f, 0.75f};
    rb_weights w = scalar_weights(3, W, U, bw, bu);
    rb_problem p = make_problem(RB_CELL_GRU, 1, 1, 1, 3);
    float y[3];
    ck_assert_int_eq(rb_reference_forward(&p, &w, xs, y), 0);
    double h = 0, h_other = 0;
    for (int t = 0; t < 3; t++) {
        double x = xs[t];
        double r = sig(0.5 * x + 0.0 + 0.25 * h + 0.125);
        double z = sig(-0.25 * x + 0.5 + 0.5 * h + 0.25);
        double n = tanh(0.75 * x - 0.125 + r * (-1.5 * h + 0.75));
        h = (1 - z) * n + z * h;
        ck_assert_double_eq_tol(y[t], h, 1e-6);
        /* The other GRU variant (reset applied to h before U, bias outside) must give different values. */
        double r2 = sig(0.5 * x + 0.0 + 0.25 * h_other + 0.125);
        double z2 = sig(-0.25 * x + 0.5 + 0.5 * h_other + 0.25);
        double n2 = tanh(0.75 * x - 0.125 + -1.5 * (r2 * h_other) + 0.75);
        h_other = (1 - z2) * n2 + z2 * h_other;
        ck_assert(fabs(y[t] - h_other) > 1e-3);
    }
    ck_assert_double_eq_tol(y[0], 0.304034174, 1e-6);
    ck_assert_double_eq_tol(y[1], 0.133636255, 1e-6);
    ck_assert_double_eq_tol(y[2], 0.205785309, 1e-6);
}
END_TEST

/* A plain, independent implementation: double states, explicit indexing of the documented layouts
 * W[(g*H+j)*I+k], U[(g*H+j)*H+k], x[(t*B+b)*I+k], y[(t*B+b)*H+j]. */
static void naive_forward(const rb_problem *p, const rb_weights *w, const float *x, double *y)
{
    int H = p->hidden, I = p->input, B = p->batch, T = p->timesteps, G = rb_cell_gates(p->cell);
    double *h = calloc((size_t)B * H, sizeof *h), *c = calloc((size_t)B * H, sizeof *c);
    double *a = calloc((size_t)G * H, sizeof *a), *u = calloc((size_t)G * H, sizeof *u);
    double *hn = calloc((size_t)B * H, sizeof *hn);
    ck_assert(h && c && a && u && hn);
    for (int t = 0; t < T; t++) {
        for (int b = 0; b < B; b++) {
            for (int r = 0; r < G * H; r++) {
                a[r] = w->bw[r];
                for (int k = 0; k < I; k++)
                    a[r] += (double)w->W[(size_t)r * I + k] * x[((size_t)t * B + b) * I + k];
                u[r] = w->bu[r];
                for (int k = 0; k < H; k++)
                    u[r] += (double)w->U[(size_t)r * H + k] * h[(size_t)b * H + k];
            }
            for (int j = 0; j < H; j++) {
                double *hb = h + (size_t)b * H, *cb = c + (size_t)b * H;
                if (p->cell == RB_CELL_LSTM) {
                    double ig = sig(a[j] + u[j]), fg = sig(a[H + j] + u[H + j]);
                    double gg = tanh(a[2 * H + j] + u[2 * H + j]), og = sig(a[3 * H + j] + u[3 * H + j]);
                    cb[j] = fg * cb[j] + ig * gg;
                    hn[(size_t)b * H + j] = og * tanh(cb[j]);
                } else if (p->cell == RB_CELL_GRU) {
                    double rg = sig(a[j] + u[j]), zg = sig(a[H + j] + u[H + j]);
                    double ng = tanh(a[2 * H + j] + rg * u[2 * H + j]);
                    hn[(size_t)b * H + j] = (1 - zg) * ng + zg * hb[j];
                } else {
                    hn[(size_t)b * H + j] = tanh(a[j] + u[j]);
                }
            }
        }
        memcpy(h, hn, (size_t)B * H * sizeof *h);
        for (int i = 0; i < B * H; i++)
            y[(size_t)t * B * H + i] = h[i];
    }
    free(h);
    free(c);
    free(a);
    free(u);
    free(hn);
}

static void check_against_naive(const rb_problem *p, const rb_weights *w, const float *x)
{
    size_t len = rb_output_len(p);
    float *y = malloc(len * sizeof *y);
    double *expect = malloc(len * sizeof *expect);
    ck_assert(y && expect);
    ck_assert_int_eq(rb_reference_forward(p, w, x, y), 0);
    naive_forward(p, w, x, expect);
    double worst = 0;
    for (size_t i = 0; i < len; i++)
        worst = fmax(worst, fabs(y[i] - expect[i]));
    ck_assert_msg(worst < 2e-6, "%s: max diff %g", rb_cell_name(p->cell), worst);
    free(y);
    free(expect);
}

/* H=2, I=3, B=2: hand-set weights with every entry distinct, so a wrong layout or gate order shows. */
START_TEST(hand_weights_h2)
{
    for (int cell = RB_CELL_LSTM; cell <= RB_CELL_VANILLA; cell++) {
        rb_problem p = make_problem((rb_cell)cell, 2, 3, 2, 4);
        int G = rb_cell_gates(p.cell);
        float W[4 * 2 * 3], U[4 * 2 * 2], bw[8], bu[8];
        for (int k = 0; k < G * 2 * 3; k++)
            W[k] = 0.1f * (float)((k * 7) % 11 - 5);
        for (int k = 0; k < G * 2 * 2; k++)
            U[k] = 0.15f * (float)((k * 5) % 9 - 4);
        for (int k = 0; k < G * 2; k++) {
            bw[k] = 0.05f * (float)(k % 5 - 2);
            bu[k] = 0.3f - 0.07f * (float)k;
        }
        rb_weights w = {G, 2, 3, W, U, bw, bu};
        float x[4 * 2 * 3];
        for (int k = 0; k < 24; k++)
            x[k] = 0.2f * (float)((k * 3) % 10 - 5);
        check_against_naive(&p, &w, x);
    }
}
END_TEST

/* Odd sizes (vector tails), a batch, and more timesteps than one input-projection chunk. */
START_TEST(generated_odd_sizes)
{
    for (int cell = RB_CELL_LSTM; cell <= RB_CELL_VANILLA; cell++) {
        rb_problem p = make_problem((rb_cell)cell, 37, 19, 3, 23);
        rb_weights w;
        ck_assert_int_eq(rb_weights_init(&w, &p, 5), 0);
        float *x = rb_inputs_make(&p, 5);
        ck_assert_ptr_nonnull(x);
        check_against_naive(&p, &w, x);
        free(x);
        rb_weights_free(&w);
    }
    rb_problem big_batch = make_problem(RB_CELL_GRU, 9, 17, 40, 3); /* batch above the chunk size */
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &big_batch, 1), 0);
    float *x = rb_inputs_make(&big_batch, 1);
    check_against_naive(&big_batch, &w, x);
    free(x);
    rb_weights_free(&w);
}
END_TEST

START_TEST(mismatch_rejected)
{
    rb_problem p = make_problem(RB_CELL_LSTM, 4, 4, 1, 2);
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 1), 0);
    float x[8] = {0}, y[8];
    rb_problem q = make_problem(RB_CELL_GRU, 4, 4, 1, 2);
    ck_assert_int_eq(rb_reference_forward(&q, &w, x, y), -1);
    q = make_problem(RB_CELL_LSTM, 4, 3, 1, 2);
    ck_assert_int_eq(rb_reference_forward(&q, &w, x, y), -1);
    q = make_problem(RB_CELL_LSTM, 4, 4, 1, 0);
    ck_assert_int_eq(rb_reference_forward(&q, &w, x, y), -1);
    rb_weights_free(&w);
    rb_weights_free(&w); /* freeing twice is harmless: the struct is zeroed */
}
END_TEST

static size_t weight_bytes(const rb_weights *w, int which)
{
    size_t rows = (size_t)w->gates * w->hidden;
    return (which == 0 ? rows * w->input : which == 1 ? rows * w->hidden : rows) * sizeof(float);
}

START_TEST(weights_deterministic)
{
    rb_problem p = make_problem(RB_CELL_LSTM, 24, 10, 2, 3);
    rb_weights a, b, c;
    ck_assert_int_eq(rb_weights_init(&a, &p, 42), 0);
    ck_assert_int_eq(rb_weights_init(&b, &p, 42), 0);
    ck_assert_int_eq(rb_weights_init(&c, &p, 43), 0);
    ck_assert_int_eq(a.gates, 4);
    ck_assert_int_eq(a.hidden, 24);
    ck_assert_int_eq(a.input, 10);
    ck_assert_mem_eq(a.W, b.W, weight_bytes(&a, 0));
    ck_assert_mem_eq(a.U, b.U, weight_bytes(&a, 1));
    ck_assert_mem_eq(a.bw, b.bw, weight_bytes(&a, 2));
    ck_assert_mem_eq(a.bu, b.bu, weight_bytes(&a, 2));
    ck_assert(memcmp(a.W, c.W, weight_bytes(&a, 0)) != 0);
    ck_assert(memcmp(a.U, c.U, weight_bytes(&a, 1)) != 0);
    ck_assert(memcmp(a.bu, c.bu, weight_bytes(&a, 2)) != 0);
    /* Range [-1/sqrt(H), 1/sqrt(H)] and not degenerate. */
    double k = 1.0 / sqrt(24.0), lo = 1, hi = -1, sum = 0;
    size_t n = weight_bytes(&a, 1) / sizeof(float);
    for (size_t i = 0; i < n; i++) {
        ck_assert(fabs(a.U[i]) <= k);
        lo = fmin(lo, a.U[i]);
        hi = fmax(hi, a.U[i]);
        sum += a.U[i];
    }
    ck_assert(lo < -0.8 * k && hi > 0.8 * k);
    ck_assert(fabs(sum / (double)n) < 0.1 * k);
    /* Different shape, same seed: different weights. */
    rb_problem q = make_problem(RB_CELL_LSTM, 24, 11, 2, 3);
    rb_weights d;
    ck_assert_int_eq(rb_weights_init(&d, &q, 42), 0);
    ck_assert(memcmp(a.W, d.W, 10 * sizeof(float)) != 0);
    rb_weights_free(&a);
    rb_weights_free(&b);
    rb_weights_free(&c);
    rb_weights_free(&d);
    ck_assert_ptr_null(a.W);
}
END_TEST

START_TEST(inputs_deterministic)
{
    rb_problem p = make_problem(RB_CELL_GRU, 16, 16, 3, 5);
    size_t n = 5 * 3 * 16;
    float *a = rb_inputs_make(&p, 7), *b = rb_inputs_make(&p, 7), *c = rb_inputs_make(&p, 8);
    ck_assert(a && b && c);
    ck_assert_mem_eq(a, b, n * sizeof(float));
    ck_assert(memcmp(a, c, n * sizeof(float)) != 0);
    double lo = 1, hi = -1;
    for (size_t i = 0; i < n; i++) {
        ck_assert(a[i] >= -1.0f && a[i] < 1.0f);
        lo = fmin(lo, a[i]);
        hi = fmax(hi, a[i]);
    }
    ck_assert(lo < -0.8 && hi > 0.8);
    /* Inputs are not the weight stream scaled: compare with W / k for the same seed and shape. */
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 7), 0);
    float k = (float)(1.0 / sqrt(16.0));
    int same = 0;
    for (size_t i = 0; i < 16; i++)
        same += fabsf(w.W[i] / k - a[i]) < 1e-6f;
    ck_assert_int_lt(same, 2);
    rb_weights_free(&w);
    free(a);
    free(b);
    free(c);
    rb_problem bad = make_problem(RB_CELL_GRU, 16, 16, 0, 5);
    ck_assert_ptr_null(rb_inputs_make(&bad, 1));
}
END_TEST

/* The threaded, multi-ISA reference gives the same bits as the single-threaded one it replaced, for every kernel
 * this CPU has and 1, 2 and 3 threads: odd sizes (vector tails), batches above the input chunk, chunk boundaries. */
START_TEST(bit_identical_to_v1)
{
    const rb_problem shapes[] = {
        make_problem(RB_CELL_LSTM, 37, 19, 3, 23),  make_problem(RB_CELL_GRU, 256, 256, 1, 40),
        make_problem(RB_CELL_VANILLA, 100, 50, 33, 3), make_problem(RB_CELL_GRU, 203, 512, 2, 35),
        make_problem(RB_CELL_LSTM, 1, 1, 1, 5),     make_problem(RB_CELL_LSTM, 512, 512, 4, 9),
    };
    static const char *const isas[] = {"avx512", "avx2", "portable"};
    int kernels = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const rb_problem *p = &shapes[s];
        rb_weights w;
        ck_assert_int_eq(rb_weights_init(&w, p, 11), 0);
        float *x = rb_inputs_make(p, 11);
        size_t len = rb_output_len(p);
        float *want = malloc(len * sizeof *want), *got = malloc(len * sizeof *got);
        ck_assert(x && want && got);
        ck_assert_int_eq(rb_reference_forward_v1(p, &w, x, want), 0);
        for (int i = 0; i < 3; i++) {
            if (!rb_dot_rows_select(isas[i]))
                continue; /* this CPU lacks it */
            kernels += s == 0;
            for (int threads = 1; threads <= 3; threads++) {
                rb_par_set_threads(threads);
                memset(got, 0xff, len * sizeof *got);
                ck_assert_int_eq(rb_reference_forward(p, &w, x, got), 0);
                ck_assert_msg(memcmp(got, want, len * sizeof *got) == 0, "%s H=%d I=%d B=%d T=%d: %s, %d threads differ",
                              rb_cell_name(p->cell), p->hidden, p->input, p->batch, p->timesteps, isas[i], threads);
            }
        }
        free(x);
        free(want);
        free(got);
        rb_weights_free(&w);
    }
    ck_assert_int_ge(kernels, 1); /* the portable kernel at least */
    rb_dot_rows_select(NULL);
    rb_par_set_threads(0);
}
END_TEST

/* The weight and input generator as a plain sequential splitmix64 pass (as weights.c was before its parallel fill):
 * the parallel fill must give the same bytes for any thread count. */
static uint64_t seq_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t seq_key(uint64_t key, uint64_t value)
{
    uint64_t s = key ^ value;
    return seq_next(&s);
}

static float seq_pm1(uint64_t *state)
{
    return (float)((double)(seq_next(state) >> 40) * (1.0 / 8388608.0) - 1.0);
}

START_TEST(generator_same_as_sequential)
{
    const rb_problem shapes[] = {make_problem(RB_CELL_LSTM, 300, 200, 3, 70), make_problem(RB_CELL_GRU, 7, 5, 2, 3),
                                 make_problem(RB_CELL_VANILLA, 129, 1000, 1, 130)};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const rb_problem *p = &shapes[s];
        size_t rows = (size_t)rb_cell_gates(p->cell) * p->hidden, nw = rows * p->input, nu = rows * p->hidden;
        size_t nx = (size_t)p->timesteps * p->batch * p->input;
        float *want = malloc((nw + nu + 2 * rows) * sizeof *want), *xw = malloc(nx * sizeof *xw);
        uint64_t st = seq_key(99, UINT64_C(0x7262772d77656967));
        st = seq_key(st, (uint64_t)p->cell);
        st = seq_key(st, (uint64_t)p->hidden);
        st = seq_key(st, (uint64_t)p->input);
        float k = (float)(1.0 / sqrt((double)p->hidden));
        for (size_t i = 0; i < nw + nu + 2 * rows; i++)
            want[i] = k * seq_pm1(&st);
        st = seq_key(99, UINT64_C(0x7262772d696e7075));
        st = seq_key(st, (uint64_t)p->cell);
        st = seq_key(st, (uint64_t)p->hidden);
        st = seq_key(st, (uint64_t)p->input);
        st = seq_key(st, (uint64_t)p->batch);
        st = seq_key(st, (uint64_t)p->timesteps);
        for (size_t i = 0; i < nx; i++)
            xw[i] = seq_pm1(&st);
        for (int threads = 1; threads <= 3; threads++) {
            rb_par_set_threads(threads);
            rb_weights w;
            ck_assert_int_eq(rb_weights_init(&w, p, 99), 0);
            ck_assert_mem_eq(w.W, want, nw * sizeof(float));
            ck_assert_mem_eq(w.U, want + nw, nu * sizeof(float));
            ck_assert_mem_eq(w.bw, want + nw + nu, rows * sizeof(float));
            ck_assert_mem_eq(w.bu, want + nw + nu + rows, rows * sizeof(float));
            float *x = rb_inputs_make(p, 99);
            ck_assert_mem_eq(x, xw, nx * sizeof(float));
            free(x);
            rb_weights_free(&w);
        }
        free(want);
        free(xw);
    }
    rb_par_set_threads(0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reference");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, vanilla_h1);
    tcase_add_test(tc, lstm_h1);
    tcase_add_test(tc, gru_h1);
    tcase_add_test(tc, hand_weights_h2);
    tcase_add_test(tc, generated_odd_sizes);
    tcase_add_test(tc, mismatch_rejected);
    tcase_add_test(tc, weights_deterministic);
    tcase_add_test(tc, inputs_deterministic);
    tcase_add_test(tc, bit_identical_to_v1);
    tcase_add_test(tc, generator_same_as_sequential);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
