/* tests/test_cpu_common.c — the code the CPU backends share (backends/cpu_blas/cpu_*.c): the SIMD exp / expm1 /
 * sigmoid / tanh against double-precision libm within the documented bound, on every instruction set this CPU runs
 * plus the portable one; the multi-vector GEMV against plain loops; the thread pool's barrier, also with more
 * threads than CPUs; the share split; the threads option and the auto rule's boundaries. */
#include <check.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_main.h"
#include "cpu_blas_kernels.h"
#include "cpu_pool.h"
#include "cpu_threads.h"
#include "cpu_vmath.h"

/* Points: a uniform grid over [-90, 90] and a geometric sweep 1e-30 .. 90 of both signs. */
static float *test_points(int *n)
{
    const int grid = 1500000, geo = 500000;
    float *v = malloc((size_t)(grid + geo) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (int i = 0; i < grid; i++)
        v[i] = -90.0f + 180.0f * (float)i / (float)(grid - 1);
    for (int i = 0; i < geo; i++) {
        double e = -30.0 + (30.0 + log10(90.0)) * (double)(i / 2) / (double)(geo / 2);
        v[grid + i] = (float)((i & 1 ? -1 : 1) * pow(10.0, e));
    }
    *n = grid + geo;
    return v;
}

typedef struct fn_case {
    const char *name;
    double lo, hi; /* domain where the relative bound applies */
    double (*ref)(double);
} fn_case;

static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* Max relative error of f over the points in [lo, hi]; outside it (sigmoid's underflow) the absolute error must be
 * <= 1e-37. */
static double max_rel(void (*f)(int, const float *, float *), const fn_case *c, const float *pts, int n)
{
    float *out = malloc((size_t)n * sizeof *out);
    ck_assert_ptr_nonnull(out);
    f(n, pts, out);
    double worst = 0;
    for (int i = 0; i < n; i++) {
        double x = pts[i], r = c->ref(x), e = fabs((double)out[i] - r);
        if (x < c->lo || x > c->hi) {
            if (strcmp(c->name, "sigmoid") == 0)
                ck_assert_msg(e <= 1e-37, "sigmoid(%g) = %g, abs err %g", x, out[i], e);
            continue;
        }
        double rel = r != 0 ? e / fabs(r) : e;
        if (rel > worst)
            worst = rel;
    }
    free(out);
    return worst;
}

START_TEST(test_vmath_bound_every_isa)
{
    int n;
    float *pts = test_points(&n);
    const fn_case cases[] = {{"exp", -87, 88, exp}, {"expm1", -87, 88, expm1}, {"sigmoid", -87, 1e9, ref_sigmoid},
                             {"tanh", -1e9, 1e9, tanh}};
    int ran = 0;
    for (int isa = 0; isa < RB_ISA_COUNT; isa++) {
        const rb_cpu_kernels *k = rb_cpu_kernels_for((rb_isa)isa);
        if (!k || k->isa != (rb_isa)isa)
            continue; /* not on this CPU, or an alias of another set */
        void (*fns[4])(int, const float *, float *) = {k->exp, k->expm1, k->sigmoid, k->tanh};
        for (int c = 0; c < 4; c++) {
            double e = max_rel(fns[c], &cases[c], pts, n);
            printf("vmath %-8s %-7s max rel err %.3g (bound %.3g)\n", rb_isa_name(k->isa), cases[c].name, e,
                   RB_VMATH_REL_ERR);
            ck_assert_msg(e <= RB_VMATH_REL_ERR, "%s %s: %g", rb_isa_name(k->isa), cases[c].name, e);
        }
        ran++;
    }
    ck_assert_int_ge(ran, 1);
    free(pts);
}
END_TEST

START_TEST(test_gemv_multi_every_isa)
{
    const int rows = 37, K = 53, ld = 60;
    float *A = malloc(sizeof(float) * rows * ld), *X = malloc(sizeof(float) * 9 * ld);
    float *Y = malloc(sizeof(float) * 9 * 40), *R = malloc(sizeof(float) * 9 * 40);
    for (int i = 0; i < rows * ld; i++)
        A[i] = (float)((i * 37) % 101 - 50) / 50.0f;
    for (int i = 0; i < 9 * ld; i++)
        X[i] = (float)((i * 17) % 31 - 15) / 15.0f;
    for (int isa = 0; isa < RB_ISA_COUNT; isa++) {
        const rb_cpu_kernels *k = rb_cpu_kernels_for((rb_isa)isa);
        if (!k || k->isa != (rb_isa)isa)
            continue;
        for (int nb = 1; nb <= 9; nb++) {
            for (int i = 0; i < 9 * 40; i++)
                Y[i] = R[i] = (float)i;
            for (int b = 0; b < nb; b++)
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int j = 0; j < K; j++)
                        s += (double)A[r * ld + j] * X[b * ld + j];
                    R[b * 40 + r] += (float)s;
                }
            k->gemv_multi(rows, K, A, ld, nb, X, ld, Y, 40);
            for (int i = 0; i < 9 * 40; i++)
                ck_assert_msg(fabsf(Y[i] - R[i]) <= 1e-4f * (1 + fabsf(R[i])), "%s nb=%d i=%d: %g vs %g",
                              rb_isa_name(k->isa), nb, i, Y[i], R[i]);
        }
    }
    free(A);
    free(X);
    free(Y);
    free(R);
}
END_TEST

/* Every thread writes its phase, meets the barrier, then checks that every other thread reached the same phase. */
typedef struct barrier_job {
    int phases;
    atomic_int seen[16];
    atomic_int errors;
} barrier_job;

