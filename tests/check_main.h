/* tests/check_main.h — owns the shared tail of every Check test's main(): run a suite, free the runner and
 * turn the failure count into the exit status ctest reads. */
#ifndef RB_TESTS_CHECK_MAIN_H
#define RB_TESTS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

/* Runs every test of s with the given fork mode (CK_FORK_GETENV is Check's default: the CK_FORK variable
 * decides) and returns EXIT_SUCCESS only when none failed. The runner takes ownership of s. */
static inline int rb_check_run_fork(Suite *s, enum fork_status fork)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, fork);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* rb_check_run_fork with Check's default fork mode. */
static inline int rb_check_run(Suite *s)
{
    return rb_check_run_fork(s, CK_FORK_GETENV);
}

#endif
