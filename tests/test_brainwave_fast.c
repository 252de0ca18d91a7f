/* tests/test_brainwave_fast.c — the batched, threaded, vectorised Brainwave BFP executor (bw_exec.c, bw_kernel.c)
 * gives the same bits as the one-request-at-a-time executor it replaced (tests/bw_exec_v1.c): for every integer
 * kernel this CPU has (AVX-512 VNNI, AVX2, portable), 1 to 3 threads, every cell, batches above and below the W x
 * chunk, odd sizes, the shipped 400-wide blocks and 16-wide ones (several blocks and a short last block), ms-fp8
 * and ms-fp9; and the exposed matvec against a plain loop. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bw_bfp.h"
#include "bw_exec.h"
#include "check_main.h"
#include "parallel.h"
#include "problem_make.h"

int bw1_forward(const rb_problem *p, const rb_weights *w, const bw_bfp_format *fmt, int block, const float *x,
                float *y);

START_TEST(bit_identical_to_v1)
{
    const rb_problem shapes[] = {
        make_problem(RB_CELL_LSTM, 37, 19, 3, 23),    make_problem(RB_CELL_GRU, 256, 256, 1, 40),
        make_problem(RB_CELL_VANILLA, 100, 50, 33, 3), make_problem(RB_CELL_GRU, 203, 450, 2, 35),
        make_problem(RB_CELL_LSTM, 1, 1, 1, 5),        make_problem(RB_CELL_LSTM, 512, 512, 4, 9),
    };
    const int blocks[] = {400, 16};
    static const char *const isas[] = {"vnni", "avx2", "portable"};
    int kernels = 0;
    for (int mant = 2; mant <= 3; mant++) {
        bw_bfp_format fmt;
        ck_assert_int_eq(bw_bfp_format_make(&fmt, 5, mant, 0), 0);
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int bi = 0; bi < 2; bi++) {
                const rb_problem *p = &shapes[s];
                rb_weights w;
                ck_assert_int_eq(rb_weights_init(&w, p, 3), 0);
                float *x = rb_inputs_make(p, 3);
                size_t len = rb_output_len(p);
                float *want = malloc(len * sizeof *want), *got = malloc(len * sizeof *got);
                ck_assert(x && want && got);
                ck_assert_int_eq(bw1_forward(p, &w, &fmt, blocks[bi], x, want), 0);
                bw_exec ex;
                char err[256];
                ck_assert_int_eq(bw_exec_init(&ex, p, &w, &fmt, blocks[bi], err, sizeof err), 0);
                for (int i = 0; i < 3; i++) {
                    if (!bw_kernel_select(isas[i]))
                        continue;
                    kernels += mant == 2 && s == 0 && bi == 0;
                    for (int threads = 1; threads <= 3; threads++) {
                        rb_par_set_threads(threads);
                        memset(got, 0xff, len * sizeof *got);
                        bw_exec_run(&ex, x, got);
                        ck_assert_msg(memcmp(got, want, len * sizeof *got) == 0,
                                      "%s H=%d I=%d B=%d T=%d block %d m%d: %s, %d threads differ",
                                      rb_cell_name(p->cell), p->hidden, p->input, p->batch, p->timesteps, blocks[bi],
                                      mant, isas[i], threads);
                    }
                }
                bw_exec_free(&ex);
                free(x);
                free(want);
                free(got);
                rb_weights_free(&w);
            }
    }
    ck_assert_int_ge(kernels, 1);
    bw_kernel_select(NULL);
    rb_par_set_threads(0);
}
END_TEST

/* bw_bfp_matvec on every kernel equals the definition written out: exact block dots, ldexpf, fp32 sums in order. */
START_TEST(matvec_against_definition)
{
    bw_bfp_format fmt;
    ck_assert_int_eq(bw_bfp_format_make(&fmt, 5, 3, 1), 0);
    enum { ROWS = 7, COLS = 150, BLOCK = 40 };
    float *a = malloc(ROWS * COLS * sizeof *a), xf[COLS];
    for (int i = 0; i < ROWS * COLS; i++)
        a[i] = sinf(0.37f * (float)i) * (i % 5 == 0 ? 4.0f : 0.25f);
    for (int i = 0; i < COLS; i++)
        xf[i] = cosf(0.11f * (float)i);
    bw_bfp_matrix m;
    ck_assert_int_eq(bw_bfp_matrix_make(&m, &fmt, a, ROWS, COLS, BLOCK), 0);
    int8_t qx[4 * BLOCK];
    int16_t sx[4];
    bw_bfp_vector(&fmt, xf, COLS, BLOCK, qx, sx);
    float want[ROWS];
    for (int r = 0; r < ROWS; r++) {
        float acc = 0.0f;
        for (int cb = 0; cb < m.col_blocks; cb++) {
            int32_t d = 0;
            for (int i = 0; i < BLOCK; i++)
                d += (int32_t)m.q[((size_t)r * m.col_blocks + cb) * m.stride + i] * qx[cb * BLOCK + i];
            acc += ldexpf((float)d, m.exp[r * m.col_blocks + cb] + sx[cb]);
        }
        want[r] = acc;
    }
    static const char *const isas[] = {"vnni", "avx2", "portable"};
    for (int i = 0; i < 3; i++) {
        if (!bw_kernel_select(isas[i]))
            continue;
        float y[ROWS];
        bw_bfp_matvec(&m, qx, sx, y);
        ck_assert_msg(memcmp(y, want, sizeof y) == 0, "%s differs", isas[i]);
    }
    bw_kernel_select(NULL);
    bw_bfp_matrix_free(&m);
    free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("brainwave_fast");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, bit_identical_to_v1);
    tcase_add_test(tc, matvec_against_definition);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