static void barrier_task(void *arg, int tid, int nthreads, rb_cpu_pool *pool)
{
    barrier_job *j = arg;
    for (int ph = 1; ph <= j->phases; ph++) {
        atomic_store(&j->seen[tid], ph);
        rb_cpu_pool_barrier(pool);
        for (int t = 0; t < nthreads; t++) {
            int s = atomic_load(&j->seen[t]);
            if (s != ph && s != ph + 1) /* a fast thread may already be one phase ahead */
                atomic_fetch_add(&j->errors, 1);
        }
        rb_cpu_pool_barrier(pool);
    }
}

static void run_barrier(int threads, int spin_us, int phases)
{
    rb_cpu_pool *p = NULL;
    char why[128];
    ck_assert_msg(rb_cpu_pool_create(&p, threads, spin_us, why, sizeof why) == 0, "%s", why);
    ck_assert_int_eq(rb_cpu_pool_threads(p), threads);
    for (int run = 0; run < 3; run++) { /* the pool is reused across runs */
        barrier_job j = {.phases = phases};
        rb_cpu_pool_run(p, barrier_task, &j);
        ck_assert_int_eq(atomic_load(&j.errors), 0);
        for (int t = 0; t < threads; t++)
            ck_assert_int_eq(atomic_load(&j.seen[t]), phases);
    }
    rb_cpu_pool_destroy(p);
}

START_TEST(test_barrier)
{
    int cpus = rb_cpu_usable();
    run_barrier(1, RB_POOL_SPIN_AUTO, 100);
    run_barrier(2, RB_POOL_SPIN_AUTO, 2000);
    /* more threads than CPUs: the auto policy must not spin, and the barrier must still be correct and finish */
    int over = 4 * cpus > 16 ? 16 : 4 * cpus;
    if (over <= cpus)
        over = cpus + 1 > 16 ? 16 : cpus + 1;
    rb_cpu_pool *p = NULL;
    char why[128];
    ck_assert_int_eq(rb_cpu_pool_create(&p, over, RB_POOL_SPIN_AUTO, why, sizeof why), 0);
    ck_assert_int_eq(rb_cpu_pool_spin_us(p), over > cpus ? 0 : RB_POOL_SPIN_US_DEFAULT);
    rb_cpu_pool_destroy(p);
    run_barrier(over, RB_POOL_SPIN_AUTO, 2000);
    /* forced spinning while oversubscribed still ends (bounded spin, then the futex) */
    run_barrier(over, 50, 200);
    printf("barrier: %d threads on %d CPUs ok\n", over, cpus);
}
END_TEST

START_TEST(test_pool_rejects_zero_threads)
{
    rb_cpu_pool *p = (rb_cpu_pool *)1;
    char why[128] = "";
    ck_assert_int_eq(rb_cpu_pool_create(&p, 0, RB_POOL_SPIN_AUTO, why, sizeof why), -1);
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(strstr(why, "thread count"));
}
END_TEST

START_TEST(test_share)
{
    for (int n = 0; n < 70; n++)
        for (int nt = 1; nt <= 5; nt++) {
            int covered = 0, prev_end = 0;
            for (int t = 0; t < nt; t++) {
                int b, e;
                rb_cpu_share(n, 16, t, nt, &b, &e);
                ck_assert_int_eq(b, prev_end);
                ck_assert_int_le(b, e);
                ck_assert(b % 16 == 0 || b == n);
                covered += e - b;
                prev_end = e;
            }
            ck_assert_int_eq(covered, n);
        }
}
END_TEST

START_TEST(test_threads_option_and_rule)
{
    int t = -1;
    ck_assert_int_eq(rb_cpu_threads_parse("auto", &t), 0);
    ck_assert_int_eq(t, 0);
    ck_assert_int_eq(rb_cpu_threads_parse(NULL, &t), 0);
    ck_assert_int_eq(t, 0);
    ck_assert_int_eq(rb_cpu_threads_parse("3", &t), 0);
    ck_assert_int_eq(t, 3);
    ck_assert_int_eq(rb_cpu_threads_parse("256", &t), 0);
    const char *bad[] = {"0", "257", "-1", "2.5", "", "two", "1e2", " 2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(rb_cpu_threads_parse(bad[i], &t) == -1, "accepted '%s'", bad[i]);
    /* the rule: one thread per `per` bytes, rounded down, within [1, budget] */
    const double per = 512.0 * 1024;
    ck_assert_int_eq(rb_cpu_threads_rule(0, per, 4), 1);
    ck_assert_int_eq(rb_cpu_threads_rule(per - 1, per, 4), 1);
    ck_assert_int_eq(rb_cpu_threads_rule(2 * per - 1, per, 4), 1);
    ck_assert_int_eq(rb_cpu_threads_rule(2 * per, per, 4), 2);
    ck_assert_int_eq(rb_cpu_threads_rule(3 * per, per, 4), 3);
    ck_assert_int_eq(rb_cpu_threads_rule(100 * per, per, 4), 4);
    ck_assert_int_eq(rb_cpu_threads_rule(100 * per, per, 1), 1);
    ck_assert_int_eq(rb_cpu_threads_rule(100 * per, per, 0), 1);
    int budget = rb_cpu_thread_budget();
    ck_assert_int_ge(budget, 1);
    ck_assert_int_le(budget, rb_cpu_usable());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_common");
    TCase *tc = tcase_create("common");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_vmath_bound_every_isa);
    tcase_add_test(tc, test_gemv_multi_every_isa);
    tcase_add_test(tc, test_barrier);
    tcase_add_test(tc, test_pool_rejects_zero_threads);
    tcase_add_test(tc, test_share);
    tcase_add_test(tc, test_threads_option_and_rule);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
