/* tests/test_number.c — the strict decimal number parser shared by the command line, backend options and workload
 * files (workloads/number.h): what it accepts, what it refuses (blanks, '+', hex, inf/nan, a sign on unsigned), the
 * range limits at the edges of 64 bits; and the string index the duplicate checks use (workloads/str_index.h). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "number.h"
#include "str_index.h"

START_TEST(integers)
{
    long long v = 0;
    ck_assert_int_eq(rb_number_int("0", -5, 5, &v), RB_NUM_OK);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(rb_number_int("-7", -10, 10, &v), RB_NUM_OK);
    ck_assert_int_eq(v, -7);
    ck_assert_int_eq(rb_number_int("007", 0, 10, &v), RB_NUM_OK);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(rb_number_int("9223372036854775807", 0, INT64_MAX, &v), RB_NUM_OK);
    ck_assert(v == INT64_MAX);
    ck_assert_int_eq(rb_number_int("-9223372036854775808", INT64_MIN, 0, &v), RB_NUM_OK);
    ck_assert(v == INT64_MIN);
    ck_assert_int_eq(rb_number_int("9223372036854775808", 0, INT64_MAX, &v), RB_NUM_RANGE);
    ck_assert_int_eq(rb_number_int("11", 0, 10, &v), RB_NUM_RANGE);
    ck_assert_int_eq(rb_number_int("-1", 0, 10, &v), RB_NUM_RANGE);
    const char *bad[] = {"", " 1", "1 ", "\t1", "+1", "--1", "-", "1-", "0x10", "1e3", "1.0", "inf", "nan", "1,000",
                         "½", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(rb_number_int(bad[i], INT64_MIN, INT64_MAX, &v) == RB_NUM_SYNTAX, "accepted '%s'", bad[i]);
    ck_assert_int_eq(rb_number_int(NULL, 0, 1, &v), RB_NUM_SYNTAX);
}
END_TEST

START_TEST(unsigned_integers)
{
    unsigned long long v = 0;
    ck_assert_int_eq(rb_number_uint("18446744073709551615", UINT64_MAX, &v), RB_NUM_OK);
    ck_assert(v == UINT64_MAX);
    ck_assert_int_eq(rb_number_uint("18446744073709551616", UINT64_MAX, &v), RB_NUM_RANGE);
    ck_assert_int_eq(rb_number_uint("99999999999999999999999", UINT64_MAX, &v), RB_NUM_RANGE);
    ck_assert_int_eq(rb_number_uint("100001", 100000, &v), RB_NUM_RANGE);
    ck_assert_int_eq(rb_number_uint("100000", 100000, &v), RB_NUM_OK);
    /* `--seed ' -1'` used to become 18446744073709551615 */
    const char *bad[] = {"-1", " -1", "-0", "+5", " 5", "5 ", "0x5", "5.0", "5e0", "", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(rb_number_uint(bad[i], UINT64_MAX, &v) == RB_NUM_SYNTAX, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(reals)
{
    double v = 0;
    const struct { const char *s; double want; } good[] = {
        {"0", 0}, {"1.5", 1.5}, {".5", 0.5}, {"5.", 5}, {"-0.25", -0.25}, {"1e3", 1000}, {"1E-3", 1e-3},
        {"-2.5e2", -250}, {"86400", 86400},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ck_assert_msg(rb_number_real(good[i].s, -1e9, 1e9, &v) == RB_NUM_OK, "refused '%s'", good[i].s);
        ck_assert_double_eq(v, good[i].want);
    }
    const char *bad[] = {"", " 1", "1 ", "+1", "0x1p3", "0x10", "inf", "-inf", "nan", "infinity", "1e", "e5", "1e+5",
                         ".", "-", "1.2.3", "1..2", "--1", "1,5", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(rb_number_real(bad[i], -1e300, 1e300, &v) == RB_NUM_SYNTAX, "accepted '%s'", bad[i]);
    ck_assert_int_eq(rb_number_real("1e999", -1e300, 1e300, &v), RB_NUM_RANGE);
    ck_assert_int_eq(rb_number_real("2", 0, 1, &v), RB_NUM_RANGE);
    ck_assert_int_eq(rb_number_real("-0.001", 0, 1, &v), RB_NUM_RANGE);
}
END_TEST

START_TEST(string_index)
{
    rb_str_index ix;
    rb_str_index_init(&ix);
    size_t v = 0;
    ck_assert_int_eq(rb_str_index_get(&ix, "a", &v), 0);
    enum { N = 100000 };
    char key[32];
    for (size_t i = 0; i < N; i++) {
        snprintf(key, sizeof key, "key-%zu", i);
        ck_assert_int_eq(rb_str_index_add(&ix, key, i, NULL), 0);
    }
    ck_assert_uint_eq(ix.count, N);
    for (size_t i = 0; i < N; i += 997) {
        snprintf(key, sizeof key, "key-%zu", i);
        ck_assert_int_eq(rb_str_index_get(&ix, key, &v), 1);
        ck_assert_uint_eq(v, i);
        ck_assert_int_eq(rb_str_index_add(&ix, key, 5, &v), 1); /* present: kept, its value reported */
        ck_assert_uint_eq(v, i);
    }
    ck_assert_int_eq(rb_str_index_set(&ix, "key-3", 77), 0);
    ck_assert_int_eq(rb_str_index_get(&ix, "key-3", &v), 1);
    ck_assert_uint_eq(v, 77);
    ck_assert_int_eq(rb_str_index_get(&ix, "key-100000", &v), 0);
    ck_assert_int_eq(rb_str_index_get(&ix, "", &v), 0);
    ck_assert_int_eq(rb_str_index_add(&ix, "", 1, NULL), 0); /* the empty string is a key like any other */
    ck_assert_int_eq(rb_str_index_get(&ix, "", &v), 1);
    rb_str_index_free(&ix);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("number");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, integers);
    tcase_add_test(tc, unsigned_integers);
    tcase_add_test(tc, reals);
    tcase_add_test(tc, string_index);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
