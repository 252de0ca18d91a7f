/* tests/test_parallel.c — the thread pool behind rb_par_for (workloads/parallel.c): every index runs exactly once
 * whatever the thread count, grain and loop size, over thousands of back-to-back loops (the generation hand-over);
 * a forked child gets a working pool of its own; RNNBENCH_THREADS wins over the value the harness sets. */
#include <check.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check_main.h"
#include "parallel.h"

typedef struct visit {
    atomic_int *count;
    size_t n;
    atomic_int bad;
} visit;

static void mark(void *ctx, size_t b, size_t e)
{
    visit *v = ctx;
    if (b >= e || e > v->n)
        atomic_fetch_add(&v->bad, 1);
    for (size_t i = b; i < e && i < v->n; i++)
        atomic_fetch_add(&v->count[i], 1);
}

static int run_loops(int threads, int loops)
{
    rb_par_set_threads(threads);
    atomic_int *count = calloc(1000, sizeof *count);
    int wrong = 0;
    for (int l = 0; l < loops; l++) {
        size_t n = (size_t)(l * 37 % 1000) + 1, grain = (size_t)(l % 7) + 1;
        for (size_t i = 0; i < n; i++)
            atomic_store(&count[i], 0);
        visit v = {count, n, 0};
        rb_par_for(n, grain, mark, &v);
        wrong += atomic_load(&v.bad);
        for (size_t i = 0; i < n; i++)
            wrong += atomic_load(&count[i]) != 1;
    }
    free(count);
    return wrong;
}

START_TEST(every_index_once)
{
    for (int threads = 1; threads <= 4; threads++)
        ck_assert_int_eq(run_loops(threads, 3000), 0);
    rb_par_set_threads(0);
}
END_TEST

START_TEST(forked_child_has_its_own_pool)
{
    ck_assert_int_eq(run_loops(3, 50), 0); /* the parent's workers exist now */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(run_loops(3, 500) == 0 ? 0 : 1);
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_eq(run_loops(2, 50), 0);
    rb_par_set_threads(0);
}
END_TEST

START_TEST(environment_wins)
{
    ck_assert_int_ge(rb_par_cpus(), 1);
    rb_par_set_threads(5);
    ck_assert_int_eq(rb_par_threads(), 5);
    setenv("RNNBENCH_THREADS", "2", 1);
    ck_assert_int_eq(rb_par_threads(), 2);
    setenv("RNNBENCH_THREADS", "junk", 1); /* ignored */
    ck_assert_int_eq(rb_par_threads(), 5);
    unsetenv("RNNBENCH_THREADS");
    rb_par_set_threads(0);
    ck_assert_int_eq(rb_par_threads(), rb_par_cpus());
}
END_TEST

int main(void)
{
    unsetenv("RNNBENCH_THREADS");
    Suite *s = suite_create("parallel");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_index_once);
    tcase_add_test(tc, forked_child_has_its_own_pool);
    tcase_add_test(tc, environment_wins);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
