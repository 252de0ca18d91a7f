/* tests/test_gpu_backends.c — Check front end of tests/gpu_checks.c: one loop test over every GPU backend check.
 * A check that does not apply here (no GPU) passes and prints "SKIP: <reason>". */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "check_main.h"
#include "gpu_checks.h"

START_TEST(gpu_check)
{
    gpu_check_result r;
    gpu_check_run(_i, &r);
    if (r.skipped && !r.failed)
        printf("SKIP: %s: %s\n", gpu_check_name(_i), r.msg);
    ck_assert_msg(!r.failed, "%s: %s", gpu_check_name(_i), r.msg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gpu_backends");
    TCase *tc = tcase_create("checks");
    tcase_add_loop_test(tc, gpu_check, 0, gpu_check_count());
    suite_add_tcase(s, tc);
    return rb_check_run_fork(s, CK_NOFORK); /* CUDA contexts do not survive fork */
}
